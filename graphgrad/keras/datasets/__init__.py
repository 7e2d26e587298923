"""``keras.datasets``: MNIST from files already on this machine (graphgrad never downloads)."""
from . import mnist  # noqa: F401
