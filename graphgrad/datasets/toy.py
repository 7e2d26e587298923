"""Toy 2D classification sets as on playground.tensorflow.org: moons, circles, XOR, spirals, blobs.

Each returns ``(x, y)``: points of shape (n, 2) (float64) and integer labels (n,).
Bad arguments (``n=-5``, a negative noise level) raise InputValueError naming the argument.
"""
import numpy as np

from ..errors import InputValueError
from .checks import real_number, whole_number


def moons(n=200, noise=0.1, seed=None):
    """Two interleaving half circles (sklearn's make_moons)."""
    n, noise = _count(n, "moons"), _noise(noise, "moons")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    return _shuffled(x + rng.normal(0, noise, x.shape), y, rng)


def circles(n=200, noise=0.05, factor=0.5, seed=None):
    """A small circle (label 1) inside a large one (label 0)."""
    n, noise = _count(n, "circles"), _noise(noise, "circles")
    factor = real_number(factor, "circles: factor (inner radius / outer radius)", 0, 1, low_open=True, high_open=True)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    return _shuffled(x + rng.normal(0, noise, x.shape), y, rng)


def xor(n=200, noise=0.0, seed=None):
    """Uniform points in [-1, 1]²; label 1 where the coordinates have the same sign."""
    n, noise = _count(n, "xor"), _noise(noise, "xor")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    return x + rng.normal(0, noise, x.shape), y


def spirals(n=200, noise=0.0, turns=1.5, classes=2, seed=None):
    """``classes`` interleaved spiral arms starting at the origin."""
    n, noise = _count(n, "spirals"), _noise(noise, "spirals")
    turns = real_number(turns, "spirals: turns", 0, low_open=True)
    classes = whole_number(classes, "spirals: classes")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    r = 0.05 + 0.95 * (np.arange(n) // classes) / max(-(-n // classes) - 1, 1)
    angle = 2 * np.pi * turns * r + 2 * np.pi * y / classes
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], 1)
    return _shuffled(x + rng.normal(0, noise, x.shape), y, rng)


def blobs(n=200, centers=2, std=0.5, seed=None):
    """Gaussian clusters around ``centers`` (a number of random centres in [-2, 2]², or an array of them)."""
    n, std = _count(n, "blobs"), real_number(std, "blobs: std", 0)
    rng = np.random.default_rng(seed)
    if np.ndim(centers) == 0:
        centers = rng.uniform(-2, 2, (whole_number(centers, "blobs: centers (a count)"), 2))
    else:
        centers = np.asarray(centers, float)
        if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) == 0 or not np.all(np.isfinite(centers)):
            raise InputValueError(f"blobs: centers must be a count or an array of finite 2D points of shape "
                                  f"(k, 2), got an array of shape {centers.shape}")
    y = np.arange(n) % len(centers)
    x = centers[y] + rng.normal(0, std, (n, 2))
    return _shuffled(x, y, rng)


def _shuffled(x, y, rng):
    order = rng.permutation(len(x))
    return x[order], y[order]


def _count(n, maker):
    return whole_number(n, f"{maker}: n (the number of points)")


def _noise(noise, maker):
    return real_number(noise, f"{maker}: noise (the standard deviation)", 0)
