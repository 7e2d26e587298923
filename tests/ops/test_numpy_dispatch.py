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
         lambda x: x % 1.0, lambda x: np.abs(x), lambda x: np.square(x).astype(np.float32)]


@pytest.mark.parametrize("f", CALLS, ids=range(len(CALLS)))
def test_numpy_calls_on_a_node_build_the_graph_numpy_would_compute(f):
    x = ops.input("x", V.shape)
    out = f(x)
    assert isinstance(out, gg.Node)
    value = gg.Graph([out], [x])(x=V)
    want = np.asarray(f(V))
    assert value.dtype == want.dtype
    np.testing.assert_allclose(value, want, rtol=1e-12)


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


def test_len_shape_ndim_and_transpose():
    x = ops.input("x", (4, 2))
    assert (len(x), x.shape, x.ndim, x.T.shape) == (4, (4, 2), 2, (2, 4))
    with pytest.raises(TypeError, match="0-d"):
        len(ops.input("s"))
