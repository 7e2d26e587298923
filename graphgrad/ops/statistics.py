"""Reductions of statistics and analysis: var and std (``ddof``), logsumexp, and vector norms.

``var`` and ``logsumexp`` are primitives (one node, one line in a trace); ``std`` and ``norm`` are
written with them and the elementwise ops, so their derivatives come for free.
"""
import numpy as np

from ..errors import ArgumentError
from ..graph import shapes
from ..lazy_sympy import sp
from .casting import astype
from .elementwise import abs, exp, ln, pow, sqrt
from .logic import isfinite, where
from ..graph.primitive import Primitive, as_node, divided, floating
from .reductions import _count, _reduced_shape, _spread, max, mean, min, sum
from .shaping import reshape


def _var_shape(shape, *, axis, keepdims, ddof):
    out = _reduced_shape("var")(shape, axis=axis, keepdims=keepdims)
    if _count(shape, axis) - ddof <= 0:
        raise shapes.ShapeError(f"var over {_count(shape, axis)} element(s) with ddof={ddof} divides by "
                                f"{_count(shape, axis) - ddof}; it needs more elements than ddof")
    return out


def _var_partial(x, axis, ddof):
    """d var / d x_i = 2 (x_i - mean) / (N - ddof)."""
    return (x - _spread(mean(x, axis, keepdims=True), x, axis)) * (2 / (_count(x.shape, axis) - ddof))


def _sympy_var(x, axis, keepdims, ddof):
    xs = list(x) if isinstance(x, sp.MatrixBase) else [x]
    m = sp.Add.fromiter(xs) / len(xs)
    return sp.Add.fromiter((v - m) ** 2 for v in xs) / (len(xs) - ddof)


def _var_lowered(x, axis, keepdims, ddof):
    """var as a mean and a sum: Σ (x - mean)² / (N - ddof)."""
    d = x - mean(x, axis, keepdims=True)
    return sum(d * d, axis, keepdims) / (_count(x.shape, axis) - ddof)


var_p = Primitive(
    "var", impl=lambda x, axis, keepdims, ddof: np.var(x, axis=axis, keepdims=keepdims, ddof=ddof),
    shape=_var_shape, dtype=divided,
    vjp=lambda g, ans, x, needs, axis, keepdims, ddof: (_spread(g, x, axis) * _var_partial(x, axis, ddof),),
    jvp=lambda ts, ans, x, axis, keepdims, ddof: sum(ts[0] * _var_partial(x, axis, ddof), axis, keepdims),
    sympy=_sympy_var, text="var {0}", latex=r"\operatorname{{Var}} {0}", precedence=40,
    lowering=_var_lowered)


def _softmax_weights(ans, x, axis):
    """d logsumexp / d x = exp(x - logsumexp): the softmax along the reduced axes."""
    return exp(x - _spread(ans, x, axis))


def _logsumexp_lowered(x, axis, keepdims):
    """``_logsumexp`` in primitives: ln Σ exp(x - top) + top, top the maximum (0 where it is not finite)."""
    x = astype(x, floating([x]))
    top = max(x, axis, keepdims=True)
    top = where(isfinite(top), top, 0)
    out = ln(sum(exp(x - top), axis, keepdims=True)) + top
    return out if keepdims else reshape(out, shapes.reduce(x.shape, shapes.normalize_axis(axis, x.ndim), False))


logsumexp_p = Primitive(
    "logsumexp", impl=lambda x, axis, keepdims: _logsumexp(x, axis, keepdims),
    shape=_reduced_shape("logsumexp", empty=False), dtype=floating,
    vjp=lambda g, ans, x, needs, axis, keepdims: (_spread(g, x, axis) * _softmax_weights(ans, x, axis),),
    jvp=lambda ts, ans, x, axis, keepdims: sum(ts[0] * _softmax_weights(ans, x, axis), axis, keepdims),
    sympy=lambda x, axis, keepdims: sp.log(sp.Add.fromiter(sp.exp(v) for v in (x if isinstance(x, sp.MatrixBase)
                                                                                else [x]))),
    text="logsumexp {0}", latex=r"\ln \sum e^{{{0}}}", precedence=40,
    lowering=_logsumexp_lowered)


def _logsumexp(x, axis, keepdims):
    """ln Σ exp(x), shifted by the maximum so that large x do not overflow."""
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0)
    out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis if axis is not None else tuple(range(np.ndim(x))))


def _axes(axis):
    return None if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)


def var(x, axis=None, ddof=0, keepdims=False):
    """Variance over ``axis``: Σ (x - mean)² / (N - ddof), as ``np.var``."""
    return var_p(as_node(x), axis=_axes(axis), keepdims=bool(keepdims), ddof=int(ddof))


def std(x, axis=None, ddof=0, keepdims=False):
    """Standard deviation: the square root of ``var`` (its derivative at a constant x is refused: 1/0)."""
    return sqrt(var(x, axis, ddof, keepdims))


def logsumexp(x, axis=None, keepdims=False):
    """ln Σ exp(x) over ``axis``, computed stably."""
    return logsumexp_p(as_node(x), axis=_axes(axis), keepdims=bool(keepdims))


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norms as ``np.linalg.norm``: 2 (default; Frobenius over a whole matrix), 1, inf, -inf, any p.

    Matrix norms other than Frobenius (spectral, nuclear, ord given without axis on a matrix) are refused.
    """
    x = as_node(x)
    matrix = (axis is None and x.ndim == 2) or (axis is not None and len(_axes(axis)) == 2)
    if matrix and ord not in (None, "fro"):
        raise ArgumentError(f"norm: matrix norm ord={ord!r} is not supported; graphgrad computes vector "
                            "norms and the Frobenius norm (ord=None or 'fro')")
    if ord == "fro" and not matrix:
        raise ArgumentError("norm: ord='fro' is a matrix norm; give a 2-D array or two axes")
    if axis is not None and len(_axes(axis)) > 2:
        raise ArgumentError(f"norm: axis {axis} names more than two axes")
    if ord in (None, 2, "fro"):
        return sqrt(sum(x * x, axis, keepdims))
    if ord == 1:
        return sum(abs(x), axis, keepdims)
    if ord == np.inf:
        return max(abs(x), axis, keepdims)
    if ord == -np.inf:
        return min(abs(x), axis, keepdims)
    if isinstance(ord, (int, float)) and ord > 0:
        return pow(sum(pow(abs(x), ord), axis, keepdims), 1 / ord)
    raise ArgumentError(f"norm: ord={ord!r} is not supported (use None, 'fro', 1, 2, inf, -inf or p > 0)")
