"""Metrics: accumulated in NumPy over the batches of an epoch (they are reported, never differentiated)."""
import numpy as np
from scipy.stats import rankdata

from .errors import lookup


class Metric:
    """Stateful like Keras' metrics: ``reset()``, ``update(y_true, y_pred)`` per batch, ``result()``."""

    name = "metric"

    def __init__(self, name=None):
        self.name = name or self.name
        self.reset()

    def reset(self):
        raise NotImplementedError

    def update(self, y_true, y_pred):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, y_true, y_pred):
        """The metric of one set of predictions (resets the state first)."""
        self.reset()
        self.update(y_true, y_pred)
        return self.result()


class MeanMetric(Metric):
    """Mean over samples of a per-sample function."""

    def __init__(self, fn, name):
        self.fn = fn
        super().__init__(name)

    def reset(self):
        self.total, self.count = 0.0, 0

    def update(self, y_true, y_pred):
        values = self.fn(np.asarray(y_true), np.asarray(y_pred))
        self.total += float(np.sum(values, dtype=np.float64))
        self.count += values.size

    def result(self):
        return self.total / self.count if self.count else 0.0


def _as_columns(y, p):
    return (y.reshape(p.shape) if y.size == p.size else y), p


def binary_accuracy(y, p, threshold=0.5):
    y, p = _as_columns(y, p)
    return np.mean((p > threshold) == (y > threshold), axis=-1)


def categorical_accuracy(y, p):
    return (np.argmax(y, axis=-1) == np.argmax(p, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y, p):
    return (y.reshape(-1).astype(np.int64) == np.argmax(p, axis=-1)).astype(np.float64)


def mean_squared_error(y, p):
    y, p = _as_columns(y, p)
    return np.mean((y - p) ** 2, axis=-1)


def mean_absolute_error(y, p):
    y, p = _as_columns(y, p)
    return np.mean(np.abs(y - p), axis=-1)


class _Counts(Metric):
    """True/false positives and negatives at a threshold, over all outputs (binary tasks)."""

    threshold = 0.5

    def reset(self):
        self.tp = self.fp = self.fn = 0

    def update(self, y_true, y_pred):
        y, p = _as_columns(np.asarray(y_true), np.asarray(y_pred))
        truth, guess = y > 0.5, p > self.threshold
        self.tp += int(np.sum(truth & guess))
        self.fp += int(np.sum(~truth & guess))
        self.fn += int(np.sum(truth & ~guess))


class Precision(_Counts):
    """tp / (tp + fp) at threshold 0.5."""

    name = "precision"

    def result(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0


class Recall(_Counts):
    """tp / (tp + fn) at threshold 0.5."""

    name = "recall"

    def result(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


class AUC(Metric):
    """Exact area under the ROC curve (Mann-Whitney U over all scores seen), not Keras' 200-threshold estimate."""

    name = "auc"

    def reset(self):
        self.truth, self.scores = [], []

    def update(self, y_true, y_pred):
        y, p = _as_columns(np.asarray(y_true), np.asarray(y_pred))
        self.truth.append((y > 0.5).ravel())
        self.scores.append(p.ravel())

    def result(self):
        if not self.truth:
            return 0.0
        truth, scores = np.concatenate(self.truth), np.concatenate(self.scores)
        pos, neg = int(truth.sum()), int((~truth).sum())
        if not pos or not neg:
            return 0.0
        ranks = rankdata(scores)
        return float((ranks[truth].sum() - pos * (pos + 1) / 2) / (pos * neg))


MEAN_METRICS = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
}
OTHER_METRICS = {"precision": Precision, "recall": Recall, "auc": AUC}


def _accuracy_for(loss, output_shape):
    """Keras' choice for 'accuracy': by the loss, else by the output width."""
    name = getattr(loss, "name", "")
    if name == "sparse_categorical_crossentropy":
        return sparse_categorical_accuracy
    if name == "binary_crossentropy" or output_shape[-1] == 1:
        return binary_accuracy
    return categorical_accuracy


def get(spec, loss, output_shape):
    """A fresh Metric from a name ('accuracy', 'mse', 'auc', ...) or a Metric object."""
    if isinstance(spec, Metric):
        return spec
    key = str(spec).lower()
    if key in ("accuracy", "acc"):
        return MeanMetric(_accuracy_for(loss, output_shape), str(spec))
    table = {**{k: (lambda f=f, k=k: MeanMetric(f, k)) for k, f in MEAN_METRICS.items()}, **OTHER_METRICS}
    metric = lookup("metric", "metrics", key, {**table, "accuracy": None})()
    metric.name = str(spec)
    return metric
