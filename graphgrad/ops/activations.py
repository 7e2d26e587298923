"""Softmax and log-softmax along an axis, computed stably (shifted by the maximum)."""
import numpy as np

from ..graph import shapes
from ..graph.primitive import Primitive, as_node, floating
from .reductions import sum
from .elementwise import exp
from .shaping import reshape


def _axis_rule(name):
    def rule(shape, *, axis):
        if not shape:
            raise shapes.ShapeError(f"{name} of a scalar takes axis 0 or -1 (one element), got axis {axis}")
        shapes.normalize_axis(axis, len(shape), f" in {name}")
        return tuple(shape)
    return rule


def _softmax(x, axis):
    if x.size == 0:
        return x.copy()   # nothing in, nothing out (NumPy's max would refuse the empty shift)
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


def _log_softmax(x, axis):
    if x.size == 0:
        return x.copy()
    z = x - np.max(x, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


softmax_p = Primitive(
    "softmax", impl=_softmax, shape=_axis_rule("softmax"),
    vjp=lambda g, ans, x, needs, axis: (ans * (g - sum(g * ans, axis, keepdims=True)),),
    jvp=lambda ts, ans, x, axis: ans * (ts[0] - sum(ts[0] * ans, axis, keepdims=True)),
    text="softmax {0}", latex=r"\operatorname{{softmax}} {0}", precedence=40, dtype=floating,
    lowering="softmax")

log_softmax_p = Primitive(
    "log_softmax", impl=_log_softmax, shape=_axis_rule("log_softmax"),
    vjp=lambda g, ans, x, needs, axis: (g - exp(ans) * sum(g, axis, keepdims=True),),
    jvp=lambda ts, ans, x, axis: ts[0] - sum(exp(ans) * ts[0], axis, keepdims=True),
    text="log_softmax {0}", latex=r"\log\operatorname{{softmax}} {0}", precedence=40,
    dtype=floating, lowering="log_softmax")


def _along(prim, x, axis):
    """``prim`` along ``axis``; a 0-d ``x`` (axis 0 or -1) counts as one element, as in PyTorch and SciPy, so
    softmax gives 1 and log_softmax 0, with derivative 0."""
    x = as_node(x)
    if x.ndim == 0 and axis in (0, -1):
        return reshape(prim(reshape(x, (1,)), axis=-1), ())
    return prim(x, axis=axis)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``."""
    return _along(softmax_p, x, axis)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along ``axis``, without forming softmax (stable for large |x|)."""
    return _along(log_softmax_p, x, axis)
