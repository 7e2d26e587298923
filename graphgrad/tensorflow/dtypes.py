"""TensorFlow's dtypes: names as TF prints them (``tf.float32``) over NumPy dtypes."""
import numpy as np

from .. import eager


class DType(eager.DType):
    """A TensorFlow dtype: prints as ``tf.float32`` and compares equal to the NumPy dtype it names."""

    prefix = "tf"

    def __init__(self, name):
        super().__init__(name)
        self.as_numpy_dtype = self.dtype.type
        self.is_floating, self.is_integer = self.dtype.kind == "f", self.dtype.kind in "iu"

    def __str__(self):
        return f"<dtype: '{self.name}'>"


float16, float32, float64 = DType("float16"), DType("float32"), DType("float64")
int8, int16, int32, int64 = DType("int8"), DType("int16"), DType("int32"), DType("int64")
uint8, bool_ = DType("uint8"), DType("bool")
_ALL = {d.name: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)}


def as_dtype(spec):
    """The DType for a DType, a NumPy dtype or a name (``"float32"``, ``np.int32``)."""
    if isinstance(spec, DType):
        return spec
    try:
        name = np.dtype(spec).name
    except TypeError:
        raise TypeError(f"cannot convert {spec!r} to a TensorFlow dtype") from None
    if name not in _ALL:
        kind = {"U": "strings", "S": "strings", "c": "complex numbers", "O": "ragged or mixed lists"}.get(
            np.dtype(spec).kind, f"dtype {name}")
        raise TypeError(f"graphgrad.tensorflow holds real numbers only: {kind} are not supported (use "
                        "float16/32/64, int8/16/32/64, uint8 or bool)")
    return _ALL[name]


def default_dtype(value):
    """TensorFlow's dtype for a Python value: floats are float32, ints int32; NumPy arrays keep theirs."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return as_dtype(value.dtype)
    try:
        array = np.asarray(value)
    except ValueError:
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor (ragged rows: pad them to one "
                         "length)") from None
    kind = array.dtype.kind
    return float32 if kind == "f" else int32 if kind in "iu" else bool_ if kind == "b" else as_dtype(array.dtype)
