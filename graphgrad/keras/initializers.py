"""``keras.initializers``: graphgrad.nn's initializers as Keras's classes (``GlorotUniform(seed=0)``)."""
import numpy as np

from ..nn import initializers as nn_init
from ..nn.initializers import get  # noqa: F401


class Initializer:
    """Draws ``fn(shape, rng, **params)``: from its own generator when given a ``seed``, else the layer's."""

    fn = staticmethod(nn_init.zeros)

    def __init__(self, seed=None, **params):
        self.seed, self.params = seed, params

    def __call__(self, shape, rng=None, dtype=None):
        if self.seed is not None or not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(self.seed)
        values = type(self).fn(tuple(shape), rng, **self.params)
        return values if dtype is None else np.asarray(values, dtype=dtype)


def _initializer(class_name, fn, **renames):
    """A Keras initializer class over ``fn``; ``renames`` maps Keras argument names to ``fn``'s."""
    def __init__(self, seed=None, **kwargs):
        Initializer.__init__(self, seed, **{renames.get(k, k): v for k, v in kwargs.items()})
    return type(class_name, (Initializer,), {"fn": staticmethod(fn), "__init__": __init__, "__module__": __name__,
                                             "__doc__": fn.__doc__})


Zeros = _initializer("Zeros", nn_init.zeros)
Ones = _initializer("Ones", nn_init.ones)
RandomNormal = _initializer("RandomNormal", nn_init.random_normal)
RandomUniform = _initializer("RandomUniform", nn_init.random_uniform, maxval="limit")
GlorotUniform = _initializer("GlorotUniform", nn_init.glorot_uniform)
GlorotNormal = _initializer("GlorotNormal", nn_init.glorot_normal)
HeUniform = _initializer("HeUniform", nn_init.he_uniform)
HeNormal = _initializer("HeNormal", nn_init.he_normal)
