"""PyTorch's spelling of graphgrad: ``from graphgrad import torch`` runs a slide's PyTorch code.

Eager tensors (``graphgrad.eager``) under PyTorch's names: ``tensor``, ``randn``,
``zeros``, ``ones``, ``manual_seed``, ``no_grad``, Tensor methods, ``torch.nn``
(modules, ``functional``, ``init``) and ``torch.optim``. Operations are
graphgrad ops, ``backward()`` is the core's reverse mode, the optimizers are
``graphgrad.nn``'s update rules under PyTorch's convention: no derivative,
layer formula or update rule is defined here.
"""
import numpy as np

from .. import eager, ops
from .random import manual_seed, generator
from .tensor import Parameter, Size, Tensor, as_array

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


def zeros_like(t):
    return zeros(*t.shape, dtype=t.dtype)


def ones_like(t):
    return ones(*t.shape, dtype=t.dtype)


def flatten(t, start_dim=0, end_dim=-1):
    return t.flatten(start_dim, end_dim)


def matmul(a, b):
    return eager.call(ops.matmul, a, b)


def relu(t):
    return t.relu()


def sigmoid(t):
    return t.sigmoid()


def tanh(t):
    return t.tanh()


def exp(t):
    return t.exp()


def log(t):
    return t.log()


def sum(t, dim=None, keepdim=False):
    return t.sum(dim, keepdim)


def mean(t, dim=None, keepdim=False):
    return t.mean(dim, keepdim)


def argmax(t, dim=None, keepdim=False):
    return t.argmax(dim, keepdim)


from . import nn, optim  # noqa: E402  (they use the names above)
