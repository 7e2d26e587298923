"""Checks on the arrays users pass to fit/evaluate/predict, with messages that say what is wrong and where."""
import numpy as np

from ..graph import shapes
from .errors import DataError, ShapeError


def as_array(values, what, dtype):
    """``values`` as a finite float array of ``dtype``, or a DataError naming the first bad entry."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} is not an array of numbers: {exc}") from None
    if array.dtype.kind not in "biuf":
        raise DataError(f"{what} is not an array of numbers (its dtype is {array.dtype})")
    if array.ndim == 0 or len(array) == 0:
        raise DataError(f"{what} is empty: it needs at least one sample (batch axis first)")
    array = array.astype(dtype, copy=False)       # no copy when it already has the model's dtype
    if np.isfinite(array.sum()):      # NaN and inf make the sum non-finite; an overflow only takes the long way
        return array
    finite = np.isfinite(array)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        bad = array[where]
        count = int((~finite).sum())
        raise DataError(f"{what} contains {'NaN' if np.isnan(bad) else bad} at index {where} "
                        f"({count} non-finite value{'s' if count > 1 else ''} in all); remove or replace "
                        "them before training")
    return array


def check_inputs(x, input_shape, what="x"):
    """Raise ShapeError when samples of ``x`` do not have the model's input shape."""
    if x.shape[1:] != tuple(input_shape):
        got = x.shape[1:]
        detail = (f"each sample has {got[0]} features but the first layer was built for {input_shape[0]}"
                  if len(got) == 1 and len(input_shape) == 1 else
                  f"each sample has shape {shapes.fmt(got)}, the model expects {shapes.fmt(input_shape)}")
        raise ShapeError(f"wrong input width: the model expects {what} of shape "
                         f"{shapes.fmt((None,) + tuple(input_shape))}, got {shapes.fmt(x.shape)}; {detail}")


def check_same_length(x, y, what="x and y"):
    if len(x) != len(y):
        raise DataError(f"{what} have different numbers of samples: {len(x)} and {len(y)}")
