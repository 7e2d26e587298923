"""``keras.metrics``: graphgrad.nn's metrics by Keras's class names, with Keras's ``update_state``,
``result`` and ``reset_state``."""
import numpy as np

from ..nn import metrics as nn_metrics
from .classes import keras_class


class KerasMetric:
    """Keras's names for an nn metric's methods; values are plain floats."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.update(np.asarray(y_true), np.asarray(y_pred))

    def reset_state(self):
        self.reset()

    reset_states = reset_state


def _mean_metric(class_name, fn, default_name):
    def __init__(self, name=default_name, **kwargs):
        nn_metrics.MeanMetric.__init__(self, lambda y, p: fn(y, p, **kwargs), name)
    return type(class_name, (KerasMetric, nn_metrics.MeanMetric),
                {"__init__": __init__, "__module__": __name__,
                 "__doc__": f"The mean {default_name.replace('_', ' ')} over all samples seen."})


BinaryAccuracy = _mean_metric("BinaryAccuracy", nn_metrics.binary_accuracy, "binary_accuracy")
CategoricalAccuracy = _mean_metric("CategoricalAccuracy", nn_metrics.categorical_accuracy, "categorical_accuracy")
SparseCategoricalAccuracy = _mean_metric("SparseCategoricalAccuracy", nn_metrics.sparse_categorical_accuracy,
                                         "sparse_categorical_accuracy")
MeanSquaredError = _mean_metric("MeanSquaredError", nn_metrics.mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _mean_metric("MeanAbsoluteError", nn_metrics.mean_absolute_error, "mean_absolute_error")
Precision, Recall, AUC = (keras_class(KerasMetric, c)
                          for c in (nn_metrics.Precision, nn_metrics.Recall, nn_metrics.AUC))
Metric = nn_metrics.Metric

binary_accuracy = nn_metrics.binary_accuracy
categorical_accuracy = nn_metrics.categorical_accuracy
sparse_categorical_accuracy = nn_metrics.sparse_categorical_accuracy
