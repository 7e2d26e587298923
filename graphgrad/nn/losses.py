"""Losses as graph builders (per-sample loss nodes), with Keras' names and formulas.

Softmax + (sparse) categorical cross-entropy and sigmoid + binary
cross-entropy are fused: when the last layer's activation pairs with the
loss, the loss is built on the logits (``-sum(y * log_softmax(z))``,
``softplus(z) - y*z``), which is exact and never takes the log of 0. Unfused
probabilities are clipped to [1e-7, 1 - 1e-7] as Keras does.
"""
import numpy as np

from .. import ops
from ..backends.numpy_backend import run
from ..graph import Graph, Node, shapes
from .errors import LabelError, ShapeError, lookup

EPSILON = 1e-7


def _clip(p, low, high):
    return ops.minimum(ops.maximum(p, low), high)


def _is_integral(y):
    return y.dtype.kind in "iub" or bool(np.all(np.mod(y, 1) == 0))


class Loss:
    """A loss: per-sample values from (labels, predictions), the mean over the batch is the training loss."""

    name = "loss"
    fuses_with = ()        # last-layer activations whose logits this loss can use directly

    def __init__(self, from_logits=False):
        self.from_logits = from_logits

    def per_sample(self, y_true, y_pred):
        raise NotImplementedError

    def from_logits_per_sample(self, y_true, logits):
        raise NotImplementedError

    def label_shape(self, output_shape):
        """Shape of one sample's label for a model output of ``output_shape`` (no batch axis)."""
        return tuple(output_shape)

    def prepare_labels(self, y, output_shape):
        """``y`` as a float array of shape (n, *label_shape), or a LabelError/ShapeError saying what to use."""
        y = np.asarray(y)
        want = self.label_shape(output_shape)
        if y.ndim == 1 and want == (1,):
            y = y.reshape(-1, 1)
        if y.shape[1:] != want:
            raise ShapeError(f"labels of shape {shapes.fmt(y.shape)} do not match the model's output "
                             f"{shapes.fmt((None,) + tuple(output_shape))} for loss '{self.name}': each label "
                             f"should have shape {shapes.fmt(want)}")
        return y

    def __call__(self, y_true, y_pred):
        """Mean loss over the batch (a scalar node)."""
        return ops.mean(self.per_sample(y_true, y_pred))

    def __repr__(self):
        return f"{type(self).__name__}()"


def squared_error(y_true, y_pred):
    """(y_true - y_pred)² elementwise: what mean squared error averages (PyTorch's ``mse_loss`` reduces it)."""
    d = y_true - y_pred
    return d * d


class MeanSquaredError(Loss):
    name = "mean_squared_error"

    def per_sample(self, y_true, y_pred):
        return ops.mean(squared_error(y_true, y_pred), axis=-1)


class MeanAbsoluteError(Loss):
    name = "mean_absolute_error"

    def per_sample(self, y_true, y_pred):
        return ops.mean(ops.abs(y_true - y_pred), axis=-1)


class BinaryCrossentropy(Loss):
    """-[y ln p + (1-y) ln(1-p)], averaged over the last axis; on logits z: softplus(z) - y z."""

    name = "binary_crossentropy"
    fuses_with = ("sigmoid",)

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return self.from_logits_per_sample(y_true, y_pred)
        p = _clip(y_pred, EPSILON, 1 - EPSILON)
        return -ops.mean(y_true * ops.ln(p) + (1 - y_true) * ops.ln(1 - p), axis=-1)

    def from_logits_per_sample(self, y_true, logits):
        return ops.mean(ops.softplus(logits) - y_true * logits, axis=-1)

    def prepare_labels(self, y, output_shape):
        y = np.asarray(y)
        if y.size and (np.nanmin(y) < 0 or np.nanmax(y) > 1):
            hint = ""
            if _is_integral(y):
                k = int(np.nanmax(y)) + 1
                hint = (f"; for integer class labels 0..{k - 1} use loss='sparse_categorical_crossentropy' "
                        f"with a softmax output of {k} units")
            raise LabelError(f"binary_crossentropy needs labels in [0, 1], got values from "
                             f"{np.nanmin(y):g} to {np.nanmax(y):g}{hint}")
        return super().prepare_labels(y, output_shape)


class CategoricalCrossentropy(Loss):
    """-sum(y ln p) over classes with one-hot (or probability) labels; on logits: -sum(y log_softmax z)."""

    name = "categorical_crossentropy"
    fuses_with = ("softmax",)

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return self.from_logits_per_sample(y_true, y_pred)
        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        return -ops.sum(y_true * ops.ln(_clip(p, EPSILON, 1 - EPSILON)), axis=-1)

    def from_logits_per_sample(self, y_true, logits):
        return -ops.sum(y_true * ops.log_softmax(logits, axis=-1), axis=-1)

    def prepare_labels(self, y, output_shape):
        y = np.asarray(y)
        k = output_shape[-1]
        if (y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1 and k > 1)) and _is_integral(y):
            raise LabelError(f"categorical_crossentropy needs one-hot labels of shape (n, {k}), got integer "
                             f"class labels of shape {shapes.fmt(y.shape)}; use "
                             f"loss='sparse_categorical_crossentropy', or one-hot encode them with "
                             f"graphgrad.datasets.to_categorical(y, {k})")
        return super().prepare_labels(y, output_shape)


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer class labels (one-hot encoded inside the graph)."""

    name = "sparse_categorical_crossentropy"

    def label_shape(self, output_shape):
        return ()

    def _one_hot(self, y_true, k):
        return ops.equal_indicator(ops.reshape(y_true, y_true.shape + (1,)), ops.const(np.arange(k, dtype=y_true.dtype)))

    def per_sample(self, y_true, y_pred):
        if self.from_logits:
            return self.from_logits_per_sample(y_true, y_pred)
        return super().per_sample(self._one_hot(y_true, y_pred.shape[-1]), y_pred)

    def from_logits_per_sample(self, y_true, logits):
        return super().from_logits_per_sample(self._one_hot(y_true, logits.shape[-1]), logits)

    def prepare_labels(self, y, output_shape):
        y = np.asarray(y)
        k = output_shape[-1]
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim == 2 and y.shape[1] == k and k > 1:
            raise LabelError(f"sparse_categorical_crossentropy needs integer class labels of shape (n,), got "
                             f"one-hot labels of shape {shapes.fmt(y.shape)}; use "
                             f"loss='categorical_crossentropy' for one-hot labels")
        if y.ndim != 1:
            raise ShapeError(f"sparse_categorical_crossentropy needs integer class labels of shape (n,), "
                             f"got shape {shapes.fmt(y.shape)}")
        if not _is_integral(y) or (y.size and (y.min() < 0 or y.max() >= k)):
            raise LabelError(f"sparse_categorical_crossentropy needs whole-number labels in 0..{k - 1} "
                             f"(the model has {k} outputs), got values from {y.min():g} to {y.max():g}")
        return y


class KLDivergence(Loss):
    """sum(y ln(y/p)) over the last axis, with both clipped to [1e-7, 1] as in Keras."""

    name = "kl_divergence"

    def per_sample(self, y_true, y_pred):
        y = _clip(y_true, EPSILON, 1.0)
        p = _clip(y_pred, EPSILON, 1.0)
        return ops.sum(y * ops.ln(y / p), axis=-1)


class CosineSimilarity(Loss):
    """-cos(angle between y and p) along the last axis (Keras' sign: -1 is best)."""

    name = "cosine_similarity"

    def per_sample(self, y_true, y_pred):
        def unit(v):
            return v / ops.sqrt(ops.maximum(ops.sum(v * v, axis=-1, keepdims=True), 1e-12))
        return -ops.sum(unit(y_true) * unit(y_pred), axis=-1)


class LossFunction(Loss):
    """A loss of the user's own, ``function(y_true, y_pred)`` on graph nodes (graphgrad's ops, or a spelling's:
    ``tf.square``, ``tf.reduce_mean``), as Keras's ``compile(loss=function)`` takes it: one value per sample
    (the mean of any further axes), averaged over each batch's real rows. A function that reduces over the
    batch itself, or mixes its rows, is refused: ``fit`` pads a last, partial batch, whose padding only values
    computed row by row leave out."""

    def __init__(self, function):
        super().__init__()
        self.function, self.name = function, getattr(function, "__name__", type(function).__name__)

    def per_sample(self, y_true, y_pred):
        values = self.function(y_true, y_pred)
        if not isinstance(values, Node):
            raise ShapeError(f"the loss function '{self.name}' returned {type(values).__name__}, not a value "
                             "computed from y_true and y_pred")
        wider = [ops.input(f"{n.name or 'y'}_wider", (n.shape[0] + 1,) + n.shape[1:], n.dtype)
                 for n in (y_true, y_pred)]
        per_row = self.function(*wider)   # one more row must give one more value, and change no other
        if values.shape[:1] != y_pred.shape[:1] or getattr(per_row, "shape", ())[:1] != (y_pred.shape[0] + 1,):
            raise ShapeError(f"the loss function '{self.name}' returned shape {shapes.fmt(values.shape)} for a "
                             f"batch of {y_pred.shape[0]}, not one value per sample: return one (e.g. "
                             "tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)), which fit averages")
        if _mixes_rows(per_row, wider):
            raise ShapeError(f"the loss function '{self.name}' gives a sample a value that depends on the other "
                             "samples of its batch, which fit cannot average over a padded last batch; "
                             "compute each sample's value from its own row")
        return ops.mean(values, axis=tuple(range(1, values.ndim))) if values.ndim > 1 else values


def _mixes_rows(values, inputs):
    """Whether a row of ``values`` depends on another row of ``inputs``: computed from random rows, and again with
    the last row changed, the others differ."""
    rng = np.random.default_rng(0)
    arrays = {n.id: rng.random(n.shape).astype(n.dtype) for n in inputs}
    graph = Graph([values], inputs)
    before = run(graph, arrays, check=False)[values.id]
    arrays = {k: np.concatenate([a[:-1], a[-1:] + 1]) for k, a in arrays.items()}
    after = run(graph, arrays, check=False)[values.id]
    return not np.array_equal(before[:-1], after[:-1], equal_nan=True)


LOSSES = {
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy, "cce": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "kl_divergence": KLDivergence, "kld": KLDivergence, "kullback_leibler_divergence": KLDivergence,
    "cosine_similarity": CosineSimilarity,
}


def get(spec):
    """A Loss from a name (Keras' names and short aliases), a Loss object or class, or a function of the
    user's own (``LossFunction``)."""
    if isinstance(spec, Loss):
        return spec
    if isinstance(spec, type) and issubclass(spec, Loss):
        return spec()
    if callable(spec) and not isinstance(spec, type):
        return LossFunction(spec)
    return lookup("loss", "losses", spec, LOSSES)()
