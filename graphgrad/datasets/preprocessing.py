"""Preparing arrays for training: one-hot labels and standardisation (x - mean) / std."""
import numpy as np

from .checks import LabelError


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows for integer labels 0..num_classes-1 (Keras' ``to_categorical``)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.size and (np.any(np.mod(y, 1) != 0) or y.min() < 0):
        raise LabelError("to_categorical needs whole-number labels >= 0, got values from "
                         f"{y.min():g} to {y.max():g}")
    y = y.astype(np.int64)
    k = int(y.max()) + 1 if num_classes is None else int(num_classes)
    if y.size and y.max() >= k:
        raise LabelError(f"to_categorical: label {int(y.max())} does not fit num_classes={k} (labels run 0..{k - 1})")
    out = np.zeros(y.shape + (k,), dtype=dtype)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return out


class Standardizer:
    """Remembers the training set's per-feature mean and std and applies ``(x - mean) / std`` to any set."""

    def fit(self, x):
        x = np.asarray(x, dtype=np.float64)
        self.mean = x.mean(axis=0)
        std = x.std(axis=0)
        self.std = np.where(std > 0, std, 1.0)
        return self

    def transform(self, x):
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.std

    def fit_transform(self, x):
        return self.fit(x).transform(x)

    def inverse_transform(self, z):
        return np.asarray(z) * self.std + self.mean


def standardize(x):
    """``(x - mean) / std`` per feature (constant features are only centred)."""
    return Standardizer().fit_transform(x)
