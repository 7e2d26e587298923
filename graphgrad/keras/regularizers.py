"""``keras.regularizers``: graphgrad.nn's weight penalties under Keras's names."""
from ..nn.regularizers import L1, L2, get, l1, l2  # noqa: F401
