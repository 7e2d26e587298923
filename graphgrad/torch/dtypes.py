"""PyTorch's dtypes: ``torch.float32`` prints as PyTorch prints it and is, wherever NumPy reads a dtype, the
NumPy dtype it names (NumPy takes any object's ``.dtype``), so graphgrad's arrays hold them unchanged."""
import numpy as np

from .. import eager


class dtype(eager.DType):
    """A PyTorch dtype over a NumPy one: equal to it, hashed as it, with its attributes (``kind``, ``itemsize``)."""

    prefix = "torch"

    @property
    def is_floating_point(self):
        return self.dtype.kind == "f"


_ALL = {name: dtype(name) for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                                       "bool")}


_OF_NUMPY = {d.dtype: d for d in _ALL.values()}


def of(numpy_dtype):
    """The PyTorch dtype of a NumPy dtype."""
    found = _OF_NUMPY.get(numpy_dtype)
    return found if found is not None else _ALL[np.dtype(numpy_dtype).name]
