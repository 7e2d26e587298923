"""Second derivatives by composing the transforms: forward over forward, forward over reverse, reverse over
reverse, each against SymPy's second derivative. Every transform that adds inputs gives them fresh names."""
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad.errors import InputValueError

PROGRAMS = ["y = sin(x)*exp(z) + x**3*z", "y = ln(x)*z + tanh(x*z)", "y = sqrt(x)*z*z - x/z",
            "y = sigmoid(x*z) + cos(x - z)", "y = exp(-x*x)*z + x**4"]


def sympy_second(graph, a, b, at):
    """d²y/(da db) at the point, by sympy.diff of the program's closed form."""
    expr = gg.symbolic.to_sympy(graph)
    symbols = {name: gg.symbolic.symbol(name) for name in at}
    return float(sp.diff(expr, symbols[a], symbols[b]).subs({symbols[k]: v for k, v in at.items()}))


def first_output(graph, k):
    return gg.Graph([graph.outputs[k]], graph.inputs)


def fwd_over_fwd(graph, at, a, b):
    inner = gg.jvp_graph(graph)                      # inputs x, z, x_dot, z_dot
    outer = gg.jvp_graph(first_output(inner, 1))      # adds x_dot2, z_dot2, x_dot_dot, z_dot_dot
    names = outer.input_names
    assert len(set(names)) == len(names) == 8
    values = {n: 0.0 for n in names}
    values.update(at)
    values[names[2 + ["x", "z"].index(b)]] = 1.0     # inner direction: along b
    values[names[4 + ["x", "z"].index(a)]] = 1.0     # outer direction: along a
    return gg.backends.numpy_backend.evaluate(outer, values)[1]


def fwd_over_rev(graph, at, a, b):
    grad = first_output(gg.grad_graph(graph, [b]), 1)  # d y / d b
    tangent = gg.jvp_graph(grad)
    values = {**at, **{n: 0.0 for n in tangent.input_names[2:]}, f"{a}_dot": 1.0}
    return gg.backends.numpy_backend.evaluate(tangent, values)[1]


def rev_over_rev(graph, at, a, b):
    grad = first_output(gg.grad_graph(graph, [b]), 1)
    return gg.backends.numpy_backend.evaluate(gg.grad_graph(grad, [a]), at)[1]


@pytest.mark.parametrize("compose", [fwd_over_fwd, fwd_over_rev, rev_over_rev])
@settings(max_examples=15)
@given(program=st.sampled_from(PROGRAMS), x=st.floats(0.2, 3.0), z=st.floats(0.3, 2.0),
       a=st.sampled_from("xz"), b=st.sampled_from("xz"))
def test_second_derivatives_match_sympy(compose, program, x, z, a, b):
    graph, at = gg.parse(program), {"x": x, "z": z}
    expected = sympy_second(graph, a, b, at)
    assert compose(graph, at, a, b) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_forward_over_forward_names_every_tangent_apart():
    inner = gg.jvp_graph(gg.parse("y = x*x*x"))
    assert gg.jvp_graph(first_output(inner, 1)).input_names == ["x", "x_dot", "x_dot2", "x_dot_dot"]


def test_a_graph_with_two_inputs_of_one_name_is_not_evaluated():
    a, b = gg.vars("x"), gg.vars("x")
    with pytest.raises(InputValueError, match="several inputs named 'x'"):
        gg.Graph([a * b])(x=2.0)
