"""Weight penalties added to the loss as graph nodes (Keras: ``l2 * sum(w**2)``)."""
from .. import ops
from .errors import lookup


class L2:
    """L2 penalty ``factor * sum(w**2)`` (Keras' default factor is 0.01)."""

    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, w):
        return self.l2 * ops.sum(w * w)

    def __repr__(self):
        return f"L2({self.l2})"


class L1:
    """L1 penalty ``factor * sum(|w|)``."""

    def __init__(self, l1=0.01):
        self.l1 = float(l1)

    def __call__(self, w):
        return self.l1 * ops.sum(ops.abs(w))

    def __repr__(self):
        return f"L1({self.l1})"


l2 = L2
l1 = L1


def get(spec):
    """None, a regularizer object, or a name ('l1', 'l2') with Keras' default factor."""
    if spec is None or callable(spec):
        return spec
    return lookup("regularizer", "regularizers", spec, {"l1": L1, "l2": L2})()
