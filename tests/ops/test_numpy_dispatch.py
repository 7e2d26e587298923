"""NumPy's own functions on nodes build graph nodes through the one NUMPY table."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.ops.numpy_dispatch import NUMPY

V = np.array([[0.3, -1.2, 2.0], [1.5, 0.4, -0.7]])

CALLS = [lambda x: np.sin(x), lambda x: np.exp(-x) + np.log1p(x * x), lambda x: np.sum(x, axis=1),
         lambda x: np.mean(x, axis=-1, keepdims=True), lambda x: np.max(x, 0), lambda x: np.min(x),
         lambda x: np.prod(x, axis=(0, 1)), lambda x: np.var(x, ddof=1), lambda x: np.std(x, axis=0),
         lambda x: np.cumsum(x, axis=1), lambda x: np.argmax(x, axis=1), lambda x: np.where(x > 0, x, 0.5 * x),
         lambda x: np.clip(x, -1, 1), lambda x: np.round(x, 1), lambda x: np.linalg.norm(x, axis=1),
         lambda x: x @ np.ones(3), lambda x: np.ones((4, 2)) @ x, lambda x: np.maximum(x, 0.0),
         lambda x: np.arange(3.0) * x, lambda x: np.float32(2) + x, lambda x: np.arctan2(x, 1.0),
         lambda x: np.logical_and(x > 0, x < 1), lambda x: np.transpose(x), lambda x: np.reshape(x, (3, 2)),
         lambda x: x % 1.0, lambda x: np.abs(x), lambda x: np.square(x).astype(np.float32),
         lambda x: np.concatenate([x, 2 * x], axis=-1), lambda x: np.stack([x, x], axis=1),
         lambda x: np.einsum("ij,kj->ik", x, x), lambda x: np.dot(x, np.arange(3.0)), lambda x: np.outer(x, x),
         lambda x: np.flip(x, 1), lambda x: np.pad(x, 1), lambda x: np.tril(x[:, :2]), lambda x: np.take(x, [0, 5]),
         lambda x: np.trace(x), lambda x: np.moveaxis(x, 0, 1), lambda x: np.kron(x, x), lambda x: np.split(x, 3, 1)[2],
         lambda x: np.stack(list(x))]


def _builds_what_numpy_computes(f, v):
    """``f`` on an input node is a node whose value, dtype and shape are NumPy's ``f(v)``."""
    x = ops.input("x", v.shape)
    out = f(x)
    assert isinstance(out, gg.Node)
    value = gg.Graph([out], [x])(x=v)
    want = np.asarray(f(v))
    assert value.dtype == want.dtype and value.shape == want.shape
    np.testing.assert_allclose(value, want, rtol=1e-12)


@pytest.mark.parametrize("f", CALLS, ids=range(len(CALLS)))
def test_numpy_calls_on_a_node_build_the_graph_numpy_would_compute(f):
    _builds_what_numpy_computes(f, V)


def test_every_row_maps_a_numpy_callable_to_a_graphgrad_callable():
    assert all(callable(k) and callable(v) for k, v in NUMPY.items())
    assert NUMPY[np.sin] is ops.sin and NUMPY[np.sum] is ops.sum


@pytest.mark.parametrize("call, message", [
    (lambda x: np.fft.fft(x), "np.fft.fft has no graphgrad operation"),
    (lambda x: np.add.reduce(x), "np.add.reduce is not supported"),
    (lambda x: np.sum(x, dtype=np.float32), "np.sum on nodes: .*'dtype'"),
    (lambda x: np.exp(x, out=np.empty(3)), "takes only its operands"),
])
def test_what_the_table_lacks_is_named(call, message):
    with pytest.raises(gg.GraphgradError, match=message):
        call(ops.input("x", (3,)))


def test_len_iteration_shape_ndim_and_transpose():
    x = ops.input("x", (4, 2))
    assert (len(x), x.shape, x.ndim, x.T.shape) == (4, (4, 2), 2, (2, 4))
    rows = list(x)
    values = gg.Graph(rows, [x])(x=np.arange(8.0).reshape(4, 2))
    assert len(rows) == 4 and [v.tolist() for v in values] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    with pytest.raises(TypeError, match="0-d"):
        iter(ops.input("s"))
    with pytest.raises(TypeError, match="0-d"):
        len(ops.input("s"))


M = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
SHAPING = [
    lambda x: np.concatenate([x, x[:1] * 2]), lambda x: np.stack([x, x], axis=-1), lambda x: np.hstack([x, x]),
    lambda x: np.vstack([x, M]), lambda x: np.split(x, 2, axis=1)[1], lambda x: np.array_split(x, 2)[0],
    lambda x: np.squeeze(x[None]), lambda x: np.expand_dims(x, 1), lambda x: np.ravel(x), lambda x: np.repeat(x, 2),
    lambda x: np.tile(x, (2, 1)), lambda x: np.flip(x, 0), lambda x: np.roll(x, 1, axis=1),
    lambda x: np.moveaxis(x, 0, 1), lambda x: np.swapaxes(x, 0, 1), lambda x: np.pad(x, 1, constant_values=0.5),
    lambda x: np.diag(x), lambda x: np.diagonal(x, 1), lambda x: np.trace(x), lambda x: np.tril(x), lambda x: np.triu(x),
    lambda x: np.take(x, [0, 0, 2]), lambda x: np.take_along_axis(x, np.array([[0], [3], [1]]), axis=1),
    lambda x: np.einsum("ij,kj->ik", x, M), lambda x: np.tensordot(x, M, ([1], [1])), lambda x: np.dot(x, M.T),
    lambda x: np.inner(x, M), lambda x: np.outer(x, x[0]), lambda x: np.kron(x, np.eye(2)),
]


@pytest.mark.parametrize("f", SHAPING)
def test_numpy_s_indexing_shaping_and_products_build_nodes(f):
    _builds_what_numpy_computes(f, M)


def test_a_node_iterates_over_its_first_axis():
    x = ops.input("x", M.shape)
    rows = list(x)
    assert len(rows) == 3 and all(r.shape == (4,) for r in rows)
    np.testing.assert_array_equal(gg.Graph([rows[2]], [x])(x=M), M[2])
