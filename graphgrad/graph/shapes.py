"""Shape rules shared by the primitives: broadcasting, reductions, matrix products.

Each rule returns the result shape or raises ShapeError with both shapes and the
rule that failed, never numpy's terse "operands could not be broadcast".
"""
from ..errors import ShapeError

BROADCAST_RULE = ("numpy broadcasting compares shapes from the right; two sizes "
                  "conform when they are equal or one of them is 1")


def fmt(shape):
    """A shape as numpy prints it: (3,), (2, 3), ()."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def broadcast(*shapes, where=""):
    """The broadcast of several shapes, or a ShapeError that explains why not."""
    first = tuple(shapes[0])
    if all(tuple(s) == first for s in shapes[1:]):
        return first
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    out = []
    for axis, sizes in enumerate(zip(*padded)):
        big = {d for d in sizes if d != 1}
        if len(big) > 1:
            listed = " and ".join(fmt(s) for s in shapes)
            raise ShapeError(
                f"shape mismatch{where}: cannot broadcast {listed} "
                f"(axis {axis - ndim} has sizes {' vs '.join(str(d) for d in sizes)}); {BROADCAST_RULE}")
        out.append(big.pop() if big else 1)
    return tuple(out)


def normalize_axis(axis, ndim, where=""):
    """Axes as a sorted tuple of non-negative ints; None means every axis."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ShapeError(f"axis {a} is out of range{where}: the operand has {ndim} dimension(s)")
        if a % ndim in out:
            raise ShapeError(f"axis {a} is repeated in {axes}{where}: each axis may appear once")
        out.append(a % ndim)
    return tuple(sorted(out))


def reduce(shape, axes, keepdims):
    """Shape after reducing `axes` (already normalized)."""
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def matmul(a, b, where=""):
    """Shape of a @ b under numpy's matmul rule (1-D operands are promoted and the axis dropped)."""
    if len(a) == 0 or len(b) == 0:
        raise ShapeError(f"shape mismatch{where}: @ needs arrays of at least one dimension, got "
                         f"{fmt(a)} @ {fmt(b)}; use * to multiply by a scalar")
    a2 = (1,) + tuple(a) if len(a) == 1 else tuple(a)
    b2 = tuple(b) + (1,) if len(b) == 1 else tuple(b)
    if a2[-1] != b2[-2]:
        raise ShapeError(
            f"shape mismatch{where}: cannot compute {fmt(a)} @ {fmt(b)}; the matrix product "
            f"needs the last axis of the left operand ({a2[-1]}) to equal the "
            f"second-to-last axis of the right operand ({b2[-2]})")
    batch = broadcast(a2[:-2], b2[:-2], where=where)
    out = batch + (a2[-2], b2[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return out
