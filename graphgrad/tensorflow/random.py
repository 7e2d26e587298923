"""``tf.random``: normal and uniform draws, reproducible with ``tf.random.set_seed`` or an op ``seed``."""
import numpy as np

from . import dtypes
from .tensor import Tensor

_global = {"seed": None, "rng": np.random.default_rng()}


def set_seed(seed):
    """Make every later draw reproducible (each op-level ``seed`` then gives its own fixed stream)."""
    _global["seed"] = int(seed)
    _global["rng"] = np.random.default_rng(int(seed))


def _rng(seed):
    if seed is None:
        return _global["rng"]
    return np.random.default_rng([int(seed), _global["seed"] or 0])


def normal(shape=(), mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Draws from N(mean, stddev²) of ``shape`` (a scalar when no shape is given)."""
    dtype = dtypes.as_dtype(dtype)
    return Tensor.leaf(_rng(seed).normal(mean, stddev, tuple(shape)).astype(dtype.as_numpy_dtype))


def uniform(shape=(), minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Draws from [minval, maxval) (maxval 1 for floats), integers when ``dtype`` is an integer type."""
    dtype = dtypes.as_dtype(dtype)
    rng = _rng(seed)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError("tf.random.uniform: integer dtypes need maxval")
        values = rng.integers(minval, maxval, tuple(shape))
    else:
        values = rng.uniform(minval, 1.0 if maxval is None else maxval, tuple(shape))
    return Tensor.leaf(values.astype(dtype.as_numpy_dtype))
