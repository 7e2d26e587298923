"""Making, casting, shaping, joining, picking and multiplying tensors: ``tf.zeros``, ``tf.range``, ``tf.cast``,
``tf.reshape``, ``tf.concat``, ``tf.gather``, ``tf.matmul``, ``tf.norm``, ..."""
import numpy as np

from .. import ops
from ..eager import call
from ..errors import ArgumentError
from . import dtypes
from .tensor import Tensor, convert_to_tensor


def _shape(shape):
    """A shape given as an int, a list, a TensorShape or a tensor of ints, as a tuple."""
    return tuple(int(d) for d in np.asarray(shape.value if isinstance(shape, Tensor) else shape).reshape(-1))


def zeros(shape, dtype=dtypes.float32, name=None):
    return Tensor.leaf(np.zeros(_shape(shape), dtypes.as_dtype(dtype).as_numpy_dtype))


def ones(shape, dtype=dtypes.float32, name=None):
    return Tensor.leaf(np.ones(_shape(shape), dtypes.as_dtype(dtype).as_numpy_dtype))


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
    return call(ops.reshape, convert_to_tensor(tensor), _shape(shape))


def broadcast_to(input, shape, name=None):
    """``input`` repeated along new or size-1 axes to ``shape`` (NumPy's broadcasting)."""
    return call(ops.broadcast_to, convert_to_tensor(input), _shape(shape))


def size(input, out_type=dtypes.int32, name=None):
    """The number of elements, as a 0-d int32 tensor."""
    return Tensor.leaf(np.asarray(np.size(convert_to_tensor(input).value), dtypes.as_dtype(out_type).as_numpy_dtype))


def rank(input, name=None):
    """The number of axes, as a 0-d int32 tensor."""
    return Tensor.leaf(np.asarray(convert_to_tensor(input).ndim, np.int32))


def shape(input, out_type=dtypes.int32, name=None):
    """The shape as a 1-d int32 tensor (``tensor.shape`` is the static TensorShape)."""
    return Tensor.leaf(np.asarray(convert_to_tensor(input).shape, dtypes.as_dtype(out_type).as_numpy_dtype))


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


# --- more creation: ranges, identity, filled, one-hot -------------------------------------------------------
def arange(start, limit=None, delta=1, dtype=None, name=None):
    """``tf.range``: ``start, start + delta, ...`` below ``limit`` (``range(n)``: 0..n-1); int32 when every
    bound is an int, else float32, as in TensorFlow."""
    start, limit = (0, start) if limit is None else (start, limit)
    bounds = [np.asarray(b.value if isinstance(b, Tensor) else b) for b in (start, limit, delta)]
    if dtype is None:
        dtype = dtypes.int32 if all(b.dtype.kind in "iu" for b in bounds) else dtypes.float32
    return Tensor.leaf(np.arange(*bounds, dtype=dtypes.as_dtype(dtype).as_numpy_dtype))


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced numbers from ``start`` to ``stop``, both included, in start's float dtype (float64
    for integers, as TensorFlow casts them)."""
    dtype = dtypes.default_dtype(start.value if isinstance(start, Tensor) else start)
    dtype = dtype if dtype.is_floating else dtypes.float64
    values = np.linspace(np.asarray(start, np.float64), np.asarray(stop, np.float64), int(num), axis=axis)
    return Tensor.leaf(values.astype(dtype.as_numpy_dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """The identity matrix (``batch_shape`` stacks copies of it)."""
    matrix = np.eye(num_rows, num_columns, dtype=dtypes.as_dtype(dtype).as_numpy_dtype)
    shape = tuple(batch_shape or ()) + matrix.shape
    return Tensor.leaf(np.broadcast_to(matrix, shape).copy())


def fill(dims, value, name=None):
    return Tensor.leaf(np.full(tuple(dims), value, dtypes.default_dtype(value).as_numpy_dtype))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """Each index as a vector of ``depth`` (float32 unless ``dtype``): ``on_value`` at it, ``off_value``
    elsewhere (an index outside 0..depth-1 gives a vector of off_value), along ``axis`` (default last)."""
    values = np.asarray(convert_to_tensor(indices).value)
    dtype = dtypes.as_dtype(dtype or (dtypes.default_dtype(on_value) if on_value is not None else dtypes.float32))
    hot = values[..., None] == np.arange(int(depth))
    out = np.where(hot, 1 if on_value is None else on_value, 0 if off_value is None else off_value)
    return Tensor.leaf(np.moveaxis(out.astype(dtype.as_numpy_dtype), -1, -1 if axis is None else axis))


# --- joining, picking and padding ----------------------------------------------------------------------------
def concat(values, axis, name=None):
    return call(ops.concatenate, [convert_to_tensor(v) for v in values], axis=axis)


def stack(values, axis=0, name=None):
    return call(ops.stack, [convert_to_tensor(v) for v in values], axis=axis)


def expand_dims(input, axis, name=None):
    return call(ops.expand_dims, convert_to_tensor(input), axis)


def squeeze(input, axis=None, name=None):
    return call(ops.squeeze, convert_to_tensor(input), axis)


def gather(params, indices, axis=None, batch_dims=0, name=None):
    """The slices of ``params`` at ``indices`` along ``axis`` (default 0)."""
    if batch_dims:
        raise ArgumentError("tf.gather: batch_dims is not supported; gather each batch element, or use "
                            "tf.experimental.numpy.take_along_axis")
    picked = np.asarray(convert_to_tensor(indices).value)
    return call(ops.take, convert_to_tensor(params), picked, axis=0 if axis is None else axis)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """``tensor`` inside a border: ``paddings[d]`` is (before, after) for axis d; mode CONSTANT only."""
    widths = np.asarray(paddings.value if isinstance(paddings, Tensor) else paddings)
    fill = constant_values.item() if isinstance(constant_values, Tensor) else constant_values
    return call(ops.pad, convert_to_tensor(tensor), widths, mode=str(mode).lower(), constant_values=fill)


def einsum(equation, *inputs):
    """``np.einsum``'s products summed over the axes the output does not name."""
    return call(ops.einsum, equation, *(convert_to_tensor(x) for x in inputs))


def where(condition, x=None, y=None, name=None):
    """``x`` where ``condition`` holds, else ``y`` (elementwise, broadcast); both are needed here."""
    if x is None or y is None:
        raise ArgumentError("tf.where(condition) alone (the coordinates of true elements) is not supported; "
                            "give x and y")
    return call(ops.where, convert_to_tensor(condition), convert_to_tensor(x), convert_to_tensor(y))


def _position(pick, input, axis, output_type):
    """``pick`` (np.argmax, np.argmin) along ``axis`` (0 when None, as in TensorFlow), in ``output_type``."""
    value = pick(convert_to_tensor(input).value, axis=0 if axis is None else axis)
    return Tensor.leaf(value.astype(dtypes.as_dtype(output_type).as_numpy_dtype))


def argmax(input, axis=None, output_type=dtypes.int64, name=None):
    return _position(np.argmax, input, axis, output_type)


def argmin(input, axis=None, output_type=dtypes.int64, name=None):
    return _position(np.argmin, input, axis, output_type)


# --- norms and clipping ----------------------------------------------------------------------------------
def _norm(x, ord, axis, keepdims):
    p = 2 if ord in ("euclidean", "fro") else ord
    if axis is not None:
        return ops.norm(x, ord=p, axis=axis, keepdims=keepdims)
    total = ops.norm(ops.ravel(x), ord=p)
    return ops.reshape(total, (1,) * x.ndim) if keepdims else total


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """The ``ord``-norm of all elements as one vector (``axis`` None) or along ``axis``."""
    return call(_norm, convert_to_tensor(tensor), ord, axis, bool(keepdims))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return call(ops.clip, convert_to_tensor(t), clip_value_min, clip_value_max)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t`` scaled down so its L2 norm over ``axes`` (all when None) is at most ``clip_norm``.

    As TensorFlow computes it, the root is taken of a sum of squares made safe at 0 (1 there), so the gradient at
    a zero tensor is finite (clip_norm / clip_norm, not NaN)."""
    def build(x, bound):
        squares = ops.sum(x * x, axis=axes, keepdims=True)
        positive = squares > 0
        length = ops.where(positive, ops.sqrt(ops.where(positive, squares, 1)), squares)
        return x * bound / ops.maximum(length, bound)
    return call(build, convert_to_tensor(t), clip_norm)
