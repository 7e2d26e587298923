"""The graph IR: Baydin numbering, immutability, deep graphs without recursion, re-shaping."""
import sys

import numpy as np
import pytest

import graphgrad as gg


def test_baydin_numbering_follows_depth_then_order():
    g = gg.parse("y = ln(x1) + x1*x2 - sin(x2)")
    assert str(g).splitlines()[:7] == ["v-1 = x1", "v0 = x2", "v1 = ln v-1", "v2 = v-1·v0", "v3 = sin v0",
                                       "v4 = v1 + v2", "v5 (y) = v4 - v3"]


def test_nodes_are_immutable():
    x = gg.vars("x")
    with pytest.raises(AttributeError):
        x.shape = (3,)


def test_a_chain_far_deeper_than_the_recursion_limit_differentiates_without_recursion():
    links = 2 * sys.getrecursionlimit()      # three nodes a link: six times the limit
    x = gg.vars("x")
    y = x
    for _ in range(links):
        y = gg.sin(y) * 0.5 + 0.1
    g = gg.Graph(y, [x])
    assert len(g.nodes) > 6 * sys.getrecursionlimit()
    value, dx = gg.grad_graph(g)(x=0.3)
    # chain rule by hand, iteratively
    v, d = 0.3, 1.0
    for _ in range(links):
        d *= 0.5 * np.cos(v)
        v = np.sin(v) * 0.5 + 0.1
    assert float(value) == pytest.approx(v) and float(dx) == pytest.approx(d, abs=1e-300)


def test_evaluating_and_differentiating_twice_gives_the_same_answer():
    g = gg.parse("b = a + a; c = b*b")
    gg_ = gg.grad_graph(g)
    first = [float(v) for v in gg_(a=1.5)]
    assert first == [float(v) for v in gg_(a=1.5)] == [9.0, 12.0]
    assert [float(v) for v in gg.grad_graph(g)(a=1.5)] == first


def test_second_derivative_by_differentiating_the_gradient_graph():
    g = gg.parse("y = x**3 + sin(x)")
    d1 = gg.grad_graph(g)
    d2 = gg.grad_graph(gg.Graph([d1.outputs[1]], d1.inputs))
    assert float(d2(x=0.7)[1]) == pytest.approx(6 * 0.7 - np.sin(0.7))


def test_with_shapes_rebuilds_for_other_input_shapes_and_checks_them():
    g = gg.parse("y = sum(x * w)")
    g3 = g.with_shapes(x=(3,), w=(3,))
    assert float(g3(x=np.ones(3), w=np.arange(3.0))) == 3.0
    with pytest.raises(gg.ShapeError, match=r"\(3,\) and \(2,\)"):
        g.with_shapes(x=(3,), w=(2,))


def test_float32_graphs_stay_float32():
    x = gg.ops.input("x", (3,), np.float32)
    g = gg.grad_graph(gg.Graph(gg.sum(2 * x * x + 1.5), [x]))
    assert all(n.dtype == np.float32 for n in g.nodes if not n.weak)
    assert g(x=np.ones(3, np.float32))[1].dtype == np.float32


def test_networkless_wrong_value_shape_names_the_input():
    g = gg.parse("y = sum(x)", shapes={"x": (3,)})
    with pytest.raises(gg.ShapeError, match="input 'x'.*\\(3,\\).*\\(4,\\)"):
        g(x=np.ones(4))


def test_repr_names_the_node_once_and_its_primitive_once():
    x = gg.ops.input("x")
    assert repr(x * 2) == "<Node mul shape=() float64>"
    assert repr(x) == "<Node x input shape=() float64>"
