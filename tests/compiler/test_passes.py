"""Each pass alone: it removes what it should and the NumPy interpreter gives the same values after it."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import graphgrad as gg
from graphgrad import nn
from graphgrad.compiler.passes import (common_subexpressions, eliminate_dead_code, fold_constants, optimize,
                                       simplify)
from graphgrad.graph import Graph

ops_of = lambda graph: [n.op.name for n in graph.operations]  # noqa: E731


def test_cse_merges_repeated_products_and_equal_constants():
    x, y = gg.vars("x y")
    graph = Graph([(x * y + 2.0) + (x * y + 2.0)], [x, y])
    merged = common_subexpressions(graph)
    assert ops_of(graph).count("mul") == 2 and ops_of(merged).count("mul") == 1
    assert ops_of(merged).count("add") == 2
    assert merged(x=1.5, y=-2.0) == graph(x=1.5, y=-2.0) == pytest.approx(-2.0)


def test_cse_keeps_different_parameters_apart():
    x = gg.ops.input("x", (2, 3))
    graph = Graph([gg.sum(x, axis=0), gg.sum(x, axis=1)], [x])
    assert ops_of(common_subexpressions(graph)).count("sum") == 2


def test_cse_keeps_a_weak_number_apart_from_an_array_of_the_same_value():
    x = gg.ops.input("x", (3,), np.float32)
    weak, strong = gg.ops.const(0.1), gg.ops.const(0.1, dtype=np.float64)   # x32·0.1 is float32, x32·array float64
    graph = Graph([x * weak, x * strong], [x])
    values = np.float32([1.0, 3.0, 7.0])
    for before, after in zip(graph(values), common_subexpressions(graph)(values)):
        np.testing.assert_array_equal(after, before)
        assert after.dtype == before.dtype


def test_constant_folding_evaluates_constant_subgraphs():
    x = gg.vars("x")
    three = gg.ops.const(3.0)
    graph = Graph([x * gg.exp(gg.ln(three) * 2.0)], [x])
    folded = fold_constants(graph)
    assert ops_of(folded) == ["mul"]
    assert folded(x=2.0) == pytest.approx(18.0)


def test_constant_folding_leaves_large_broadcasts_alone():
    x = gg.ops.input("x", (300, 300))
    graph = Graph([x + gg.broadcast_to(gg.ops.const(1.0), (300, 300))], [x])
    folded = fold_constants(graph)
    assert "broadcast_to" in ops_of(folded)
    assert max(n.size for n in folded.nodes if n.is_const) == 1


def test_dead_code_elimination_keeps_only_needed_nodes():
    x, y = gg.vars("x y")
    graph = Graph([gg.sin(x) * y, gg.exp(y) + gg.cos(x)], [x, y])
    first = eliminate_dead_code(graph, outputs=[0])
    assert set(ops_of(first)) == {"sin", "mul"}
    assert len(first.outputs) == 1 and first.inputs == graph.inputs
    assert first(x=0.3, y=2.0) == pytest.approx(np.sin(0.3) * 2.0)


@pytest.mark.parametrize("build, expected_ops", [
    (lambda x, y: x * 1 + 0, []),
    (lambda x, y: 1 * x - 0, []),
    (lambda x, y: x - x + y, []),
    (lambda x, y: (x - x) * y, ["broadcast_to"]),
    (lambda x, y: -(-x) * y, ["mul"]),
    (lambda x, y: gg.exp(gg.ln(x)) + gg.ln(gg.exp(y)), ["add"]),
    (lambda x, y: x / 1 + y ** 1, ["add"]),
    (lambda x, y: x * -1, ["neg"]),
])
def test_simplification_identities(build, expected_ops):
    x, y = gg.ops.input("x", (3,)), gg.ops.input("y", (3,))
    graph = Graph([build(x, y)], [x, y])
    simple = simplify(graph)
    assert ops_of(simple) == expected_ops
    values = dict(x=np.array([0.5, 1.0, 2.0]), y=np.array([3.0, -1.0, 0.25]))
    np.testing.assert_allclose(simple(**values), graph(**values), rtol=1e-15)


def test_simplification_keeps_shape_and_dtype():
    x = gg.ops.input("x", (1,), np.float32)
    ones = gg.ops.const(np.ones(4, np.float32))
    graph = Graph([x * ones], [x])
    out = simplify(graph).output
    assert out.shape == (4,) and out.dtype == np.float32
    np.testing.assert_array_equal(simplify(graph)(x=np.float32([2.5])), np.full(4, 2.5, np.float32))


def test_simplification_of_a_gradient_removes_the_multiplications_by_one():
    x = gg.vars("x")
    grad = gg.grad_graph(Graph([x * x * 3.0], [x]))
    assert len(simplify(grad).operations) < len(grad.operations)


@given(st.floats(0.1, 10), st.floats(-10, 10))
def test_optimize_keeps_values(a, b):
    x, y = gg.vars("x y")
    graph = gg.grad_graph(Graph([gg.ln(x) * 1 + x * y - gg.sin(y) + (x * y) * 0 + -(-y)], [x, y]))
    np.testing.assert_allclose(optimize(graph)(x=a, y=b), graph(x=a, y=b), rtol=1e-12, atol=1e-12)


def test_a_training_step_computes_no_gradient_for_the_input_batch():
    from graphgrad.compiler.executor import prepare, step_graph_of
    model = nn.Sequential([nn.Dense(16, activation="relu", input_shape=(12,)), nn.Dense(3, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    step = model.step_graph(8)
    products = [n for n in prepare(step_graph_of(step)).nodes if n.op.name == "matmul"]
    # forward x@W1, h@W2; backward dL/dh, dL/dW2, dL/dW1; never dL/dx (shape (8, 12))
    assert len(products) == 5
    assert all(n.shape != step.x.shape for n in products)
