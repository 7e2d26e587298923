"""``tf.nn``: activations and the cross-entropies of logits, as graphgrad ops and ``graphgrad.nn`` losses."""
from .. import ops
from ..eager import call
from ..nn import activations, losses
from .math import sigmoid, softplus, tanh  # noqa: F401  (tf.nn.sigmoid is tf.math.sigmoid)
from .tensor import convert_to_tensor


def relu(features, name=None):
    """max(x, 0), elementwise."""
    return call(ops.relu, convert_to_tensor(features))


def leaky_relu(features, alpha=0.2, name=None):
    """x where x > 0, else alpha · x."""
    return call(activations.leaky_relu, convert_to_tensor(features), alpha)


def elu(features, name=None):
    """x where x > 0, else e^x - 1."""
    return call(activations.elu, convert_to_tensor(features))


def selu(features, name=None):
    return call(activations.selu, convert_to_tensor(features))


def gelu(features, approximate=False, name=None):
    """x · Φ(x) (Φ the standard normal CDF); ``approximate`` uses the tanh formula."""
    return call(activations.gelu, convert_to_tensor(features), approximate)


def softmax(logits, axis=-1, name=None):
    """exp(x) / sum(exp(x)) along ``axis``."""
    return call(ops.softmax, convert_to_tensor(logits), axis=axis)


def log_softmax(logits, axis=-1, name=None):
    """log(softmax(x)) along ``axis``, computed stably."""
    return call(ops.log_softmax, convert_to_tensor(logits), axis=axis)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels · log_softmax(logits)) per example (the softmax cross-entropy of a classifier's logits), as Keras's fused loss."""
    if axis != -1:
        raise ValueError("softmax_cross_entropy_with_logits: only axis=-1 (the class axis last) is supported")
    return call(losses.CategoricalCrossentropy().from_logits_per_sample,
                convert_to_tensor(labels), convert_to_tensor(logits))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """softplus(z) - y·z elementwise: binary cross-entropy of logits, stable for large |z|."""
    return call(lambda y, z: ops.softplus(z) - y * z, convert_to_tensor(labels), convert_to_tensor(logits))
