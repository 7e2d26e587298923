"""Weight initializers with Keras' names and formulas; each draws from a given NumPy Generator."""
import inspect

import numpy as np

from .errors import lookup


def _fans(shape):
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def zeros(shape, rng):
    return np.zeros(shape)


def ones(shape, rng):
    return np.ones(shape)


def random_normal(shape, rng, stddev=0.05):
    """Keras RandomNormal: small Gaussian weights, mean 0, standard deviation 0.05."""
    return rng.normal(0.0, stddev, shape)


def random_uniform(shape, rng, limit=0.05):
    """Keras RandomUniform: uniform in [-0.05, 0.05)."""
    return rng.uniform(-limit, limit, shape)


def _truncated_normal(shape, rng, stddev):
    """Normal draws redrawn until within two standard deviations (Keras' truncated normal)."""
    out = rng.normal(0.0, stddev, shape)
    bad = np.abs(out) > 2 * stddev
    while np.any(bad):
        out[bad] = rng.normal(0.0, stddev, int(bad.sum()))
        bad = np.abs(out) > 2 * stddev
    return out


def glorot_uniform(shape, rng):
    """Uniform in ±sqrt(6 / (fan_in + fan_out)) (Keras' default for Dense kernels)."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape)


def glorot_normal(shape, rng):
    fan_in, fan_out = _fans(shape)
    return _truncated_normal(shape, rng, np.sqrt(2.0 / (fan_in + fan_out)) / 0.87962566103423978)


def he_uniform(shape, rng):
    limit = np.sqrt(6.0 / _fans(shape)[0])
    return rng.uniform(-limit, limit, shape)


def he_normal(shape, rng):
    return _truncated_normal(shape, rng, np.sqrt(2.0 / _fans(shape)[0]) / 0.87962566103423978)


def kaiming_uniform(shape, rng, a=0.0, fan_in=None):
    """Uniform in ±gain·sqrt(3 / fan_in) with gain sqrt(2 / (1 + a²)) (He et al.); PyTorch initialises Linear and
    Conv2d weights with a = sqrt(5), i.e. ±1/sqrt(fan_in), where fan_in = in·kh·kw of an (out, in, kh, kw)
    weight (``fan_in_out_first``), and their biases uniform in the same ±1/sqrt(fan_in)."""
    fan_in = fan_in_out_first(shape) if fan_in is None else fan_in
    bound = np.sqrt(2.0 / (1.0 + a * a)) * np.sqrt(3.0 / fan_in)
    return rng.uniform(-bound, bound, shape)


def fan_in_out_first(shape):
    """Fan-in of a weight laid out (out, in, *kernel), as PyTorch's are (Keras': (*kernel, in, out))."""
    return int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])


INITIALIZERS = {f.__name__: f for f in (zeros, ones, random_normal, random_uniform,
                                        glorot_uniform, glorot_normal, he_uniform, he_normal)}


def get(name):
    """The initializer called ``name``; a callable ``f(shape, rng)`` is returned as is."""
    return name if callable(name) else lookup("initializer", "initializers", name, INITIALIZERS)


def draw(init, shape, rng, dtype):
    """``init``'s values for a weight of ``shape``, as an array of ``dtype``: graphgrad's initializers and any
    ``f(shape, rng)`` draw from the layer's generator ``rng``; a callable that takes a ``dtype`` and no ``rng``
    (Keras's custom ``f(shape, dtype=None)``, ``tf.random.normal``) is called as Keras calls it."""
    if _keras_style(init):
        return np.asarray(init(tuple(shape), dtype=np.dtype(dtype).name), dtype=dtype)
    return np.asarray(init(shape, rng), dtype=dtype)


def _keras_style(init):
    try:
        names = list(inspect.signature(init).parameters)
    except (TypeError, ValueError):   # a callable whose signature Python cannot read: graphgrad's protocol
        return False
    return "dtype" in names and names[1:2] != ["rng"]
