"""A spelling's dtype over a NumPy dtype: printed as the framework prints it, equal to the NumPy dtype it names."""
import numpy as np


class DType:
    """``prefix.name`` (``tf.float32``, ``torch.float32``): equal to and hashed as the NumPy dtype it names, which
    NumPy reads it as (NumPy takes any object's ``.dtype``), so arrays hold it unchanged; it has that dtype's
    attributes (``name``, ``kind``, ``itemsize``)."""

    prefix = ""

    def __init__(self, name):
        self.dtype = np.dtype(name)

    def __getattr__(self, name):
        if name.startswith("__"):   # copy and pickle look for hooks on an instance without its dtype yet
            raise AttributeError(name)
        return getattr(self.dtype, name)

    def __eq__(self, other):
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return False

    def __hash__(self):
        return hash(self.dtype)

    def __repr__(self):
        return f"{self.prefix}.{self.dtype.name}"
