"""Metrics as Keras computes them during ``fit``: running sums over the epoch's batches, built as graph nodes.

A metric declares ``statistics(y, p, mask)``: graph nodes, each a sum over the
batch's real rows (``mask`` is 1 for a real row, 0 for padding), computed from
the labels and the predictions the training step already has. ``fit`` adds
them up inside the step (compiled or interpreted) and ``result(sums, rows)``
turns the epoch's totals into the reported number, so History shows running
means over the epoch, as Keras' metric objects do, and both backends report
the same numbers. ``update``/``result``/``reset`` give the same metric on
plain arrays (run on the interpreter).
"""
import numpy as np

from .. import ops
from ..backends.numpy_backend import run
from ..graph import Graph
from .errors import lookup
from .losses import MeanAbsoluteError, MeanSquaredError

AUC_THRESHOLDS = 200     # Keras' default num_thresholds


class Metric:
    """A metric whose state is the sums of its ``statistics`` over batches (Keras' update/result/reset)."""

    name = "metric"

    def __init__(self, name=None):
        self.name = name or self.name
        self.reset()

    def statistics(self, y, p, mask):
        """Graph nodes, each summed over the batch's real rows (``mask`` 1 for a real row, 0 for padding)."""
        raise NotImplementedError

    def value(self, sums, rows):
        """The metric from the summed statistics of ``rows`` samples."""
        raise NotImplementedError

    def values(self, sums, rows):
        """``value`` for each of several epochs of ``rows`` samples: ``sums`` hold one row per epoch."""
        return [self.value([s[k] for s in sums], rows) for k in range(len(sums[0]))]

    def reset(self):
        self.sums, self.rows = None, 0

    def update(self, y_true, y_pred):
        """Add a batch of labels and predictions (arrays; evaluated on the interpreter)."""
        y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
        y = ops.input("y", y_true.shape, np.float64)
        p = ops.input("p", y_pred.shape, np.float64)
        mask = ops.input("mask", y_pred.shape[:1], np.float64)
        graph = Graph(self.statistics(y, p, mask), [y, p, mask])
        env = run(graph, {y.id: y_true, p.id: y_pred, mask.id: np.ones(len(y_pred))}, check=False)
        batch = [np.asarray(env[o.id], np.float64) for o in graph.outputs]
        self.sums = batch if self.sums is None else [a + b for a, b in zip(self.sums, batch)]
        self.rows += len(y_pred)

    def result(self):
        return self.value(self.sums, self.rows) if self.rows else 0.0

    def __call__(self, y_true, y_pred):
        """The metric of one set of predictions (resets the state first)."""
        self.reset()
        self.update(y_true, y_pred)
        return self.result()


def masked_sum(per_sample, mask):
    """Sum over the batch's real rows of a per-sample node of shape (batch,)."""
    return ops.sum(per_sample * mask)


class MeanMetric(Metric):
    """Mean over samples of a per-sample function (a graph builder ``fn(y, p)`` -> shape (batch,))."""

    def __init__(self, fn, name):
        self.fn = fn
        super().__init__(name)

    def statistics(self, y, p, mask):
        return [masked_sum(self.fn(y, p), mask)]

    def value(self, sums, rows):
        return float(sums[0]) / rows

    def values(self, sums, rows):
        return sums[0] / rows


def _as_columns(y, p):
    """Labels in the predictions' shape when they hold as many numbers (a column of 0/1 labels as (n,))."""
    return (ops.reshape(y, p.shape) if y.shape != p.shape and y.size == p.size else y), p


def _above(v, threshold=0.5):
    return ops.heaviside(v - threshold)


def _is_max(v):
    """1 where ``v`` holds its row's largest value."""
    return ops.equal_indicator(v, ops.max(v, axis=-1, keepdims=True))


def _one_hot(labels, k):
    return ops.equal_indicator(ops.reshape(labels, labels.shape + (1,)), ops.const(np.arange(k, dtype=labels.dtype)))


def binary_accuracy(y, p, threshold=0.5):
    y, p = _as_columns(y, p)
    return ops.mean(ops.equal_indicator(_above(p, threshold), _above(y)), axis=-1)


def categorical_accuracy(y, p):
    """1 when the largest prediction is at the largest label (one-hot labels: the true class)."""
    return ops.max(_is_max(y) * _is_max(p), axis=-1)


def sparse_categorical_accuracy(y, p):
    return ops.max(_one_hot(y, p.shape[-1]) * _is_max(p), axis=-1)


def mean_squared_error(y, p):
    """The loss' own per-sample formula, so ``loss='mse', metrics=['mse']`` report the same numbers."""
    return MeanSquaredError().per_sample(*_as_columns(y, p))


def mean_absolute_error(y, p):
    return MeanAbsoluteError().per_sample(*_as_columns(y, p))


def _counts(y, p, mask, threshold=0.5):
    """(truth, guess, mask) as 0/1 nodes broadcast to the predictions' shape (binary tasks, every output)."""
    y, p = _as_columns(y, p)
    rows = ops.reshape(mask, mask.shape + (1,) * (p.ndim - 1))
    return _above(y), _above(p, threshold), rows


class Precision(Metric):
    """tp / (tp + fp) at threshold 0.5, over all outputs."""

    name = "precision"

    def statistics(self, y, p, mask):
        truth, guess, rows = _counts(y, p, mask)
        return [ops.sum(truth * guess * rows), ops.sum((1 - truth) * guess * rows)]

    def value(self, sums, rows):
        tp, fp = float(sums[0]), float(sums[1])
        return tp / (tp + fp) if tp + fp else 0.0


class Recall(Metric):
    """tp / (tp + fn) at threshold 0.5, over all outputs."""

    name = "recall"

    def statistics(self, y, p, mask):
        truth, guess, rows = _counts(y, p, mask)
        return [ops.sum(truth * guess * rows), ops.sum(truth * (1 - guess) * rows)]

    def value(self, sums, rows):
        tp, fn = float(sums[0]), float(sums[1])
        return tp / (tp + fn) if tp + fn else 0.0


def auc_thresholds(count=AUC_THRESHOLDS):
    """Keras' thresholds: just below 0, (i + 1) / (count - 1) for i < count - 2, just above 1."""
    inner = [(i + 1) / (count - 1) for i in range(count - 2)]
    return np.array([-1e-7, *inner, 1 + 1e-7])


class AUC(Metric):
    """Area under the ROC curve as Keras estimates it: true and false positive counts at 200 thresholds
    (scores above each), joined by the trapezoidal rule."""

    name = "auc"

    def statistics(self, y, p, mask):
        y, p = _as_columns(y, p)
        thresholds = ops.const(auc_thresholds().astype(p.dtype))
        truth = ops.reshape(_above(y), p.shape + (1,))
        rows = ops.reshape(mask, mask.shape + (1,) * p.ndim)
        guess = ops.heaviside(ops.reshape(p, p.shape + (1,)) - thresholds)
        axes = tuple(range(p.ndim))
        positives = truth * rows
        negatives = (1 - truth) * rows
        return [ops.sum(positives * guess, axis=axes), ops.sum(negatives * guess, axis=axes),
                ops.sum(positives), ops.sum(negatives)]

    def value(self, sums, rows):
        tp, fp, pos, neg = (np.asarray(s, np.float64) for s in sums)
        if not pos or not neg:
            return 0.0
        tpr, fpr = tp / pos, fp / neg
        return float(np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2))


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
