"""TensorFlow's gradient controls: ``tf.stop_gradient``, ``tf.custom_gradient`` and ``tf.UnconnectedGradients``."""
import enum
import functools

import numpy as np

from .. import eager
from ..errors import ArgumentError
from .tensor import Tensor, convert_to_tensor


class UnconnectedGradients(enum.Enum):
    """What ``tape.gradient`` gives for a source the target does not depend on: None, or zeros."""
    NONE = "none"
    ZERO = "zero"


def stop_gradient(input, name=None):
    """The same value, as a new constant: no gradient flows back through it."""
    return Tensor.leaf(convert_to_tensor(input).value)


def custom_gradient(f):
    """``@tf.custom_gradient``: ``f(*x)`` returns ``(y, grad)``, and ``grad(upstream)`` gives the gradient for
    each tensor in ``x`` (a tuple, or one tensor for one input). Tapes then use ``grad``.

    Eager only: f runs once, recording nothing, and y is one recorded node whose gradient calls ``grad``
    (``graphgrad.eager.custom``); y must be one tensor, ``grad`` takes no ``variables``, and a custom
    gradient is not differentiated again."""
    @functools.wraps(f)
    def wrapped(*args):
        with eager.no_grad():
            y, grad = f(*args)
        y = convert_to_tensor(y)
        positions = [i for i, a in enumerate(args) if isinstance(a, eager.Tensor)]

        def backward(g):
            with eager.no_grad():
                found = grad(Tensor.leaf(g))
            found = found if isinstance(found, (tuple, list)) else (found,)
            if len(found) != len(positions):
                raise ArgumentError(f"the gradient function of {f.__name__} returned {len(found)} gradients for "
                                    f"its {len(positions)} tensor inputs")
            return [None if v is None else np.asarray(convert_to_tensor(v).value) for v in found]
        return eager.custom(f.__name__, [args[i] for i in positions], y.value, backward)
    return wrapped

