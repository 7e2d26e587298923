"""Run a graphgrad function on arrays as NumPy's function would be run, and compare the two results."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad as gg
from graphgrad import ops

DTYPES = [np.float32, np.float64]


def evaluate(f, *args, **params):
    """``f(*args, **params)`` with each array argument an input node of its shape and dtype (Python numbers
    stay Python numbers, so weak typing is exercised); returns the value and the output node."""
    nodes, values = [], {}
    for k, a in enumerate(args):
        if isinstance(a, (int, float)):
            nodes.append(a)
            continue
        a = np.asarray(a)
        node = ops.input(f"x{k}", a.shape, a.dtype)
        nodes.append(node)
        values[node.name] = a
    out = f(*nodes, **params)
    inputs = [n for n in nodes if isinstance(n, gg.Node)]
    return gg.Graph([out], inputs)(**values), out


def assert_like_numpy(f, reference, *args, rtol=None, **params):
    """graphgrad's ``f`` and NumPy's ``reference`` agree on ``args``: same shape, same dtype, same values."""
    got, node = evaluate(f, *args, **params)
    with np.errstate(all="ignore"):
        want = np.asarray(reference(*args, **params))
    assert node.dtype == want.dtype, (node.dtype, want.dtype)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    tol = rtol if rtol is not None else (2e-6 if want.dtype == np.float32 else 1e-12)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True)


def shapes(min_dims=0, max_dims=3, min_side=0):
    """Small shapes, including 0-d, empty and size-1 axes."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=3)


def broadcastable(n):
    """``n`` shapes that broadcast together."""
    return hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=3, min_side=0, max_side=3).map(
        lambda s: s.input_shapes)


def values(shape, dtype, seed, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


seeds = st.integers(0, 2**32 - 1)
