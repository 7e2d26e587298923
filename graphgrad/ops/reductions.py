"""Reductions over axes: sum, mean, max, min, prod, all, any, argmax, argmin (``axis``, ``keepdims`` as in NumPy)."""
import numpy as np

from ..errors import ShapeError
from ..graph import shapes
from ..lazy_sympy import sp
from .casting import astype
from .elementwise import add, maximum, minimum, mul
from .logic import eq, gt, logical_not, ne
from ..graph.primitive import Fold, Primitive, as_node, boolean, divided, index, operand_dtype
from .shaping import broadcast_to, reshape


def _reduced_shape(name, empty=True):
    """The shape rule of a reduction; ``empty=False``: reducing no elements has no value (max, min, mean)."""
    def rule(shape, *, axis, keepdims, **params):
        axes = shapes.normalize_axis(axis, len(shape), f" in {name}")
        if not empty and 0 in [shape[a] for a in axes]:
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


def accumulating(nodes, params=None):
    """Dtype rule of sums and products: NumPy adds bools and small integers in the platform's integer."""
    dtype = operand_dtype(nodes)
    if dtype.kind == "b":
        return np.dtype(np.int_)
    if dtype.kind in "iu":
        return np.result_type(dtype, np.int_ if dtype.kind == "i" else np.uint)
    return dtype


sum_p = Primitive(
    "sum", impl=lambda x, axis, keepdims: np.add.reduce(x, axis=axis, keepdims=keepdims),
    shape=_reduced_shape("sum"), dtype=accumulating,
    vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis),),
    jvp=lambda ts, ans, x, axis, keepdims: sum(ts[0], axis, keepdims),
    sympy=_sympy_reduce(lambda xs: sp.Add.fromiter(xs)), text="sum {0}", latex=r"\sum {0}", precedence=40,
    reduction=True, fold=Fold(add, 0))


def _mean(x, axis, keepdims):
    """NumPy's mean; float32 and float64 as one pairwise sum and a division (np.mean's Python wrapper costs
    more than the arithmetic on a training step's small arrays)."""
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        return np.mean(x, axis=axis, keepdims=keepdims)
    total = np.add.reduce(x, axis=axis, keepdims=keepdims)
    return total / (x.size // (np.size(total) or 1))    # 0 elements: 0/0, NaN as np.mean gives


mean_p = Primitive(
    "mean", impl=_mean,
    shape=_reduced_shape("mean", empty=False),
    vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis) / _count(x.shape, axis),),
    jvp=lambda ts, ans, x, axis, keepdims: mean(ts[0], axis, keepdims),
    sympy=_sympy_reduce(lambda xs: sp.Add.fromiter(xs) / len(xs)),
    text="mean {0}", latex=r"\operatorname{{mean}} {0}", precedence=40, reduction=True, dtype=divided,
    fold=Fold(add, 0, mean=True))


def _extreme_mask(ans, x, axis):
    """Where x attains its maximum (or minimum) ``ans``, shared equally among ties (the mask sums to 1)."""
    from .elementwise import equal_indicator
    hit = equal_indicator(x, _spread(ans, x, axis))
    return hit / _spread(sum(hit, axis, keepdims=True), x, axis)


def _extreme(name, impl, combine, fold):
    return Primitive(
        name, impl=lambda x, axis, keepdims: impl(x, axis=axis, keepdims=keepdims),
        shape=_reduced_shape(name, empty=False),
        vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis) * _extreme_mask(ans, x, axis),),
        jvp=lambda ts, ans, x, axis, keepdims: sum(ts[0] * _extreme_mask(ans, x, axis), axis, keepdims),
        sympy=_sympy_reduce(combine), text=name + " {0}", latex=rf"\{name} {{0}}", precedence=40, reduction=True,
        fold=fold)


max_p = _extreme("max", np.max, lambda xs: sp.Max(*xs), Fold(maximum, -np.inf))
min_p = _extreme("min", np.min, lambda xs: sp.Min(*xs), Fold(minimum, np.inf))


def _prod_partial(ans, x, axis):
    """d prod / d x_i, the product of the others, written so that it is exact at zeros, and so is its own
    derivative: with P the product of the non-zeros and Z the sum of the zeros (0, but it varies),
    no zero: P/x_i; one zero: P at it, P/x_i·Z elsewhere; two zeros: P·(the other zero) at them."""
    from .logic import eq, logical_and, where
    zero = eq(x, 0)
    safe = where(zero, 1, x)
    zeros = _spread(sum(zero, axis, keepdims=True), x, axis)
    p = _spread(prod(safe, axis, keepdims=True), x, axis)
    z = _spread(sum(where(zero, x, 0), axis, keepdims=True), x, axis)
    return where(eq(zeros, 0), p / safe,
                 where(eq(zeros, 1), where(zero, p, p / safe * z),
                       where(logical_and(eq(zeros, 2), zero), p * (z - x), 0)))


prod_p = Primitive(
    "prod", impl=lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims),
    shape=_reduced_shape("prod"), dtype=accumulating,
    vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis) * _prod_partial(ans, x, axis),),
    jvp=lambda ts, ans, x, axis, keepdims: sum(ts[0] * _prod_partial(ans, x, axis), axis, keepdims),
    sympy=_sympy_reduce(lambda xs: sp.Mul.fromiter(xs)), text="prod {0}", latex=r"\prod {0}", precedence=40,
    reduction=True, fold=Fold(mul, 1))


def _arg_shape(name):
    """The shape rule of argmax and argmin: one axis (or None, all of them), and something to point at."""
    def rule(shape, *, axis, keepdims):
        if 0 in shape:
            raise ShapeError(f"{name} of an empty array {shapes.fmt(shape)} has no position")
        axes = None if axis is None else (axis,)
        return shapes.reduce(shape, shapes.normalize_axis(axes, len(shape), f" in {name}"), keepdims)
    return rule


def _without_derivative(name, impl, shape, dtype, lowering):
    """all, any, argmax, argmin: truth values and positions, which have no derivative."""
    return Primitive(name, impl=lambda x, axis, keepdims: impl(x, axis=axis, keepdims=keepdims), shape=shape,
                     text=name + " {0}", latex=rf"\operatorname{{{{{name}}}}} {{0}}", precedence=40,
                     differentiable=False, dtype=dtype, lowering=lowering)


def _counted(hits, axis, keepdims):
    """How many of the booleans ``hits`` are true along ``axis``, summed as floats (as the compiler reduces)."""
    return sum(astype(hits, np.float64), axis, keepdims)


def _all(x, axis, keepdims):
    """all(x) as: no element is zero."""
    return eq(_counted(logical_not(x) if x.dtype == bool else eq(x, 0), axis, keepdims), 0)


def _any(x, axis, keepdims):
    """any(x) as: some element is not zero."""
    return gt(_counted(x if x.dtype == bool else ne(x, 0), axis, keepdims), 0)


all_p = _without_derivative("all", np.all, _reduced_shape("all"), boolean, _all)
any_p = _without_derivative("any", np.any, _reduced_shape("any"), boolean, _any)
argmax_p = _without_derivative("argmax", np.argmax, _arg_shape("argmax"), index, "argmax")
argmin_p = _without_derivative("argmin", np.argmin, _arg_shape("argmin"), index, "argmin")


def _reducer(prim, scalar_axis=False):
    """The function for ``prim``; ``scalar_axis``: axis 0 or -1 of a 0-d operand reduces nothing (NumPy's
    ``sum`` and ``max`` allow it, its ``mean`` does not)."""
    def reduce(x, axis=None, keepdims=False):
        x = as_node(x)
        if scalar_axis and x.ndim == 0 and isinstance(axis, int) and axis in (0, -1):
            axis = ()
        axes = None if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        return prim(x, axis=axes, keepdims=bool(keepdims))
    reduce.__name__ = prim.name
    reduce.__doc__ = (f"{prim.name} over ``axis`` (all axes when None, kept as size 1 with ``keepdims``); "
                      "the axes are stored as written, so the graph can be rebuilt for other shapes.")
    return reduce


def _positional(prim):
    def position(x, axis=None, keepdims=False):
        return prim(as_node(x), axis=None if axis is None else int(axis), keepdims=bool(keepdims))
    position.__name__ = prim.name
    position.__doc__ = f"The index of the {prim.name[3:]} along ``axis`` (of the flattened array when None)."
    return position


sum = _reducer(sum_p, scalar_axis=True)
mean = _reducer(mean_p)
max = _reducer(max_p, scalar_axis=True)
min = _reducer(min_p, scalar_axis=True)
prod = _reducer(prod_p, scalar_axis=True)
all = _reducer(all_p, scalar_axis=True)
any = _reducer(any_p, scalar_axis=True)
argmax = _positional(argmax_p)
argmin = _positional(argmin_p)
