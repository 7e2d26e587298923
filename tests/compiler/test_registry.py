"""Every registered primitive compiles (no interpreter fallback) and gives the interpreter's values, in float64
and float32: the elementwise ones found by walking ``ops.REGISTRY``, the others from one example each.

Many primitives share a graph (two graphs, four Numba compiles); the elementwise results are summed in one loop,
which compiles faster than one loop each. A primitive registered without an example here fails the coverage
test; one without a lowering fails the comparison (it is not compiled)."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.compiler import CompiledGraph, compile
from graphgrad.ops.scans import cumsum_p

LEAVES = {"input", "const"}
WITH_PARAMS = {"round": lambda m, u: ops.round(m, 1),
               "where": lambda m, u: ops.where(m > 0, m, u),
               "clip": lambda m, u: ops.clip(m, -1, 1.5)}


def _values(dtype):
    """m anywhere in (-2, 2), u in (0.1, 0.9) (inside every domain: ln, arcsin, division...), v a vector."""
    rng = np.random.default_rng(7)
    return {"m": rng.uniform(-2, 2, (3, 4)).astype(dtype), "u": rng.uniform(0.1, 0.9, (3, 4)).astype(dtype),
            "v": rng.uniform(-2, 2, (4,)).astype(dtype)}


def _elementwise(prim, m, u, given):
    """``prim`` on operands inside its domain: the first of a few candidates its ``domain`` accepts."""
    if prim.name in WITH_PARAMS:
        return WITH_PARAMS[prim.name](m, u)
    one, two = [(m,), (u,), (u + 1,)], [(m, u), (u, m), (u, u + 1)]
    for args in (one if prim.arity == 1 else two):
        values = [gg.Graph([a], [m, u])(given["m"], given["u"]) for a in args]
        if prim.domain is None or np.all(prim.domain.check(*values)):
            return prim(*args)
    raise AssertionError(f"no operands inside the domain of {prim.name}")


def _others(m, u, v):
    """One or more uses of each primitive that is not elementwise, over a couple of axes and shapes."""
    return [
        ops.reshape(m, (4, 3)) * 2, ops.transpose(m), ops.broadcast_to(v, (3, 4)), ops.astype(m, np.float32),
        ops.astype(u, np.float64), ops.sum(m, axis=1), ops.sum(m * u), ops.mean(m, axis=0, keepdims=True),
        ops.max(m, axis=1), ops.min(m), ops.prod(u, axis=0), ops.all(m > -1.5, axis=1), ops.all(m),
        ops.any(m > 1.5), ops.any(u < 0.2, axis=0, keepdims=True), ops.argmax(m, axis=0), ops.argmin(m),
        ops.argmax(v, axis=0, keepdims=True), ops.argmin(m, axis=1), ops.var(m, axis=0, ddof=1), ops.var(m),
        ops.logsumexp(m, axis=1), ops.logsumexp(m * 300, keepdims=True), ops.cumsum(m, axis=1),
        ops.cumprod(u, axis=0), ops.cumsum(m), cumsum_p(m, axis=0, reverse=True),
        m[::-1, [2, 0]], ops.scatter_add(v[:3], (slice(None), 1), (3, 4)),
        ops.concatenate([m, u], axis=0), m @ v, ops.transpose(m) @ u, ops.einsum("ij,j->i", m, v),
        ops.softmax(m, axis=1), ops.log_softmax(m, axis=0)]


def _windows(x, w, c):
    """A convolution and the poolings in NHWC and NCHW, with their gradients, and max_pool2d_select."""
    conv = ops.conv2d(x, w, padding="same")
    pooled = [ops.max_pool2d(x, 2, strides=1), ops.avg_pool2d(x, 2, padding="same", count_include_pad=False),
              ops.max_pool2d(ops.transpose(x, (0, 3, 1, 2)), 2, layout="NCHW")]
    loss = ops.sum(conv * conv) + sum(ops.sum(p * p) for p in pooled)
    grads = gg.grad_graph(gg.Graph([loss], [x, w])).outputs
    params = dict(pool=(2, 2), strides=(2, 1), padding="valid", layout="NHWC")
    return [conv, *pooled, *grads, ops.REGISTRY["max_pool2d_select"](x, c, **params)]


def _graphs(dtype):
    """Graphs using every registered primitive: (graph, values) pairs."""
    m, u, v = ops.input("m", (3, 4), dtype), ops.input("u", (3, 4), dtype), ops.input("v", (4,), dtype)
    given = _values(dtype)
    elementwise = [_elementwise(p, m, u, given) for p in ops.REGISTRY.values() if p.elementwise]
    total = sum(ops.astype(e, dtype) for e in elementwise)     # one loop: a compile per loop costs more
    stored = [e for e in elementwise if e.dtype != dtype][:2]     # booleans stored too, not only summed
    main = gg.Graph([total, *stored, *_others(m, u, v)], [m, u, v])
    x, w = ops.input("x", (2, 5, 4, 3), dtype), ops.input("w", (2, 2, 3, 2), dtype)
    c = ops.input("c", x.shape, dtype)
    rng = np.random.default_rng(3)
    windows = gg.Graph(_windows(x, w, c), [x, w, c])
    return [(main, given), (windows, {n.name: rng.normal(size=n.shape).astype(dtype) for n in windows.inputs})]


def test_every_registered_primitive_is_in_a_graph_here():
    used = {n.op.name for graph, _ in _graphs(np.float64) for n in graph.nodes}
    assert set(ops.REGISTRY) - LEAVES - used == set()


@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-10), (np.float32, 2e-5)])
def test_every_registered_primitive_compiles_to_the_interpreters_values(dtype, tolerance):
    graphs = _graphs(dtype)
    for graph, given in graphs:
        compiled = compile(graph)
        assert isinstance(compiled, CompiledGraph)
        for node, got, want in zip(graph.outputs, compiled(**given), graph(**given)):
            assert node.ndim == 0 or got.dtype == want.dtype, graph.label(node)    # 0-d: a Python scalar
            np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance, err_msg=graph.label(node))
