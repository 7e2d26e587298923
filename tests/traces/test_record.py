"""Traces reproduce Baydin et al.'s tables (seed 002) and the J = 3(ab + c) backprop of seed 000."""
import json

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.traces import record

BAYDIN = "y = ln(x1) + x1*x2 - sin(x2)"


@pytest.fixture
def baydin():
    return record(gg.parse(BAYDIN), {"x1": 2, "x2": 5}, direction={"x1": 1})


def test_forward_primal_trace_matches_the_table(baydin):
    rows = [(r.var, r.expr, round(float(r.value), 3)) for r in baydin.forward]
    assert rows == [("v-1", "x1", 2), ("v0", "x2", 5), ("v1", "ln v-1", 0.693), ("v2", "v-1·v0", 10),
                    ("v3", "sin v0", -0.959), ("v4", "v1 + v2", 10.693), ("v5", "v4 - v3", 11.652),
                    ("y", "v5", 11.652)]


def test_reverse_trace_rows_in_computation_order(baydin):
    rows = [(r.var, r.partial, round(float(r.value), 3)) for r in baydin.reverse]
    assert rows == [
        ("v̄5", "1", 1), ("v̄4", "v̄5·1", 1), ("v̄3", "v̄5·(-1)", -1), ("v̄1", "v̄4·1", 1), ("v̄2", "v̄4·1", 1),
        ("v̄0", "v̄3·cos(v0)", -0.284), ("v̄-1", "v̄2·v0", 5), ("v̄0", "v̄0 + v̄2·v-1", 1.716),
        ("v̄-1", "v̄-1 + v̄1/v-1", 5.5), ("x̄1", "", 5.5), ("x̄2", "", 1.716)]
    assert [r.accumulate for r in baydin.reverse].count(True) == 2


def test_tangent_trace_gives_the_directional_derivative(baydin):
    assert [r.expr for r in baydin.tangent][2:7] == ["v̇-1/v-1", "v̇-1·v0 + v̇0·v-1", "v̇0·cos(v0)",
                                                      "v̇1 + v̇2", "v̇4 - v̇3"]
    assert float(baydin.tangent[-1].value) == pytest.approx(5.5)


def test_json_rows_have_var_expr_value(baydin):
    data = json.loads(baydin.format("json"))
    assert [r["var"] for r in data["forward"]][:3] == ["v-1", "v0", "v1"]
    assert data["reverse"][7] == {"var": "v̄0", "expr": "v̄0 + v̄2·v-1", "derivative": "v̄0 + v̄2·∂v2/∂v0",
                                  "value": pytest.approx(2 - np.cos(5)), "accumulate": True}


def test_text_markdown_latex_show_the_numbers(baydin):
    for fmt in ("text", "markdown", "latex"):
        out = baydin.format(fmt)
        for number in ("11.652", "5.5", "1.716", "-0.284", "0.693"):
            assert number in out, (fmt, number)
    latex = baydin.format("latex")
    assert r"\bar{v}_{0} + \bar{v}_{2} \cdot v_{-1}" in latex and r"\toprule" in latex and r"\cos" in latex


def test_seed000_every_intermediate_adjoint_is_3():
    t = record(gg.parse("u = a*b; v = u + c; J = 3*v"), {"a": 5, "b": 4, "c": 1})
    final = {r.var: float(r.value) for r in t.reverse}
    assert final["ā"] == 12 and final["c̄"] == 3
    assert [float(r.value) for r in t.reverse[1:4]] == [3, 3, 3]


def test_a_node_used_twice_shows_both_uses_and_sums_them():
    t = record(gg.parse("b = a + a; c = b + b"), {"a": 1.5})
    rows = [(r.var, r.accumulate, float(r.value)) for r in t.reverse]
    assert rows == [("v̄2", False, 1), ("v̄1", False, 1), ("v̄1", True, 2), ("v̄0", False, 2), ("v̄0", True, 4),
                    ("ā", False, 4)]


def test_tensor_graph_trace_agrees_with_reverse_mode():
    g = gg.parse("y = sum(relu(W @ x))", shapes={"W": (2, 3), "x": (3,)})
    W, x = np.array([[1.0, -2, 3], [0.5, 1, -1]]), np.array([1.0, 2, 3])
    t = record(g, {"W": W, "x": x})
    _, gW, gx = gg.grad_graph(g)(W=W, x=x)
    final = {r.var: r.value for r in t.reverse}
    np.testing.assert_allclose(final["W̄"], gW)
    np.testing.assert_allclose(final["x̄"], gx)


def test_user_naming_writes_the_lectures_names():
    t = record(gg.parse("u = a*b; z = u + c; J = 3*z"), {"a": 5, "b": 4, "c": 1}, naming="user")
    rows = [(r.var, r.partial, float(r.value)) for r in t.reverse]
    assert rows == [("J̄", "1", 1), ("z̄", "J̄·3", 3), ("ū", "z̄·1", 3), ("c̄", "z̄·1", 3), ("ā", "ū·b", 12),
                    ("b̄", "ū·a", 15)]
    assert [r.expr for r in t.forward][3:] == ["a·b", "u + c", "3·z"]
    with pytest.raises(gg.UnknownNameError, match="naming"):
        record(gg.parse("y = x"), {"x": 1}, naming="greek")


def test_latex_tables_are_plain_latex_for_any_primitive():
    """Every cell is built from the primitives' LaTeX templates and SymPy's printer: no Unicode left over."""
    program = "phi = sigmoid(z); L = -(y*ln(phi) + (1-y)*ln(1-phi)); M = sqrt(relu(L)) + tanh(L)/exp(z)"
    latex = record(gg.parse(program), {"z": 0.5, "y": 1.0}, direction={"z": 1.0}, naming="user").format("latex")
    assert latex.isascii(), sorted({ch for ch in latex if not ch.isascii()})
    assert r"\bar{\phi}" in latex and r"\sigma z" in latex and r"\sqrt{" in latex and "$$" not in latex


def test_a_trace_shows_as_its_text_table_not_its_fields(baydin):
    DisplayFormatter = pytest.importorskip("IPython.core.formatters").DisplayFormatter
    shown, _ = DisplayFormatter().format(baydin)
    assert repr(baydin) == shown["text/plain"] == baydin.format("text").rstrip("\n")
    assert shown["text/plain"].startswith("Forward primal trace") and "Graph(" not in shown["text/plain"]
