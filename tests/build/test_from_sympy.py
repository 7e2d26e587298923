"""from_sympy: SymPy expressions become graphs written as people write them, and come back equal."""
import math

import pytest
import sympy as sp
from hypothesis import given, strategies as st

import graphgrad as gg
from graphgrad.build import from_sympy
from graphgrad.graph.printing import inline
from graphgrad.symbolic import to_sympy

x, y, z = sp.symbols("x y z", real=True)


def written(expr):
    g = from_sympy(expr)
    return inline(g, g.output)


def ops_of(graph):
    return [n.op.name for n in graph.operations]


@pytest.mark.parametrize("expr, text", [
    (x + y + z, "x + y + z"),                 # n-ary Add -> chain
    (y - x, "y - x"),                         # negative term -> subtraction
    (-x - y, "-(x + y)"),
    (2 * x * y / (3 * z), "2·x·y/(3·z)"),     # negative powers -> one division
    (1 / x, "1/x"),
    (sp.sqrt(x), "sqrt x"),
    (1 / sp.sqrt(x), "1/sqrt x"),
    (x ** 3, "x^3"),
    (x / 3, "x/3"),
])
def test_structure_is_as_people_write_it(expr, text):
    assert written(expr) == text


def test_functions_and_constants_map_to_primitives():
    g = from_sympy(sp.Max(x, y, z) + sp.Min(x, y) + sp.Abs(x) * sp.tanh(y) + sp.log(z) + sp.exp(x)
                   + sp.sin(x) * sp.cos(y) * sp.tan(z) + sp.pi * x + sp.E)
    used = set(ops_of(g))
    assert {"maximum", "minimum", "abs", "tanh", "ln", "exp", "sin", "cos", "tan"} <= used
    assert ops_of(g).count("maximum") == 2          # Max of three: a chain of two
    consts = sorted(float(n.params["value"]) for n in g.nodes if n.is_const)
    assert any(math.isclose(c, math.pi) for c in consts) and any(math.isclose(c, math.e) for c in consts)


def test_inputs_are_ordered_by_name_or_as_given_and_shared():
    g = from_sympy(sp.sin(y) * sp.sin(y) + x)
    assert g.input_names == ["x", "y"]
    assert ops_of(g).count("sin") == 1              # one node for the repeated subexpression
    assert from_sympy(x + y, inputs=["y", "x"]).input_names == ["y", "x"]
    assert float(from_sympy(x * y, name="J")(x=3.0, y=4.0)) == 12.0


def test_a_long_sum_becomes_a_chain_that_evaluates():
    xs = sp.symbols("a0:3000", real=True)
    g = from_sympy(sp.Add(*xs))
    assert len(g.operations) == 2999
    assert float(g(**{str(s): 1.0 for s in xs})) == 3000.0


def test_unknown_functions_and_non_expressions_are_rejected():
    with pytest.raises(gg.UnknownNameError, match="'?f'?"):
        from_sympy(sp.Function("f")(x))
    with pytest.raises(gg.UnknownNameError, match="sinh"):
        from_sympy(sp.sinh(x))
    with pytest.raises(gg.InputValueError, match="graphgrad.parse"):
        from_sympy("x + 1")
    with pytest.raises(gg.InputValueError, match="not a real number"):
        from_sympy(sp.I * x)
    with pytest.raises(gg.UnknownNameError, match="y"):
        from_sympy(x + y, inputs=["x"])


LEAVES = st.sampled_from([x, y, z, sp.Integer(2), sp.Rational(1, 3), sp.pi, sp.Float(0.75)])
UNARY = [sp.sin, sp.cos, sp.tanh, sp.exp, lambda e: sp.log(1 + e ** 2), lambda e: sp.sqrt(2 + e ** 2),
         lambda e: -e, lambda e: 1 / (2 + sp.sin(e)), sp.Abs, lambda e: e ** 3]
BINARY = [sp.Add, sp.Mul, lambda a, b: a - b, lambda a, b: a / (3 + sp.cos(b)), sp.Max, sp.Min]
expressions = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(lambda f, e: f(e), st.sampled_from(UNARY), inner),
        st.builds(lambda f, a, b: f(a, b), st.sampled_from(BINARY), inner, inner),
        st.builds(lambda ts: sp.Add(*ts), st.lists(inner, min_size=3, max_size=4)),
        st.builds(lambda ts: sp.Mul(*ts), st.lists(inner, min_size=3, max_size=4))),
    max_leaves=10)


@given(expressions, st.tuples(*[st.floats(-2, 2)] * 3))
def test_round_trip_through_a_graph_keeps_the_value(expr, at):
    graph = from_sympy(expr, inputs=["x", "y", "z"])
    back = to_sympy(graph)
    values = dict(zip("xyz", at))
    expected = float(expr.subs({x: at[0], y: at[1], z: at[2]}).evalf())
    assert float(graph(**values)) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert float(sp.lambdify([x, y, z], back)(*at)) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert back.free_symbols <= {x, y, z}
