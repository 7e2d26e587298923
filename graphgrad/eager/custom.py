"""Custom gradients: an operation whose value and backward rule are Python functions, run eagerly.

``custom(name, operands, value, backward)`` records one node whose value is
``value`` (computed already, by the caller's forward code) and whose VJP calls
``backward(g)`` on the upstream gradient's value when the adjoints are
evaluated; the gradient's node takes the operands too, as the rule may read
them. PyTorch's ``torch.autograd.Function`` and TensorFlow's
``tf.custom_gradient`` are this. The node holds Python code, so it runs in the
eager layer only: the compiler cannot lower it, and it is not differentiated
twice (the backward rule's own derivative is refused, not guessed).
"""
import numpy as np

from ..errors import ArgumentError
from ..graph.primitive import Primitive
from .tensor import call


def _twice(name):
    def vjp(g, ans, *xs, needs, **params):
        raise ArgumentError(f"the custom gradient of '{name}' cannot be differentiated again: graphgrad runs "
                            "its backward as Python code; write the function with graphgrad's ops instead")
    return vjp


def custom(name, operands, value, backward):
    """A tensor of ``value`` computed from the tensors ``operands``, whose gradient with respect to each
    operand is ``backward(g)[k]`` (arrays, or None for no gradient) for the upstream gradient ``g``."""
    value = np.asarray(value)
    dtypes = [t.node.dtype for t in operands]
    last = {}   # the upstream gradient last seen -> the gradients backward gave for it (one call per g)

    def gradients(g):
        if last.get("g") is not g:
            found = list(backward(g))
            if len(found) != len(operands):
                raise ArgumentError(f"the backward of '{name}' returned {len(found)} gradients; it must return "
                                    f"one for each of the {len(operands)} tensor inputs (None for no gradient)")
            last.update(g=g, found=found)
        return last["found"]

    def gradient_of(k):
        def impl(g, *xs):
            found = gradients(g)[k]
            return np.broadcast_to(np.asarray(0 if found is None else found, dtypes[k]), operands[k].node.shape)
        return Primitive(f"{name}_backward_{k}", impl=impl, shape=lambda *shapes: tuple(operands[k].node.shape),
                         vjp=_twice(name), text=f"{name}_backward_{k}({{operands}})", register=False,
                         dtype=lambda nodes, params: dtypes[k])

    backward_ops = [gradient_of(k) for k in range(len(operands))]

    def vjp(g, ans, *xs, needs, **params):
        return tuple(op(g, *xs) if need else None for op, need in zip(backward_ops, needs))

    forward = Primitive(name, impl=lambda *xs: value, shape=lambda *shapes: value.shape, vjp=vjp,
                        text=f"{name}({{operands}})", register=False, dtype=lambda nodes, params: value.dtype)
    return call(lambda *nodes: forward(*nodes), *operands)
