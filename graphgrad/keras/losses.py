"""``keras.losses``: graphgrad.nn's losses, callable on data or tensors as Keras's are (mean over the batch).

Labels are cast to the predictions' dtype first, as Keras does, so integer
labels meet float32 outputs in float32.
"""
import numpy as np

from .. import eager
from ..graph import Node
from ..nn import losses as nn_losses
from ..nn.errors import lookup
from ..tensorflow.tensor import Tensor, convert_to_tensor
from .classes import keras_class


def _operands(y_true, y_pred):
    pred = convert_to_tensor(y_pred)
    if isinstance(y_true, eager.Tensor) and y_true.node.dtype == pred.node.dtype:
        return y_true, pred
    return Tensor.leaf(np.asarray(y_true, dtype=pred.node.dtype)), pred


class KerasLoss:
    """What Keras adds to an nn loss: calling it on arrays or tensors gives the batch's mean loss, now."""

    def __call__(self, y_true, y_pred, sample_weight=None):
        if sample_weight is not None:
            raise TypeError("sample_weight is not supported")
        if isinstance(y_pred, Node):
            return super().__call__(y_true, y_pred)
        return eager.call(super().__call__, *_operands(y_true, y_pred))


def keras_loss(nn_class):
    """The Keras loss of an nn loss class (same arguments)."""
    return keras_class(KerasLoss, nn_class)


_KERAS = tuple(keras_loss(c) for c in (nn_losses.MeanSquaredError, nn_losses.MeanAbsoluteError,
                                        nn_losses.BinaryCrossentropy, nn_losses.CategoricalCrossentropy,
                                        nn_losses.SparseCategoricalCrossentropy, nn_losses.KLDivergence,
                                        nn_losses.CosineSimilarity))
(MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
 KLDivergence, CosineSimilarity) = _KERAS
Loss = KerasLoss

_OF_NN = {cls.__bases__[1]: cls for cls in _KERAS}
LOSSES = {name: _OF_NN[cls] for name, cls in nn_losses.LOSSES.items()}


def _per_sample(cls):
    def loss(y_true, y_pred, from_logits=False):
        instance = cls(from_logits=from_logits)
        return eager.call(instance.per_sample, *_operands(y_true, y_pred))
    loss.__name__ = cls.name
    loss.__doc__ = f"The {cls.name.replace('_', ' ')} of each sample (not averaged), as Keras's function."
    return loss


mean_squared_error = mse = MSE = _per_sample(MeanSquaredError)
mean_absolute_error = mae = _per_sample(MeanAbsoluteError)
binary_crossentropy = _per_sample(BinaryCrossentropy)
categorical_crossentropy = _per_sample(CategoricalCrossentropy)
sparse_categorical_crossentropy = _per_sample(SparseCategoricalCrossentropy)


# Keras's loss functions -> their classes: compile(loss=keras.losses.mean_squared_error) is the class's mean
_OF_FUNCTION = {function: cls for cls, function in (
    (MeanSquaredError, mean_squared_error), (MeanAbsoluteError, mean_absolute_error),
    (BinaryCrossentropy, binary_crossentropy), (CategoricalCrossentropy, categorical_crossentropy),
    (SparseCategoricalCrossentropy, sparse_categorical_crossentropy))}


def get(spec):
    """A loss from a name (Keras' names and aliases), a class, an object, one of Keras's loss functions (as its
    class) or a function of the user's own (``nn.losses.LossFunction``)."""
    if callable(spec) and spec in _OF_FUNCTION:
        return _OF_FUNCTION[spec]()
    if isinstance(spec, str):
        return lookup("loss", "losses", spec, LOSSES)()
    return nn_losses.get(spec)
