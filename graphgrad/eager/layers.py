"""A ``graphgrad.nn`` layer run on eager tensors, with the noise and state updates ``fit``'s step gives it.

Keras layers, PyTorch modules and PyTorch's functional dropout all run nn layers
this one way, so eager code and ``fit`` make the same steps.
"""
from .tensor import call, no_grad


def apply_layer(layer, x, params, training=False, rng=None):
    """``(output, moved)``: ``layer`` on tensor ``x`` with parameter tensors ``params`` (by suffix), computed now,
    and the new values of its ``non_trainable`` parameters after this training step (by suffix; empty unless
    ``training``).

    In training, a layer that needs noise (dropout) gets fresh uniform[0,1) noise from ``rng`` (a NumPy
    Generator) of one row per sample, as ``fit`` feeds its step graph.
    """
    shape = layer.noise_shape(x.node.shape[1:]) if training else None
    noise = None if shape is None else type(x.snapshot()).leaf(
        rng.random((x.node.shape[0],) + tuple(shape)).astype(x.node.dtype))
    out = call(lambda h, p, n: layer.call(h, p, training=training, noise=n), x, params, noise)
    if not (training and layer.non_trainable):
        return out, {}
    with no_grad():
        return out, call(layer.updates, x, params)
