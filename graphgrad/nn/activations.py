"""Activation functions by name, each a graph builder (node -> node) from the core's primitives."""
import math

from .. import ops
from .errors import lookup

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805   # Klambauer et al. (2017)


def leaky_relu(z, negative_slope=0.01):
    """z where z > 0, else negative_slope · z."""
    return ops.where(ops.gt(z, 0), z, z * negative_slope)


def elu(z, alpha=1.0):
    """z where z > 0, else alpha · (e^z - 1)."""
    return ops.where(ops.gt(z, 0), z, alpha * ops.expm1(ops.minimum(z, 0)))


def selu(z):
    """The scaled ELU whose fixed constants keep activations normalized."""
    return SELU_SCALE * elu(z, SELU_ALPHA)


def gelu(z, approximate=False):
    """z · Φ(z), Φ the standard normal CDF; ``approximate`` uses the tanh formula of Hendrycks and Gimpel."""
    if approximate:
        return 0.5 * z * (1 + ops.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z * z * z)))
    return 0.5 * z * (1 + ops.erf(z * (1 / math.sqrt(2))))

ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": ops.sigmoid,
    "tanh": ops.tanh,
    "relu": ops.relu,
    "softmax": lambda z: ops.softmax(z, axis=-1),
    "softplus": ops.softplus,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
}


def get(name):
    """The activation called ``name`` (None means linear); a callable is returned as is."""
    if name is None:
        return ACTIVATIONS["linear"]
    if callable(name):
        return name
    return lookup("activation", "activations", name, ACTIVATIONS)


def name_of(activation):
    """The registered name of an activation builder, or None for a user's own callable."""
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return activation.lower()
    return next((k for k, f in ACTIVATIONS.items() if f is activation), None)
