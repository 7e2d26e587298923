"""Elementwise fusion: which nodes become one loop, and the fused graph computes the same values."""
import numpy as np

import graphgrad as gg
from graphgrad.compiler.fusion import FUSED, fuse
from graphgrad.graph import Graph
from graphgrad.ops import REGISTRY, input as make_input
from graphgrad.graph.primitive import Primitive


def test_an_elementwise_chain_becomes_one_fused_node():
    x = make_input("x", (5,))
    graph = Graph([gg.tanh(gg.exp(x) * 2.0 + 1.0)], [x])
    fused = fuse(graph)
    assert [n.op.name for n in fused.operations] == ["fused"]
    assert [n.op.name for n in fused.output.params["expr"].operations] == ["exp", "mul", "add", "tanh"]
    value = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(fused(x=value), graph(x=value), rtol=1e-15)


def test_a_value_used_twice_or_returned_is_its_own_loop():
    x = make_input("x", (4,))
    shared = gg.exp(x)
    graph = Graph([shared * 2.0 + shared, gg.sin(x)], [x])
    fused = fuse(graph)
    assert [n.op.name for n in fused.operations] == ["fused"] * 3
    value = np.arange(4.0)
    for a, b in zip(fused(x=value), graph(x=value)):
        np.testing.assert_allclose(a, b, rtol=1e-15)


def test_matrix_products_end_loops_and_bias_activation_fuse():
    x, w, b = make_input("x", (8, 3)), make_input("w", (3, 4)), make_input("b", (4,))
    graph = Graph([gg.sigmoid(x @ w + b)], [x, w, b])
    fused = fuse(graph)
    assert [n.op.name for n in fused.operations] == ["matmul", "fused"]
    assert [n.op.name for n in fused.output.params["expr"].operations] == ["add", "sigmoid"]


def test_a_reduction_ends_the_loop_it_reduces():
    y, t = make_input("y", (6, 2)), make_input("t", (6, 2))
    graph = Graph([gg.mean((y - t) ** 2)], [y, t])
    fused = fuse(graph)
    (loop,) = fused.operations
    assert loop.params["reduce"] == (gg.ops.reductions.mean_p, (0, 1), False)
    rng = np.random.default_rng(1)
    values = dict(y=rng.normal(size=(6, 2)), t=rng.normal(size=(6, 2)))
    np.testing.assert_allclose(fused(**values), graph(**values), rtol=1e-14)


def test_a_smaller_operand_is_not_recomputed_per_element():
    x, b = make_input("x", (10, 3)), make_input("b", (3,))
    graph = Graph([x + gg.exp(b)], [x, b])
    fused = fuse(graph)
    assert [n.shape for n in fused.operations] == [(3,), (10, 3)]


def test_fused_gradient_graph_matches_the_interpreter():
    x, w = make_input("x", (5, 3)), make_input("w", (3, 2))
    graph = gg.grad_graph(Graph([gg.mean(gg.tanh(x @ w) ** 2)], [x, w]), [w])
    fused = fuse(graph)
    assert len(fused.nodes) < len(graph.nodes)
    rng = np.random.default_rng(2)
    values = dict(x=rng.normal(size=(5, 3)), w=rng.normal(size=(3, 2)))
    for a, b in zip(fused(**values), graph(**values)):
        np.testing.assert_allclose(a, b, rtol=1e-13)


def _identity_primitive(**facts):
    """A primitive unknown to the compiler by name (kept out of REGISTRY): what it fuses by is its declaration."""
    return Primitive("copy_for_test", impl=lambda x: np.array(x), shape=lambda s: s, text="copy({0})",
                     register=False, **facts)


def test_what_fuses_is_read_from_the_primitives_declaration_not_its_name(total):
    x = make_input("x", (4, 3))
    pointwise, other = _identity_primitive(pointwise=True), _identity_primitive()
    assert "copy_for_test" not in REGISTRY and "total_for_test" not in REGISTRY
    joined = fuse(Graph([gg.exp(pointwise(gg.sin(x)))], [x]))
    assert [n.op.name for n in joined.operations] == ["fused"]
    apart = fuse(Graph([gg.exp(other(gg.sin(x)))], [x]))
    assert [n.op.name for n in apart.operations] == ["fused", "copy_for_test", "fused"]
    graph = Graph([total(gg.exp(x) * 2.0, axis=(1,), keepdims=False)], [x])
    (loop,) = fuse(graph).operations
    assert loop.params["reduce"] == (total, (1,), False)
    value = np.arange(12.0).reshape(4, 3) / 10
    np.testing.assert_allclose(fuse(graph)(x=value), 2 * np.exp(value).sum(axis=1), rtol=1e-14)


def test_the_fused_primitive_is_compiler_internal():
    assert "fused" not in REGISTRY and all(p is not FUSED for p in REGISTRY.values())
    x = make_input("x", (3,))
    assert fuse(Graph([gg.exp(x) + 1.0], [x])).output.op is FUSED
