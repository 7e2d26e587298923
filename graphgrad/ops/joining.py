"""Joining and splitting arrays: concatenate (one primitive of any arity) and the functions built on it.

concatenate's VJP hands each operand its slice of the adjoint; split and
array_split return one ``index`` (slice) node per piece, so each piece is an
ordinary node with its own name in traces and pictures.
"""
import numpy as np

from ..errors import ArgumentError, ShapeError
from ..graph import shapes
from .indexing import index
from ..graph.primitive import Primitive, apply, as_node
from .shaping import expand_dims, reshape, zeros_like


def _concatenate_shape(*in_shapes, axis):
    listed = " and ".join(shapes.fmt(s) for s in in_shapes)
    if not in_shapes:
        raise ArgumentError("concatenate needs at least one array")
    if any(len(s) != len(in_shapes[0]) for s in in_shapes) or not in_shapes[0]:
        raise ShapeError(f"shape mismatch in concatenate: {listed} must all have the same number of axes, "
                         "at least one")
    a = shapes.normalize_axis(axis, len(in_shapes[0]), " in concatenate")[0]
    for s in in_shapes:
        if s[:a] + s[a + 1:] != in_shapes[0][:a] + in_shapes[0][a + 1:]:
            raise ShapeError(f"shape mismatch in concatenate: cannot join {listed} along axis {axis}; "
                             "every other axis must have the same length")
    return in_shapes[0][:a] + (sum(s[a] for s in in_shapes),) + in_shapes[0][a + 1:]


def _pieces(g, xs, axis):
    """The slices of ``g`` along ``axis`` that line up with the operands ``xs``."""
    a = axis % g.ndim
    bounds = np.cumsum([0] + [x.shape[a] for x in xs]).tolist()
    return [index(g, (slice(None),) * a + (slice(lo, hi),)) for lo, hi in zip(bounds, bounds[1:])]


def _concatenate_jvp(ts, ans, *xs, axis):
    return concatenate([zeros_like(x) if t is None else t for t, x in zip(ts, xs)], axis)


concatenate_p = Primitive(
    "concatenate", impl=lambda *xs, axis: np.concatenate(xs, axis=axis), shape=_concatenate_shape,
    vjp=lambda g, ans, *xs, needs, axis: tuple(p if need else None for p, need in zip(_pieces(g, xs, axis), needs)),
    jvp=_concatenate_jvp,
    text="concatenate({operands}, axis={axis})", latex=r"\operatorname{{concat}}_{{{axis}}}({operands})",
    lowering="concatenate")


def concatenate(arrays, axis=0):
    """``np.concatenate``: the arrays joined along an existing ``axis`` (of the flattened arrays when None)."""
    xs = [as_node(a) for a in arrays]
    if axis is None:
        xs, axis = [reshape(x, (-1,)) for x in xs], 0
    if len(xs) == 1:
        _concatenate_shape(xs[0].shape, axis=axis)
        return xs[0]
    return apply(concatenate_p, xs, {"axis": int(axis)})


def stack(arrays, axis=0):
    """``np.stack``: arrays of one shape joined along a new ``axis``."""
    xs = [as_node(a) for a in arrays]
    if not xs:
        raise ArgumentError("stack needs at least one array")
    if any(x.shape != xs[0].shape for x in xs):
        raise ShapeError("shape mismatch in stack: every array must have the same shape, got "
                         + " and ".join(shapes.fmt(x.shape) for x in xs))
    return concatenate([expand_dims(x, axis) for x in xs], axis)


def _at_least(x, ndim):
    """``x`` with leading axes of length 1 up to ``ndim`` (1-D to a row for ndim=2), as np.atleast_Nd."""
    return reshape(x, (1,) * (ndim - x.ndim) + x.shape) if x.ndim < ndim else x


def hstack(tup):
    """``np.hstack``: joined along the second axis (the first for 1-D arrays)."""
    xs = [_at_least(as_node(a), 1) for a in tup]
    return concatenate(xs, 0 if xs and all(x.ndim == 1 for x in xs) else 1)


def vstack(tup):
    """``np.vstack``: joined along the first axis, 1-D arrays as rows."""
    return concatenate([_at_least(as_node(a), 2) for a in tup], 0)


def array_split(x, indices_or_sections, axis=0):
    """``np.array_split``: pieces along ``axis``, one slice node each; ``n`` sections may differ by one in length."""
    x = as_node(x)
    a = shapes.normalize_axis(axis, x.ndim, " in array_split")[0]
    n = x.shape[a]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ArgumentError(f"the number of sections must be positive, got {sections}")
        each, extra = divmod(n, sections)
        cuts = np.cumsum([each + 1] * extra + [each] * (sections - extra))[:-1].tolist()
    else:
        cuts = [int(c) for c in indices_or_sections]
    bounds = [0] + cuts + [None]
    return [index(x, (slice(None),) * a + (slice(lo, hi),)) for lo, hi in zip(bounds, bounds[1:])]


def split(x, indices_or_sections, axis=0):
    """``np.split``: like ``array_split``, but ``n`` sections must divide the axis evenly."""
    x = as_node(x)
    if isinstance(indices_or_sections, (int, np.integer)):
        a = shapes.normalize_axis(axis, x.ndim, " in split")[0]
        if indices_or_sections <= 0 or x.shape[a] % indices_or_sections:
            raise ShapeError(f"split cannot cut axis {axis} of shape {shapes.fmt(x.shape)} into "
                             f"{indices_or_sections} equal sections; use array_split for unequal ones")
    return array_split(x, indices_or_sections, axis)
