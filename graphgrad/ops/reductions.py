"""Reductions over axes: sum, mean and max (with ``axis`` and ``keepdims`` as in NumPy)."""
import numpy as np
import sympy as sp

from ..errors import ShapeError
from ..graph import shapes
from .primitive import Primitive
from .shaping import broadcast_to, reshape


def _reduced_shape(name, empty=True):
    """The shape rule of a reduction; ``empty=False``: reducing no elements has no value (max, mean)."""
    def rule(shape, *, axis, keepdims):
        axes = shapes.normalize_axis(axis, len(shape), f" in {name}")
        if not empty and any(shape[a] == 0 for a in axes):
            raise ShapeError(f"{name} of no elements has no value: the operand of shape {shapes.fmt(shape)} is "
                             f"empty along the axes reduced")
        return shapes.reduce(shape, axes, keepdims)
    return rule


def _spread(g, x, axis):
    """Adjoint of a reduction over ``axis`` of ``x``: g put back on the reduced axes, broadcast."""
    kept = shapes.reduce(x.shape, shapes.normalize_axis(axis, x.ndim), keepdims=True)
    return broadcast_to(reshape(g, kept), x.shape)


def _count(shape, axis):
    return int(np.prod([shape[a] for a in shapes.normalize_axis(axis, len(shape))], dtype=np.int64))


def _sympy_reduce(combine):
    def form(x, axis, keepdims):
        return combine(list(x)) if isinstance(x, sp.MatrixBase) else x
    return form


sum_p = Primitive(
    "sum", impl=lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    shape=_reduced_shape("sum"),
    vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis),),
    jvp=lambda ts, ans, x, axis, keepdims: sum(ts[0], axis, keepdims),
    sympy=_sympy_reduce(sp.Add.fromiter), text="sum {0}", latex=r"\sum {0}", precedence=40, reduction=True)

mean_p = Primitive(
    "mean", impl=lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    shape=_reduced_shape("mean", empty=False),
    vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis) / _count(x.shape, axis),),
    jvp=lambda ts, ans, x, axis, keepdims: mean(ts[0], axis, keepdims),
    sympy=_sympy_reduce(lambda xs: sp.Add.fromiter(xs) / len(xs)),
    text="mean {0}", latex=r"\operatorname{{mean}} {0}", precedence=40, reduction=True)


def _max_mask(ans, x, axis):
    """Where x attains its maximum, shared equally among ties (so the mask sums to 1)."""
    from .elementwise import equal
    hit = equal(x, _spread(ans, x, axis))
    return hit / _spread(sum(hit, axis, keepdims=True), x, axis)


max_p = Primitive(
    "max", impl=lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
    shape=_reduced_shape("max", empty=False),
    vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis) * _max_mask(ans, x, axis),),
    jvp=lambda ts, ans, x, axis, keepdims: sum(ts[0] * _max_mask(ans, x, axis), axis, keepdims),
    sympy=_sympy_reduce(lambda xs: sp.Max(*xs)), text="max {0}", latex=r"\max {0}", precedence=40, reduction=True)


def _reducer(prim, scalar_axis=False):
    """The function for ``prim``; ``scalar_axis``: axis 0 or -1 of a 0-d operand reduces nothing (NumPy's
    ``sum`` and ``max`` allow it, its ``mean`` does not)."""
    def reduce(x, axis=None, keepdims=False):
        from .primitive import as_node
        x = as_node(x)
        if scalar_axis and x.ndim == 0 and isinstance(axis, int) and axis in (0, -1):
            axis = ()
        axes = None if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        return prim(x, axis=axes, keepdims=bool(keepdims))
    reduce.__name__ = prim.name
    reduce.__doc__ = (f"{prim.name} over ``axis`` (all axes when None, kept as size 1 with ``keepdims``); "
                      "the axes are stored as written, so the graph can be rebuilt for other shapes.")
    return reduce


sum = _reducer(sum_p, scalar_axis=True)
mean = _reducer(mean_p)
max = _reducer(max_p, scalar_axis=True)
