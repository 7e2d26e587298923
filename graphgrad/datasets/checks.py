"""Checks on the arguments of data and model builders, with errors that name the argument.

They live with the data sets (which need them first) so that graphgrad.nn can
import them without graphgrad.datasets depending on graphgrad.nn.
"""
import math
import numbers

from ..errors import InputValueError


class LabelError(InputValueError):
    """Labels that do not fit the loss (e.g. integer labels given to categorical cross-entropy)."""


def whole_number(value, what, minimum=1):
    """``value`` as an int, or an InputValueError naming ``what`` when it is not a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or int(value) != value or value < minimum:
        raise InputValueError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def sample_shape(value, what):
    """``value`` as a tuple of whole numbers >= 1, the shape of one sample such as (28, 28), or an
    InputValueError naming ``what`` (a size of -1 or 0 would otherwise surface as NumPy's error much later)."""
    try:
        sizes = tuple(value)
    except TypeError:
        raise InputValueError(f"{what} must be a tuple of sizes such as (784,), got {value!r}") from None
    return tuple(whole_number(size, f"{what} {sizes!r}: each size") for size in sizes)


def real_number(value, what, low=-math.inf, high=math.inf, low_open=False, high_open=False):
    """``value`` as a float in the interval from ``low`` to ``high`` (ends closed unless ``*_open``), or an
    InputValueError naming ``what`` and the interval."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        interval = (f"{'(' if low_open or low == -math.inf else '['}{low:g}, "
                    f"{high:g}{')' if high_open or high == math.inf else ']'}")
        raise InputValueError(f"{what} must be a finite number in {interval}, got {value!r}")
    return float(value)
