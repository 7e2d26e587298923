"""Session-wide state of the Keras spelling: layer and model names, and the generator initial weights come from."""
import numpy as np

from ..eager import clear_names, unique_name  # noqa: F401  (dense, dense_1, ... as Keras names layers)

_rng = [np.random.default_rng()]


def rng():
    """The generator layers draw their initial weights from."""
    return _rng[0]


def set_random_seed(seed):
    """Make initial weights (and dropout in ``fit``) reproducible, as ``keras.utils.set_random_seed``."""
    _rng[0] = np.random.default_rng(int(seed))


def clear_session():
    """Forget the names given so far, so the next Dense layer is called ``dense`` again."""
    clear_names()


def floatx():
    """The float type of weights and inputs: float32, as in Keras."""
    return "float32"
