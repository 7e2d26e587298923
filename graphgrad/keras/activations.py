"""``keras.activations``: the activations layers accept by name, as functions on tensors."""
from .. import ops
from ..eager import lift
from ..nn.activations import get  # noqa: F401

relu = lift(ops.relu)
sigmoid = lift(ops.sigmoid)
tanh = lift(ops.tanh)
softplus = lift(ops.softplus)
softmax = lift(ops.softmax)
