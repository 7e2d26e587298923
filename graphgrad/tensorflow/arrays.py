"""Making, casting, shaping and multiplying tensors: ``tf.zeros``, ``tf.cast``, ``tf.reshape``, ``tf.transpose``, ``tf.matmul``."""
import numpy as np

from .. import ops
from ..eager import call
from . import dtypes
from .tensor import Tensor, convert_to_tensor


def zeros(shape, dtype=dtypes.float32, name=None):
    return Tensor.leaf(np.zeros(tuple(shape), dtypes.as_dtype(dtype).as_numpy_dtype))


def ones(shape, dtype=dtypes.float32, name=None):
    return Tensor.leaf(np.ones(tuple(shape), dtypes.as_dtype(dtype).as_numpy_dtype))


def zeros_like(input, dtype=None, name=None):
    t = convert_to_tensor(input)
    return zeros(t.shape, dtype or t.dtype)


def ones_like(input, dtype=None, name=None):
    t = convert_to_tensor(input)
    return ones(t.shape, dtype or t.dtype)


def cast(x, dtype, name=None):
    """``x`` in another dtype, recorded (``ops.astype``): float to float carries the gradient, as in TensorFlow."""
    return call(ops.astype, convert_to_tensor(x), dtypes.as_dtype(dtype).as_numpy_dtype)


def reshape(tensor, shape, name=None):
    """The same elements in another shape (one size may be -1)."""
    return call(ops.reshape, convert_to_tensor(tensor), tuple(int(d) for d in np.asarray(shape).reshape(-1)))


def _swap_last(x):
    axes = list(range(x.ndim))
    axes[-2:] = axes[-1], axes[-2]
    return ops.transpose(x, axes)


def transpose(a, perm=None, name=None):
    """Axes permuted by ``perm`` (reversed when None)."""
    return call(ops.transpose, convert_to_tensor(a), None if perm is None else tuple(perm))


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """The matrix product; 3-D operands multiply as batches of matrices (as ``tf.matmul`` does), int32 stays int32."""
    def product(x, y):
        return ops.matmul(_swap_last(x) if transpose_a else x, _swap_last(y) if transpose_b else y)
    return call(product, convert_to_tensor(a), convert_to_tensor(b))
