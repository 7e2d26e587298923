"""NumPy's functions on nodes: ``np.sin(x)``, ``np.sum(x, axis=1)``, ``a @ b`` build graph nodes.

``Node.__array_ufunc__`` and ``Node.__array_function__`` look the NumPy callable up in ``NUMPY``, one
table from NumPy functions to graphgrad ops, so students keep writing ``np.``. To add a row, map the
NumPy callable to a graphgrad function taking NumPy's arguments under NumPy's names (``np.sum: sum``
works because ``sum(x, axis=None, keepdims=False)`` is spelled like ``np.sum``). A ufunc's row is
called with the operands only; a NumPy function's with its arguments as given. Anything else NumPy
would accept (``out=``, ``dtype=``, a function with no row) is refused with one line naming it.
"""
import inspect

import numpy as np

from ..errors import ArgumentError, UnknownNameError
from . import calculus as calc, casting, elementwise as ew, indexing, joining, linalg, logic, reductions, rounding
from . import scans, shaping, statistics as stats

NUMPY = {
    # ufuncs: called as f(*operands)
    np.add: ew.add, np.subtract: ew.sub, np.multiply: ew.mul, np.divide: ew.div, np.power: ew.pow,
    np.negative: ew.neg, np.positive: lambda x: x, np.absolute: ew.abs, np.sign: ew.sign,
    np.exp: ew.exp, np.log: ew.ln, np.sin: ew.sin, np.cos: ew.cos, np.tan: ew.tan, np.tanh: ew.tanh,
    np.sqrt: ew.sqrt, np.maximum: ew.maximum, np.minimum: ew.minimum, np.matmul: linalg.matmul,
    np.log2: calc.log2, np.log10: calc.log10, np.log1p: calc.log1p, np.expm1: calc.expm1, np.exp2: calc.exp2,
    np.sinh: calc.sinh, np.cosh: calc.cosh, np.arcsin: calc.arcsin, np.arccos: calc.arccos,
    np.arctan: calc.arctan, np.arcsinh: calc.arcsinh, np.arccosh: calc.arccosh, np.arctanh: calc.arctanh,
    np.cbrt: calc.cbrt, np.square: calc.square, np.reciprocal: calc.reciprocal, np.deg2rad: calc.deg2rad,
    np.radians: calc.deg2rad, np.rad2deg: calc.rad2deg, np.degrees: calc.rad2deg, np.arctan2: calc.arctan2,
    np.hypot: calc.hypot, np.logaddexp: calc.logaddexp, np.logaddexp2: calc.logaddexp2,
    np.floor: rounding.floor, np.ceil: rounding.ceil, np.trunc: rounding.trunc, np.rint: rounding.rint,
    np.remainder: rounding.mod, np.fmod: rounding.fmod,
    np.less: logic.lt, np.less_equal: logic.le, np.greater: logic.gt, np.greater_equal: logic.ge,
    np.equal: logic.eq, np.not_equal: logic.ne, np.logical_and: logic.logical_and, np.logical_or: logic.logical_or,
    np.logical_xor: logic.logical_xor, np.logical_not: logic.logical_not, np.isfinite: logic.isfinite,
    np.fmax: logic.fmax, np.fmin: logic.fmin,
    # functions: called with NumPy's arguments
    np.sum: reductions.sum, np.mean: reductions.mean, np.max: reductions.max, np.amax: reductions.max,
    np.min: reductions.min, np.amin: reductions.min, np.prod: reductions.prod, np.all: reductions.all,
    np.any: reductions.any, np.argmax: reductions.argmax, np.argmin: reductions.argmin,
    np.var: stats.var, np.std: stats.std, np.linalg.norm: stats.norm, np.cumsum: scans.cumsum,
    np.cumprod: scans.cumprod, np.where: logic.where, np.clip: logic.clip, np.round: rounding.round,
    np.around: rounding.round, np.sinc: calc.sinc, np.astype: casting.astype,
    np.transpose: shaping.transpose, np.reshape: shaping.reshape, np.broadcast_to: shaping.broadcast_to,
    np.squeeze: shaping.squeeze, np.expand_dims: shaping.expand_dims, np.ravel: shaping.ravel,
    np.moveaxis: shaping.moveaxis, np.swapaxes: shaping.swapaxes, np.tile: shaping.tile,
    np.take: indexing.take, np.take_along_axis: indexing.take_along_axis, np.repeat: indexing.repeat,
    np.flip: indexing.flip, np.roll: indexing.roll, np.pad: indexing.pad, np.diagonal: indexing.diagonal,
    np.diag: indexing.diag, np.tril: indexing.tril, np.triu: indexing.triu,
    np.concatenate: joining.concatenate, np.stack: joining.stack, np.hstack: joining.hstack,
    np.vstack: joining.vstack, np.split: joining.split, np.array_split: joining.array_split,
    np.einsum: linalg.einsum, np.tensordot: linalg.tensordot, np.dot: linalg.dot, np.inner: linalg.inner,
    np.outer: linalg.outer, np.kron: linalg.kron, np.trace: linalg.trace,
}


def _numpy_name(func):
    """``np.sum``, ``np.linalg.norm``: the name a student wrote."""
    module = getattr(func, "__module__", None) or "numpy"
    module = "np" + module[len("numpy"):] if module.startswith("numpy") else module
    return f"{module}.{getattr(func, '__name__', func)}".replace("np._core.", "np.").replace("np.core.", "np.")


def _lookup(func):
    op = NUMPY.get(func)
    if op is None:
        raise UnknownNameError(f"{_numpy_name(func)} has no graphgrad operation; on nodes graphgrad knows "
                               "the NumPy functions listed in graphgrad.ops.numpy_dispatch.NUMPY")
    return op


def _call(func, op, args, kwargs):
    try:
        inspect.signature(op).bind(*args, **kwargs)
    except TypeError as exc:
        raise ArgumentError(f"{_numpy_name(func)} on nodes: {exc} (graphgrad supports "
                            f"{_numpy_name(func)}{inspect.signature(op)})") from None
    return op(*args, **kwargs)


def array_ufunc(ufunc, method, inputs, kwargs):
    """``ufunc(*inputs)`` as a graph node (``Node.__array_ufunc__``)."""
    if method != "__call__":
        raise UnknownNameError(f"{_numpy_name(ufunc)}.{method} is not supported on nodes; "
                               f"call {_numpy_name(ufunc)}(...) itself")
    if kwargs:
        raise ArgumentError(f"{_numpy_name(ufunc)} on nodes takes only its operands, not "
                            f"{', '.join(f'{k}=' for k in kwargs)}")
    return _call(ufunc, _lookup(ufunc), inputs, {})


def array_function(func, args, kwargs):
    """``func(*args, **kwargs)`` as a graph node (``Node.__array_function__``)."""
    return _call(func, _lookup(func), args, kwargs)
