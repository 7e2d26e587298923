"""Symbolic adjoints: per-edge partials (Baydin's table) and adjoints in the seeds' named nodes."""
import pytest
import sympy as sp

import graphgrad as gg
from graphgrad.symbolic import adjoint_expressions, edge_partials, symbol

BAYDIN = "y = ln(x1) + x1*x2 - sin(x2)"
SOFTMAX = """p1 = exp(z1)/(exp(z1) + exp(z2) + exp(z3))
p2 = exp(z2)/(exp(z1) + exp(z2) + exp(z3))
p3 = exp(z3)/(exp(z1) + exp(z2) + exp(z3))
L = -(y1*ln(p1) + y2*ln(p2) + y3*ln(p3))"""
v = {name: symbol(name) for name in ["v-1", "v0"]}


def test_edge_partials_are_the_partials_of_baydins_reverse_table():
    g = gg.parse(BAYDIN)
    table = {(g.vnames[e.consumer.id], g.vnames[e.input.id], e.index): e.expr for e in edge_partials(g)}
    assert table == {
        ("v1", "v-1", 0): 1 / v["v-1"],      # v1 = ln v-1
        ("v2", "v-1", 0): v["v0"],           # v2 = v-1·v0
        ("v2", "v0", 1): v["v-1"],
        ("v3", "v0", 0): sp.cos(v["v0"]),    # v3 = sin v0
        ("v4", "v1", 0): 1, ("v4", "v2", 1): 1,
        ("v5", "v4", 0): 1, ("v5", "v3", 1): -1,
    }


def test_edge_partials_list_both_uses_of_a_node_used_twice():
    g = gg.parse("b = a*a")
    edges = edge_partials(g)
    assert [(e.index, e.expr) for e in edges] == [(0, symbol("v0")), (1, symbol("v0"))]


def test_sigmoid_partial_uses_the_nodes_own_value():
    g = gg.parse("phi = sigmoid(z)")
    (edge,) = edge_partials(g)
    v1 = symbol("v1")
    assert edge.expr == v1 * (1 - v1)


def test_seed000_binary_cross_entropy_gives_phi_minus_y():
    g = gg.parse("phi = sigmoid(z); L = -(y*ln(phi) + (1-y)*ln(1-phi))")
    adj = adjoint_expressions(g)
    phi, y, z = symbol("phi"), symbol("y"), symbol("z")
    assert adj["z"] == phi - y
    # the seed's intermediate step: dL/dphi = (phi - y) / (phi (1 - phi))
    assert sp.simplify(adj["phi"] - (phi - y) / (phi * (1 - phi))) == 0
    assert adj["y"] == -z     # -ln(phi) + ln(1 - phi) is minus the log-odds
    assert adj["L"] == 1


def test_seed000_J_adjoints_of_named_nodes_are_3():
    g = gg.parse("u = a*b; v = u + c; J = 3*v")
    adj = adjoint_expressions(g)
    a, b = symbol("a"), symbol("b")
    assert adj == {"a": 3 * b, "b": 3 * a, "c": 3, "u": 3, "v": 3, "J": 1}
    assert adj["a"].subs(b, 4) == 12


def test_seed002_softmax_cross_entropy_with_y3_defined_gives_p_minus_y():
    g = gg.parse(SOFTMAX.replace("L =", "y3 = 1 - y1 - y2\nL ="))
    adj = adjoint_expressions(g)
    for i in (1, 2, 3):
        assert adj[f"z{i}"] == symbol(f"p{i}") - symbol(f"y{i}")


def test_seed002_softmax_cross_entropy_under_the_assumption_sum_y_is_1():
    g = gg.parse(SOFTMAX)
    plain = adjoint_expressions(g)
    assert plain["z1"] != symbol("p1") - symbol("y1")    # true only when the labels sum to 1
    adj = adjoint_expressions(g, given=["y1 + y2 + y3 = 1"])
    for i in (1, 2, 3):
        assert adj[f"z{i}"] == symbol(f"p{i}") - symbol(f"y{i}")


def test_keeping_no_names_gives_the_gradient_in_the_inputs():
    g = gg.parse("phi = sigmoid(z); L = (phi - y)**2")
    adj = adjoint_expressions(g, keep=[])
    z, y = symbol("z"), symbol("y")
    phi = 1 / (1 + sp.exp(-z))
    assert sp.simplify(adj["z"] - sp.diff((phi - y) ** 2, z)) == 0
    assert set(adj) == {"z", "y"}


def test_keep_accepts_baydin_names():
    g = gg.parse(BAYDIN)
    adj = adjoint_expressions(g, keep=["v2"])
    assert adj["v2"] == 1
    assert adj["x1"] == symbol("x2") + 1 / symbol("x1")


def test_unknown_names_are_reported():
    g = gg.parse(SOFTMAX)
    with pytest.raises(gg.UnknownNameError, match="'q'"):
        adjoint_expressions(g, keep=["q"])
    with pytest.raises(gg.UnknownNameError, match="'w'"):
        adjoint_expressions(g, given=["y1 + w = 1"])
    with pytest.raises(gg.ParseError, match="lhs = rhs"):
        adjoint_expressions(g, given=["y1 + y2 == 1"])
    with pytest.raises(gg.GraphgradError, match="inputs uniquely"):
        adjoint_expressions(g, given=["p1 = 1"])
