"""``torch.nn.init``: fill a parameter or tensor in place (``copy_`` without recording, as PyTorch's init does)
from the spelling's generator."""
import math

import numpy as np

from ... import eager
from ...nn import initializers
from ..random import generator


def _fill(tensor, values):
    with eager.no_grad():
        return tensor.copy_(np.asarray(values, dtype=tensor.dtype))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """PyTorch's default for Linear and Conv2d weights with a = sqrt(5)."""
    return _fill(tensor, initializers.kaiming_uniform(tuple(tensor.shape), generator(), a))


def uniform_(tensor, a=0.0, b=1.0):
    return _fill(tensor, generator().uniform(a, b, tuple(tensor.shape)))


def normal_(tensor, mean=0.0, std=1.0):
    return _fill(tensor, generator().normal(mean, std, tuple(tensor.shape)))


def zeros_(tensor):
    return _fill(tensor, np.zeros(tuple(tensor.shape)))


def ones_(tensor):
    return _fill(tensor, np.ones(tuple(tensor.shape)))


def default_(weight, bias=None):
    """Linear's and Conv2d's reset_parameters: kaiming-uniform a = sqrt(5), the bias within ±1/sqrt(fan_in)."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        bound = 1.0 / math.sqrt(initializers.fan_in_out_first(tuple(weight.shape)))
        uniform_(bias, -bound, bound)
