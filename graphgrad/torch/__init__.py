"""PyTorch's spelling of graphgrad: ``from graphgrad import torch`` runs a slide's PyTorch code.

Eager tensors (``graphgrad.eager``) under PyTorch's names: ``tensor``, ``randn``,
``zeros``, ``ones``, ``arange``, ``linspace``, ``eye``, ``cat``, ``stack``, ``manual_seed``,
``no_grad``, Tensor methods (in-place ones included), ``torch.nn`` (modules,
``functional``, ``init``) and ``torch.optim``. The math functions (``torch.sin``,
``torch.max``, ...) are the Tensor methods of one table (``tensor.UNARY``, ``BINARY``,
``FUNCTIONS``). Operations are graphgrad ops, ``backward()`` is
the core's reverse mode, the optimizers are ``graphgrad.nn``'s update rules
under PyTorch's convention: no derivative, layer formula or update rule is
defined here.
"""
import builtins

import numpy as np

from .. import eager, ops
from .random import manual_seed, generator
from .tensor import FUNCTIONS, Parameter, Size, Tensor, as_array, function

float32 = float = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
int64 = long = np.dtype(np.int64)
int32 = int = np.dtype(np.int32)
bool = np.dtype(np.bool_)
no_grad = eager.no_grad


def tensor(data, dtype=None, requires_grad=False):
    """A leaf tensor holding a copy of ``data`` (Python floats become float32, as in PyTorch)."""
    return Tensor.leaf(as_array(data, dtype), requires_grad=requires_grad)


def from_numpy(array):
    return Tensor.leaf(np.asarray(array))


def _shape(size):
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)


def randn(*size, dtype=None, requires_grad=False):
    """Standard normal numbers from the generator ``manual_seed`` seeds (not PyTorch's stream: the same
    statistics, other numbers)."""
    values = generator().standard_normal(_shape(size)).astype(dtype or float32)
    return Tensor.leaf(values, requires_grad=requires_grad)


def rand(*size, dtype=None, requires_grad=False):
    values = generator().random(_shape(size)).astype(dtype or float32)
    return Tensor.leaf(values, requires_grad=requires_grad)


def zeros(*size, dtype=None, requires_grad=False):
    return Tensor.leaf(np.zeros(_shape(size), dtype or float32), requires_grad=requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return Tensor.leaf(np.ones(_shape(size), dtype or float32), requires_grad=requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    """``zeros``: PyTorch leaves the memory as it was, graphgrad has none to leave, so it gives zeros."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    return Tensor.leaf(np.full(tuple(size), fill_value, dtype or as_array(fill_value).dtype),
                       requires_grad=requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return zeros(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return ones(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def rand_like(t, dtype=None, requires_grad=False):
    return rand(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    return randn(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """``start, start + step, ...`` below ``end`` (``arange(n)``: 0..n-1); int64 when every bound is an int,
    else float32, as in PyTorch."""
    start, end = (0, start) if end is None else (start, end)
    integers = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
    values = np.arange(start, end, step, dtype=dtype or (int64 if integers else float32))
    return Tensor.leaf(values, requires_grad=requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included (float32 unless ``dtype``)."""
    return Tensor.leaf(np.linspace(start, end, steps).astype(dtype or float32), requires_grad=requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The ``n``×``m`` identity matrix (``m`` defaults to ``n``; float32 unless ``dtype``)."""
    return Tensor.leaf(np.eye(n, m, dtype=dtype or float32), requires_grad=requires_grad)


def cat(tensors, dim=0):
    """The tensors joined along the existing axis ``dim``."""
    return eager.call(ops.concatenate, list(tensors), axis=dim)


def stack(tensors, dim=0):
    """The tensors (of one shape) joined along a new axis ``dim``."""
    return eager.call(ops.stack, list(tensors), axis=dim)


globals().update({name: function(name) for name in FUNCTIONS})  # torch.sin, torch.max, ...: the Tensor methods


from . import nn, optim  # noqa: E402  (they use the names above)
