"""PyTorch's spelling of graphgrad: ``from graphgrad import torch`` runs a slide's PyTorch code.

Eager tensors (``graphgrad.eager``) under PyTorch's names: ``tensor``, ``randn``, ``zeros``,
``ones``, ``arange``, ``linspace``, ``eye``, ``cat``, ``stack``, ``no_grad`` (``enable_grad``,
``set_grad_enabled``), the random functions with ``manual_seed`` and ``Generator`` objects,
``device`` and ``cuda`` (the CPU only), Tensor methods (in-place ones included),
``torch.autograd`` (``grad``, custom ``Function``), ``torch.nn`` (modules, ``functional``,
``init``), ``torch.optim`` and ``torch.compile`` (accepted: training loops are traced and
compiled anyway). The math functions (``torch.sin``, ``torch.max``, ...) are the Tensor methods
of one table (``tensor.UNARY``, ``BINARY``, ``FUNCTIONS``). Operations are graphgrad ops,
``backward()`` is the core's reverse mode, the optimizers are ``graphgrad.nn``'s update rules
under PyTorch's convention: no derivative, layer formula or update rule is defined here.
"""
import builtins

import numpy as np

from .. import eager, ops
from . import accelerator, backends, cuda, dtypes
from .compiling import compile
from .grad_fn import named as _named
from .random import Generator, default_generator, generator as rng, manual_seed
from .serialization import load, save
from .tensor import (FUNCTIONS, CPU, Device as device, Parameter, ReturnType, Size, Tensor, as_array, function, on_cpu,
                     share, where)

float16 = half = dtypes.of(np.float16)
float32 = float = dtypes.of(np.float32)
float64 = double = dtypes.of(np.float64)
int8, int16, uint8 = dtypes.of(np.int8), dtypes.of(np.int16), dtypes.of(np.uint8)
int32 = int = dtypes.of(np.int32)
int64 = long = dtypes.of(np.int64)
bool = dtypes.of(np.bool_)
dtype = dtypes.dtype
no_grad = eager.no_grad
is_grad_enabled = eager.is_recording


def enable_grad():
    """Record operations again inside a ``no_grad`` block (a ``with`` block or a decorator)."""
    return eager.recording(True)


class set_grad_enabled:
    """Recording on or off from this call on (as in PyTorch); a ``with`` block puts back what was before."""

    def __init__(self, mode):
        self._before = eager.set_recording(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        eager.set_recording(self._before)
        return False


def _leaf(values, requires_grad, device):
    """A new leaf tensor of ``values``, on the CPU (``device`` may only name it)."""
    on_cpu(device)
    return Tensor.leaf(values, requires_grad=requires_grad)


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A leaf tensor holding a copy of ``data`` (Python floats become float32, as in PyTorch)."""
    return _leaf(as_array(data, dtype), requires_grad, device)


def from_numpy(array):
    """A tensor of the NumPy array ``array`` itself, sharing its memory: changing one changes the other."""
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise TypeError(f"expected a NumPy array of numbers, got {type(array).__name__}"
                        + (f" of {array.dtype}" if isinstance(array, np.ndarray) else ""))
    return share(Tensor(None, array), array)


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor without a copy where it can: a tensor of that dtype is itself, a NumPy array of it
    shares its memory (``from_numpy``); anything else is copied (``tensor``)."""
    on_cpu(device)
    wanted = None if dtype is None else np.dtype(dtype)
    if isinstance(data, Tensor) and (wanted is None or data.spec.dtype == wanted):
        return data
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf" and (wanted is None or data.dtype == wanted):
        return from_numpy(data)
    return tensor(data, dtype)


def set_default_device(device):
    """Where new tensors go: only the CPU (or None, the default) is accepted."""
    on_cpu(device)


def get_default_device():
    return CPU


def _legacy(dtype):
    """``torch.FloatTensor(data)`` or ``torch.FloatTensor(*size)`` (zeros), PyTorch's typed constructors."""
    def make(*data_or_size):
        if builtins.all(isinstance(n, (builtins.int, np.integer)) for n in data_or_size):
            return zeros(*data_or_size, dtype=dtype)
        (data,) = data_or_size
        return tensor(data, dtype=dtype)
    return make


FloatTensor, DoubleTensor, LongTensor, IntTensor, BoolTensor = (_legacy(t) for t in (float32, float64, int64,
                                                                                    int32, bool))


def _shape(sizes, size=None):
    """``randn(2, 3)``, ``randn((2, 3))`` and ``randn(size=(2, 3))`` alike."""
    if size is not None:
        return tuple(size)
    return tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else tuple(sizes)


def randn(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal numbers from ``generator`` (default: the one ``manual_seed`` seeds; not PyTorch's stream:
    the same statistics, other numbers)."""
    values = rng(generator).standard_normal(_shape(sizes, size)).astype(dtype or float32)
    return _leaf(values, requires_grad, device)


def rand(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Numbers uniform in [0, 1) from ``generator`` (default: the one ``manual_seed`` seeds)."""
    return _leaf(rng(generator).random(_shape(sizes, size)).astype(dtype or float32), requires_grad, device)


def randint(*bounds_and_size, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """``randint(high, size)`` or ``randint(low, high, size)``: integers in [low, high) (low 0), int64 unless
    ``dtype``."""
    args = bounds_and_size if size is not None else bounds_and_size[:-1]
    size = size if size is not None else bounds_and_size[-1]
    low, high = (0, *args) if len(args) == 1 else args
    return _leaf(rng(generator).integers(low, high, tuple(size)).astype(dtype or int64), requires_grad, device)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """0..n-1 in random order (int64 unless ``dtype``)."""
    return _leaf(rng(generator).permutation(n).astype(dtype or int64), requires_grad, device)


def normal(mean, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal numbers: of ``size`` for numbers ``mean`` and ``std``, else one for each element of the tensors
    ``mean``/``std`` (broadcast; their dtype, float32 for numbers)."""
    mean, std = as_array(mean), as_array(std)
    shape = tuple(size) if size is not None else np.broadcast_shapes(mean.shape, std.shape)
    dtype = dtype or np.result_type(mean, std, float32)
    return _leaf(rng(generator).normal(mean, std, shape).astype(dtype), requires_grad, device)


def multinomial(input, num_samples, replacement=False, generator=None):
    """``num_samples`` indices for each row of ``input`` (weights, not necessarily summing to 1), drawn with
    probability proportional to the weights, without replacement unless ``replacement``; int64."""
    weights = np.asarray(input.value, np.float64)
    rows = weights.reshape(-1, weights.shape[-1])
    drawn = [rng(generator).choice(len(row), num_samples, replace=replacement, p=row / row.sum()) for row in rows]
    return Tensor.leaf(np.array(drawn, np.int64).reshape(weights.shape[:-1] + (num_samples,)))


def zeros(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    return _leaf(np.zeros(_shape(sizes, size), dtype or float32), requires_grad, device)


def ones(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    return _leaf(np.ones(_shape(sizes, size), dtype or float32), requires_grad, device)


def empty(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    """``zeros``: PyTorch leaves the memory as it was, graphgrad has none to leave, so it gives zeros."""
    return zeros(*sizes, size=size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    return _leaf(np.full(tuple(size), fill_value, dtype or as_array(fill_value).dtype), requires_grad, device)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return zeros(*t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    return ones(*t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    return rand(*t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    return randn(*t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """``start, start + step, ...`` below ``end`` (``arange(n)``: 0..n-1); int64 when every bound is an int,
    else float32, as in PyTorch."""
    start, end = (0, start) if end is None else (start, end)
    integers = builtins.all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
    values = np.arange(start, end, step, dtype=dtype or (int64 if integers else float32))
    return _leaf(values, requires_grad, device)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included (float32 unless ``dtype``)."""
    return _leaf(np.linspace(start, end, steps).astype(dtype or float32), requires_grad, device)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The ``n``×``m`` identity matrix (``m`` defaults to ``n``; float32 unless ``dtype``)."""
    return _leaf(np.eye(n, m, dtype=dtype or float32), requires_grad, device)


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """``(hist, bin_edges)``: how many elements of ``input`` (or how much ``weight``) fall in each of ``bins`` equal
    bins over ``range`` (default: least to greatest element) or between the edges ``bins``; per unit of length
    when ``density``. NumPy's histogram, in input's dtype; not recorded."""
    dtype = input.spec.dtype
    edges = np.asarray(bins.value if isinstance(bins, Tensor) else bins)
    if not edges.ndim:                  # the edges in input's dtype, as PyTorch computes them
        edges = np.histogram_bin_edges(input.value, builtins.int(edges), range).astype(dtype)
    weights = None if weight is None else weight.value
    hist = np.histogram(input.value, edges, weights=weights)[0].astype(dtype)
    if density:
        hist = hist / hist.sum() / np.diff(edges)
    return ReturnType("histogram", hist=Tensor.leaf(hist), bin_edges=Tensor.leaf(edges.astype(dtype)))


def cat(tensors, dim=0):
    """The tensors joined along the existing axis ``dim``."""
    return eager.call(ops.concatenate, list(tensors), axis=dim)


def stack(tensors, dim=0):
    """The tensors (of one shape) joined along a new axis ``dim``."""
    tensors = list(tensors)
    return _named(eager.call(ops.stack, tensors, axis=dim), "stack", *tensors)


globals().update({name: function(name) for name in FUNCTIONS})  # torch.sin, torch.max, ...: the Tensor methods


from . import autograd, nn, optim, utils  # noqa: E402  (they use the names above)
