"""Running sums and products along an axis: cumsum and cumprod (``reverse`` runs from the end).

The adjoint of a running sum is the running sum of the adjoint from the other end; a running
product's divides by x, so at an exact zero its derivative is refused (division by 0) rather than wrong.
"""
import numpy as np

from ..graph import shapes
from .elementwise import add, mul
from ..graph.primitive import Fold, Primitive, as_node
from .reductions import accumulating
from .shaping import reshape


def _scan(impl):
    def run(x, axis, reverse):
        if not reverse:
            return impl(x, axis=axis)
        return np.flip(impl(np.flip(x, axis), axis=axis), axis)
    return run


def _scan_shape(name):
    def rule(shape, *, axis, reverse):
        if not shape:
            raise shapes.ShapeError(f"{name} needs an array with at least one axis, got a scalar")
        shapes.normalize_axis(axis, len(shape), f" in {name}")
        return tuple(shape)
    return rule


cumsum_p = Primitive(
    "cumsum", impl=_scan(np.cumsum), shape=_scan_shape("cumsum"), dtype=accumulating,
    vjp=lambda g, ans, x, needs, axis, reverse: (cumsum_p(g, axis=axis, reverse=not reverse),),
    jvp=lambda ts, ans, x, axis, reverse: cumsum_p(ts[0], axis=axis, reverse=reverse),
    text="cumsum({0}, axis={axis}, reverse={reverse})", latex=r"\operatorname{{cumsum}} {0}", precedence=40,
    fold=Fold(add, 0), lowering="scan")

cumprod_p = Primitive(
    "cumprod", impl=_scan(np.cumprod), shape=_scan_shape("cumprod"), dtype=accumulating,
    vjp=lambda g, ans, x, needs, axis, reverse: (cumsum_p(g * ans, axis=axis, reverse=not reverse) / x,),
    jvp=lambda ts, ans, x, axis, reverse: ans * cumsum_p(ts[0] / x, axis=axis, reverse=reverse),
    text="cumprod({0}, axis={axis}, reverse={reverse})", latex=r"\operatorname{{cumprod}} {0}", precedence=40,
    fold=Fold(mul, 1), lowering="scan")


def _scanner(prim):
    def scan(x, axis=None):
        x = as_node(x)
        if axis is None:
            return prim(reshape(x, (x.size,)), axis=0, reverse=False)
        return prim(x, axis=int(axis), reverse=False)
    scan.__name__ = prim.name
    scan.__doc__ = f"The running {prim.name[3:]} along ``axis`` (of the flattened array when None), as ``np.{prim.name}``."
    return scan


cumsum = _scanner(cumsum_p)
cumprod = _scanner(cumprod_p)
