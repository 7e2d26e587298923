"""Closed-form gradients: exact on the seeds, guarded in size, linear as a CSE form on deep chains."""
import re
import sys

import numpy as np
import pytest
import sympy as sp

import graphgrad as gg
from graphgrad.numeric import differentiate
from graphgrad.symbolic import expression_size, gradient, gradient_cse, gradient_function, symbol, to_sympy

x1, x2, x = symbol("x1"), symbol("x2"), symbol("x")


def sigmoid_chain(depth):
    v = var = gg.vars("x")
    for _ in range(depth):
        v = gg.sigmoid(v)
    return gg.Graph([v], [var])


def evaluate_cse(replacements, exprs, values):
    """Evaluate a (replacements, exprs) pair in order, as its reader would."""
    env = dict(values)
    for sym, value in replacements:
        env[sym] = float(value.xreplace(env))
    return [float(e.xreplace(env)) for e in exprs]


def test_baydin_gradient_is_the_hand_derived_one():
    g = gg.parse("y = ln(x1) + x1*x2 - sin(x2)")
    assert gradient(g) == {"x1": x2 + 1 / x1, "x2": x1 - sp.cos(x2)}
    assert gradient(g, wrt=["x2"]) == {"x2": x1 - sp.cos(x2)}


def test_seed004_quadratic():
    assert gradient(gg.parse("y = 2*x*x + 3")) == {"x": 4 * x}
    assert gradient(gg.parse("y = 2*x + 3")) == {"x": 2}


def test_gradient_agrees_with_sympy_diff_of_the_closed_form():
    g = gg.parse("phi = sigmoid(z); L = -(y*ln(phi) + (1-y)*ln(1-phi))")
    expr = to_sympy(g)
    for name, grad in gradient(g).items():
        assert sp.simplify(grad - sp.diff(expr, symbol(name))) == 0


def test_inputs_the_output_does_not_use_get_zero():
    a, b = gg.vars("a b")
    assert gradient(gg.Graph([gg.sin(a)], [a, b])) == {"a": sp.cos(symbol("a")), "b": 0}


def test_32_deep_sigmoid_chain_is_refused_with_advice_not_a_recursion_error():
    g = sigmoid_chain(32)
    with pytest.raises(gg.SizeError, match="gradient_cse"):
        gradient(g)
    full = gradient(g, simplify=False, max_ops=10**6)["x"]
    tree, shared = expression_size([full])
    assert tree > 4000 and shared < 200      # thousands of operations written out, linear when shared
    expected = float(gg.grad_graph(g)(x=0.3)[1])
    assert float(full.subs(x, 0.3)) == pytest.approx(expected, rel=1e-9)


def test_cse_form_of_the_32_deep_chain_is_linear_and_exact():
    g = sigmoid_chain(32)
    replacements, (dx,) = gradient_cse(g)
    tree, _ = expression_size([v for _, v in replacements] + [dx])
    assert tree < 10 * 32
    expected = float(gg.grad_graph(g)(x=0.3)[1])
    assert evaluate_cse(replacements, [dx], {x: 0.3})[0] == pytest.approx(expected, rel=1e-9)


def test_cse_option_simplifies_in_pieces_and_keeps_the_value():
    g = sigmoid_chain(32)
    dx = gradient(g, cse=True)["x"]
    expected = float(gg.grad_graph(g)(x=-0.7)[1])
    assert sp.lambdify([x], dx)(-0.7) == pytest.approx(expected, rel=1e-9)


def test_10000_node_chain_raises_size_error_not_recursion_error():
    with pytest.raises(gg.SizeError, match="too deeply"):
        gradient(sigmoid_chain(10_000))


def test_chain_deeper_than_the_recursion_limit_has_a_cse_gradient():
    depth = sys.getrecursionlimit() + 200
    g = sigmoid_chain(depth)
    f = gradient_function(g)
    for at in (0.3, -2.0):
        assert f(x=at)["x"] == pytest.approx(float(gg.grad_graph(g)(x=at)[1]), rel=1e-9)


def test_gradient_function_matches_reverse_mode_on_baydin():
    g = gg.parse("y = ln(x1) + x1*x2 - sin(x2)")
    grads = gradient_function(g)(x1=2.0, x2=5.0)
    assert grads["x1"] == pytest.approx(5.5, abs=1e-12)
    assert grads["x2"] == pytest.approx(2 - np.cos(5.0), abs=1e-12)


def test_bad_requests_are_named():
    g = gg.parse("y = x*x")
    with pytest.raises(gg.UnknownNameError, match="'q'"):
        gradient(g, wrt=["q"])
    with pytest.raises(gg.GraphgradError, match="scalar output"):
        gradient(gg.parse("y = 2*x", shapes={"x": (3,)}))


@pytest.mark.parametrize("program, shown", [("y = x*x + log(0)", "ln 0 is zoo"), ("y = x*log(-e)", "I*pi")])
def test_a_constant_that_is_not_a_finite_real_number_is_a_symbolic_error(program, shown):
    g = gg.parse(program)
    for build in (to_sympy, gradient, gradient_cse, gradient_function):
        with pytest.raises(gg.symbolic.SymbolicError, match=f"{re.escape(shown)}.*not a finite real number"):
            build(g)


def test_the_symbolic_method_takes_its_value_from_the_cse_form_on_deep_programs():
    program = "; ".join(["u0 = sin(x)"] + [f"u{i} = sin(u{i - 1})" for i in range(1, 400)])
    value, grad = differentiate(gg.parse(program), {"x": 1.0}, "symbolic")
    expected_value, expected_grad = differentiate(gg.parse(program), {"x": 1.0}, "reverse")
    assert value == pytest.approx(expected_value, rel=1e-12) and grad["x"] == pytest.approx(expected_grad["x"], rel=1e-9)


@pytest.mark.parametrize("program, at", [("y = maximum(x, 2)", 3.0), ("y = maximum(x, 2)", 1.0),
                                         ("y = minimum(x, 2) + fmax(x, 1)", 1.5), ("y = clip(x, 0, 2)", 1.0),
                                         ("y = clip(x, 0, 2) * x", 3.0), ("y = maximum(x, 2)", 2.0)])
def test_maximum_minimum_and_clip_have_symbolic_gradients_with_the_core_tie_rule(program, at):
    """Their partials hold truth values (``heaviside(x - y) + equal_indicator(x, y)``, clip's ``low <= x <= high``), which
    SymPy will not add or multiply: they count as 1 and 0, as in the graph. At the tie x = 2 the first
    operand takes the gradient, as reverse mode gives it."""
    graph = gg.parse(program)
    symbolic = differentiate(graph, {"x": at}, "symbolic")[1]["x"]
    assert symbolic == pytest.approx(differentiate(graph, {"x": at}, "reverse")[1]["x"])
    if at != 2.0:                                    # away from a kink: finite differences agree too
        assert symbolic == pytest.approx(differentiate(graph, {"x": at}, "numeric")[1]["x"], abs=1e-6)
