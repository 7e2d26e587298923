"""Primitives that move elements without computing: reshape, transpose, broadcast_to."""
import numpy as np

from ..errors import ShapeError
from ..graph import shapes
from .primitive import Primitive


def _reshape_shape(shape, *, shape_to):
    target = list(shape_to)
    size = int(np.prod(shape, dtype=np.int64))
    if target.count(-1) == 1:
        known = int(np.prod([d for d in target if d != -1], dtype=np.int64))
        if known and size % known == 0:
            target[target.index(-1)] = size // known
    if int(np.prod(target, dtype=np.int64)) != size or any(d < 0 for d in target):
        raise ShapeError(f"shape mismatch in reshape: cannot reshape {shapes.fmt(shape)} "
                         f"({size} elements) into {shapes.fmt(tuple(shape_to))}; the number of "
                         "elements must stay the same (one size may be -1)")
    return tuple(target)


reshape_p = Primitive(
    "reshape", impl=lambda x, shape_to: np.reshape(x, shape_to), shape=_reshape_shape,
    vjp=lambda g, ans, x, needs, shape_to: (reshape(g, x.shape),),
    jvp=lambda ts, ans, x, shape_to: reshape(ts[0], ans.shape),
    text="reshape({0}, {shape_to})", latex=r"\operatorname{{reshape}}({0})")


def reshape(x, shape):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return x if x.shape == shape else reshape_p(x, shape_to=shape)


def _transpose_shape(shape, *, axes):
    axes = tuple(reversed(range(len(shape)))) if axes is None else axes
    if sorted(a % max(len(shape), 1) for a in axes) != list(range(len(shape))):
        raise ShapeError(f"transpose axes {axes} are not a permutation of the "
                         f"{len(shape)} axes of {shapes.fmt(shape)}")
    return tuple(shape[a] for a in axes)


def _inverse(axes, ndim):
    """The permutation undoing ``axes`` (negative axes count from the end, as in NumPy)."""
    axes = tuple(reversed(range(ndim))) if axes is None else tuple(a % ndim for a in axes)
    return tuple(int(i) for i in np.argsort(axes))


transpose_p = Primitive(
    "transpose", impl=lambda x, axes: np.transpose(x, axes), shape=_transpose_shape,
    vjp=lambda g, ans, x, needs, axes: (transpose(g, _inverse(axes, x.ndim)),),
    jvp=lambda ts, ans, x, axes: transpose(ts[0], axes),
    sympy=lambda x, axes: x.T if hasattr(x, "T") else x,
    text="{0}ᵀ", latex="{0}^\\top", precedence=50)


def transpose(x, axes=None):
    return x if x.ndim < 2 and axes is None else transpose_p(x, axes=None if axes is None else tuple(axes))


def _broadcast_to_shape(shape, *, shape_to):
    if shapes.broadcast(shape, shape_to, where=" in broadcast_to") != tuple(shape_to):
        raise ShapeError(f"cannot broadcast {shapes.fmt(shape)} to {shapes.fmt(shape_to)}")
    return tuple(shape_to)


broadcast_to_p = Primitive(
    "broadcast_to", impl=lambda x, shape_to: np.broadcast_to(x, shape_to), shape=_broadcast_to_shape,
    vjp=lambda g, ans, x, needs, shape_to: (unbroadcast(g, x.shape),),
    jvp=lambda ts, ans, x, shape_to: broadcast_to(ts[0], shape_to),
    sympy=lambda x, shape_to: x,
    text="{0}", latex="{0}", pointwise=True)


def broadcast_to(x, shape):
    shape = tuple(shape)
    return x if x.shape == shape else broadcast_to_p(x, shape_to=shape)


def unbroadcast(g, shape):
    """Sum ``g`` over the axes broadcasting added, so the adjoint has the operand's shape."""
    from .reductions import sum
    shape = tuple(shape)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1)
    return reshape(sum(g, axis=axes), shape)
