"""``torch.save`` and ``torch.load``: any object with tensors in it (a state dict, a list, a module) pickled, each
tensor as its dtype, shape and bytes. ``weights_only=True`` (PyTorch's default) unpickles only tensors, plain
containers and numbers, so loading a file runs no code from it. The files are graphgrad's, not PyTorch's."""
import collections
import contextlib
import os
import pickle

import numpy as np

from .. import eager
from .tensor import Parameter, Tensor, on_cpu

_SAFE = {("collections", "OrderedDict"): collections.OrderedDict}


def _tensor(dtype, shape, data, requires_grad, parameter):
    """The tensor that ``save`` wrote (a Parameter stays one)."""
    array = np.frombuffer(data, dtype).reshape(shape).copy()
    return Parameter(array, requires_grad) if parameter else Tensor.leaf(array, requires_grad=requires_grad)


_SAFE[(__name__, "_tensor")] = _tensor


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, eager.Tensor):
            array = np.asarray(obj.value)      # (tobytes writes C order; ascontiguousarray makes 0-d 1-d)
            return _tensor, (array.dtype.str, array.shape, array.tobytes(), obj.requires_grad,
                             isinstance(obj, Parameter))
        return NotImplemented


class _WeightsOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _SAFE:
            raise pickle.UnpicklingError(f"Weights only load failed: {module}.{name} is not a tensor, container or "
                                         "number; pass weights_only=False to load a file you trust")
        return _SAFE[(module, name)]


def _file(f, mode):
    """A binary file for a ``with`` block: ``f`` opened when it is a path, else ``f`` itself (left open)."""
    return open(f, mode) if isinstance(f, (str, bytes, os.PathLike)) else contextlib.nullcontext(f)


def save(obj, f):
    """Write ``obj`` to the path or binary file ``f``."""
    with _file(f, "wb") as file:
        _Pickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)


def load(f, map_location=None, weights_only=True):
    """What ``save`` wrote to ``f``; ``map_location`` may only name the CPU."""
    if not callable(map_location) and not isinstance(map_location, dict):
        on_cpu(map_location)
    with _file(f, "rb") as file:
        return (_WeightsOnly if weights_only else pickle.Unpickler)(file).load()
