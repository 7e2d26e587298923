"""Primitives that move elements without computing: reshape, transpose, broadcast_to; and the NumPy
functions made of them (squeeze, expand_dims, ravel, moveaxis, swapaxes, tile)."""
import numpy as np

from ..errors import ShapeError
from ..graph import shapes
from ..graph.primitive import Primitive, const


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
    text="reshape({0}, {shape_to})", latex=r"\operatorname{{reshape}}({0})", lowering="reshape")


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
    text="{0}ᵀ", latex="{0}^\\top", precedence=50, lowering="transpose")


def transpose(x, axes=None):
    return x if x.ndim < 2 and axes is None else transpose_p(x, axes=None if axes is None else tuple(axes))


def moveaxis(x, source, destination):
    """``np.moveaxis``: axes ``source`` moved to positions ``destination``, the others kept in order."""
    src = _axes(source, x.ndim, "moveaxis")
    dst = _axes(destination, x.ndim, "moveaxis")
    if len(src) != len(dst):
        raise ShapeError(f"moveaxis needs as many destinations as sources, got {source!r} and {destination!r}")
    order = [a for a in range(x.ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return x if order == list(range(x.ndim)) else transpose(x, order)


def swapaxes(x, axis1, axis2):
    """``np.swapaxes``: the two axes exchanged."""
    (a,), (b,) = _axes(axis1, x.ndim, "swapaxes"), _axes(axis2, x.ndim, "swapaxes")   # the same axis twice: x
    order = list(range(x.ndim))
    order[a], order[b] = b, a
    return x if a == b else transpose(x, order)


def _axes(axis, ndim, where):
    """Axes as written (an int or a sequence), made non-negative; repeated axes are an error."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = [shapes.normalize_axis(int(a), ndim, f" in {where}")[0] for a in axes]
    if len(set(out)) != len(out):
        raise ShapeError(f"repeated axis in {where}: {axis!r}")
    return out


def squeeze(x, axis=None):
    """``np.squeeze``: axes of length 1 removed (all of them, or those in ``axis``, which must have length 1)."""
    axes = [a for a, n in enumerate(x.shape) if n == 1] if axis is None else _axes(axis, x.ndim, "squeeze")
    for a in axes:
        if x.shape[a] != 1:
            raise ShapeError(f"cannot squeeze axis {a} of shape {shapes.fmt(x.shape)}: it has length "
                             f"{x.shape[a]}, not 1")
    return reshape(x, tuple(n for a, n in enumerate(x.shape) if a not in axes))


def expand_dims(x, axis):
    """``np.expand_dims``: new axes of length 1 at positions ``axis`` of the result."""
    count = 1 if isinstance(axis, (int, np.integer)) else len(tuple(axis))
    axes = _axes(axis, x.ndim + count, "expand_dims")
    rest = iter(x.shape)
    return reshape(x, tuple(1 if a in axes else next(rest) for a in range(x.ndim + count)))


def ravel(x):
    """``np.ravel``: the elements as a 1-D array, in C order."""
    return reshape(x, (x.size,))


def tile(x, reps):
    """``np.tile``: ``x`` repeated ``reps`` times along each axis (a broadcast of interleaved axes, reshaped)."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    if any(r < 0 for r in reps):
        raise ShapeError(f"tile needs non-negative repetitions, got {reps}")
    ndim = max(x.ndim, len(reps))
    sizes = (1,) * (ndim - x.ndim) + x.shape
    reps = (1,) * (ndim - len(reps)) + reps
    spread = broadcast_to(reshape(x, tuple(d for n in sizes for d in (1, n))),
                          tuple(d for r, n in zip(reps, sizes) for d in (r, n)))
    return reshape(spread, tuple(r * n for r, n in zip(reps, sizes)))


def zeros_like(node):
    """Zeros of the node's shape and dtype (one number, broadcast)."""
    return broadcast_to(const(np.zeros((), dtype=node.dtype)), node.shape)


def _broadcast_to_shape(shape, *, shape_to):
    if shapes.broadcast(shape, shape_to, where=" in broadcast_to") != tuple(shape_to):
        raise ShapeError(f"cannot broadcast {shapes.fmt(shape)} to {shapes.fmt(shape_to)}")
    return tuple(shape_to)


broadcast_to_p = Primitive(
    "broadcast_to", impl=lambda x, shape_to: np.broadcast_to(x, shape_to), shape=_broadcast_to_shape,
    vjp=lambda g, ans, x, needs, shape_to: (unbroadcast(g, x.shape),),
    jvp=lambda ts, ans, x, shape_to: broadcast_to(ts[0], shape_to),
    sympy=lambda x, shape_to: x,
    text="{0}", latex="{0}", pointwise=True, scalar="{0}")


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
