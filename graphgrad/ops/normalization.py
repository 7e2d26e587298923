"""Batch normalisation, composed of existing primitives (so its derivatives, SymPy form and compiled code
are theirs): y = γ·(x − μ)/√(σ² + ε) + β per channel.

In training μ and σ² are the batch's ``moments``; in inference they are the
moving averages a layer keeps. Either way they are operands here.
"""
from ..graph import shapes
from ..graph.primitive import as_node
from .elementwise import sqrt
from .reductions import mean as average, sum as total
from .shaping import reshape


def _other_axes(ndim, axis):
    channel = shapes.normalize_axis(axis, ndim, " in batch_norm")[0]
    return tuple(a for a in range(ndim) if a != channel), channel


def moments(x, axis=-1, rows=None):
    """(mean, biased variance) of ``x`` over every axis but the channel ``axis``, each of the channel's size.

    ``rows``, a 0/1 vector along the first axis, counts only the rows marked 1 (a padded batch's real rows).
    """
    x = as_node(x)
    others, _ = _other_axes(x.ndim, axis)
    if rows is None:
        mu = average(x, others, keepdims=True)
        centred = x - mu
        return reshape(mu, (-1,)), reshape(average(centred * centred, others), (-1,))
    weight = reshape(rows, rows.shape + (1,) * (x.ndim - 1))
    count = total(rows) * (x.size // x.shape[0] // x.shape[_other_axes(x.ndim, axis)[1]])
    mu = total(x * weight, others, keepdims=True) / count
    centred = x - mu
    return reshape(mu, (-1,)), reshape(total(centred * centred * weight, others) / count, (-1,))


def _along(v, shape):
    """A per-channel vector shaped to broadcast along the channel axis (a scalar broadcasts as it is)."""
    return reshape(v, shape) if v.ndim else v


def batch_norm(x, gamma, beta, mean, variance, axis=-1, epsilon=1e-3):
    """γ·(x − mean)/√(variance + ε) + β, the per-channel vectors (or scalars) broadcast along the channel
    ``axis``."""
    x = as_node(x)
    _, channel = _other_axes(x.ndim, axis)
    along = tuple(x.shape[a] if a == channel else 1 for a in range(x.ndim))
    gamma, beta, mean, variance = (_along(as_node(v), along) for v in (gamma, beta, mean, variance))
    return (x - mean) * (gamma / sqrt(variance + epsilon)) + beta
