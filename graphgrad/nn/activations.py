"""Activation functions by name, each a graph builder (node -> node) from the core's primitives."""
from .. import ops
from .errors import lookup

ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": ops.sigmoid,
    "tanh": ops.tanh,
    "relu": ops.relu,
    "softmax": lambda z: ops.softmax(z, axis=-1),
    "softplus": ops.softplus,
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
