"""``tf.Tensor`` and ``tf.Variable``: graphgrad's eager tensors under TensorFlow's names, dtypes and printing.

An operation is recorded when a GradientTape is active and watches one of its
operands (trainable variables are watched when used, as in TensorFlow);
outside a tape nothing is kept.
"""
import numpy as np

from .. import eager, ops
from ..graph import Node
from . import dtypes
from .tape import active_tapes


def _numpy_text(value):
    """How TensorFlow shows a value after ``numpy=``: a scalar as the Python number it is (a float32 0.1 as
    0.10000000149011612), an array as NumPy's repr."""
    value = np.asarray(value)
    if value.ndim == 0:
        return repr(value.item())
    text = repr(value)
    return "\n" + text if "\n" in text else text


class TensorShape(tuple):
    """A tensor's shape: a tuple of ints that prints as ``(7, 10)`` and shows as ``TensorShape([7, 10])``."""

    def as_list(self):
        return list(self)

    @property
    def rank(self):
        return len(self)

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        return tuple.__repr__(self)


class _Missing:
    """An attribute of graphgrad's eager tensor that TensorFlow's tensor lacks: reading it raises AttributeError
    as TensorFlow does, so ``np.mean(t)`` computes on the value (outside the tape) as it does there."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        raise AttributeError(f"'tf.Tensor' object has no attribute '{self.name}'")


class Tensor(eager.Tensor):
    """An immutable eager tensor, printed as ``<tf.Tensor: shape=(), dtype=float32, numpy=2.0>``."""

    __slots__ = ()
    T, sum, mean, max, reshape, transpose = _Missing(), _Missing(), _Missing(), _Missing(), _Missing(), _Missing()

    @property
    def shape(self):
        return TensorShape(self.spec.shape)

    def numpy(self):
        """The value as a NumPy array, a NumPy scalar for a 0-d tensor (as TensorFlow gives)."""
        value = super().numpy()
        return value[()] if value.ndim == 0 else value

    @classmethod
    def may_record(cls, tracked):
        """Only while a tape records (a variable's snapshot tells the tapes it was read)."""
        return bool(active_tapes())

    @classmethod
    def records(cls, operands):
        return eager.is_recording() and any(tape.watches(operands) for tape in active_tapes())

    @classmethod
    def recorded(cls, result, operands):
        for tape in active_tapes():
            if tape.watches(operands):
                tape.note(result, operands)

    @property
    def dtype(self):
        return dtypes.as_dtype(self.node.dtype)

    def get_shape(self):
        return self.shape

    # --- comparisons (elementwise boolean tensors, as in TensorFlow 2) and iteration over the rows ---------
    def __lt__(self, other): return self._compare(ops.lt, other)
    def __le__(self, other): return self._compare(ops.le, other)
    def __gt__(self, other): return self._compare(ops.gt, other)
    def __ge__(self, other): return self._compare(ops.ge, other)
    def __eq__(self, other): return other is not None and self._compare(ops.eq, other)
    def __ne__(self, other): return other is None or self._compare(ops.ne, other)
    __hash__ = eager.Tensor.__hash__   # by identity, so tensors stay usable as keys

    def _compare(self, op, other):
        number = isinstance(other, (int, float)) and not isinstance(other, bool)
        return eager.call(op, self, other if number else convert_to_tensor(other))

    def __iter__(self):
        """The rows (``t[0]``, ``t[1]``, ...), as TensorFlow iterates."""
        if not self.shape:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in range(self.shape[0]))

    def __repr__(self):
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={_numpy_text(self.value)}>"

    def __str__(self):
        value = np.asarray(self.value)
        text = str(value[()] if value.ndim == 0 else value)
        return f"tf.Tensor({chr(10) * (chr(10) in text)}{text}, shape={self.shape}, dtype={self.dtype.name})"


class Variable(eager.Variable, Tensor):
    """``tf.Variable(initial_value, trainable=True, name=None, dtype=None)``, named ``Variable:0`` unless named."""

    __slots__ = ("given_name",)

    def __init__(self, initial_value, trainable=True, name=None, dtype=None):
        value = initial_value.value if isinstance(initial_value, eager.Tensor) else initial_value
        dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.default_dtype(value)
        super().__init__(value, dtype.as_numpy_dtype, name, requires_grad=bool(trainable))
        self.given_name = name or "Variable"

    @property
    def name(self):
        """TensorFlow's name, ``x0:0`` (``Variable:0`` unnamed); its node in graphgrad's graphs is named apart
        (``Variable_1``), so pictures and traces tell variables apart."""
        return f"{self.given_name}:0"

    @property
    def trainable(self):
        return self.requires_grad

    def snapshot(self):
        """The current value, which an operation reads: the recording tapes note the read (``watched_variables``)."""
        for tape in active_tapes():
            tape.accessed(self)
        return super().snapshot()

    def assign_add(self, delta):
        return self.assign(np.asarray(self.value) + np.asarray(delta))

    def assign_sub(self, delta):
        return self.assign(np.asarray(self.value) - np.asarray(delta))

    def __repr__(self):
        return (f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, "
                f"numpy={_numpy_text(self.value)}>")

    __str__ = __repr__


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor; ``shape`` reshapes ``value`` (or fills it, for a single number), as in TensorFlow."""
    raw = value.value if isinstance(value, eager.Tensor) else value
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.default_dtype(raw)
    array = np.asarray(raw, dtype=dtype.as_numpy_dtype)
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        if array.size == 1:
            array = np.full(shape, array.reshape(()))
        elif array.size == int(np.prod(shape, dtype=np.int64)):
            array = array.reshape(shape)
        else:
            raise ValueError(f"tf.constant: {array.size} values do not fill shape {shape}")
    return Tensor.leaf(array, name=name or eager.unique_name("Const"))


def convert_to_tensor(value, dtype=None):
    """Tensors as they are, a variable as its current value (a tensor, which records a read of the variable),
    graph nodes too (a layer's graph being built calls its activation, ``tf.nn.relu``, on them); anything else
    as a constant."""
    if isinstance(value, eager.Tensor) and (dtype is None or dtypes.as_dtype(dtype) == value.node.dtype):
        return value.snapshot()
    if isinstance(value, Node):
        return value
    return constant(value, dtype)
