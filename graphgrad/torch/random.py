"""The random generator of the torch spelling: ``manual_seed(s)`` makes ``randn`` and weight initialisation
repeatable (NumPy's generator: PyTorch's statistics, not its stream of numbers)."""
import numpy as np

_state = {"rng": np.random.default_rng()}


def manual_seed(seed):
    _state["rng"] = np.random.default_rng(seed)
    return _state["rng"]


def generator():
    return _state["rng"]
