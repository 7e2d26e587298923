"""Gradients of eager tensors against finite differences, SymPy and the seeds' numbers."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from graphgrad import eager, ops


def _central(f, x, h=1e-6):
    """Central differences of scalar f at array x."""
    x = np.array(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def _f(x):
    return (eager.call(ops.sigmoid, x @ x.T) * eager.call(ops.sin, x).sum()).sum()


@settings(max_examples=25)
@given(st.lists(st.floats(-2, 2), min_size=6, max_size=6))
def test_gradient_matches_finite_differences(xs):
    value = np.array(xs).reshape(2, 3)
    x = eager.Variable(value)
    (g,) = eager.gradients(_f(x), [x])
    numeric = _central(lambda v: float(_f(eager.Tensor.leaf(v))), value)
    np.testing.assert_allclose(g.numpy(), numeric, rtol=1e-5, atol=1e-6)


def test_second_derivative_matches_sympy():
    s = sp.Symbol("x")
    expr = sp.exp(s) * s ** 3
    x = eager.Variable(0.7)
    y = eager.call(ops.exp, x) * x ** 3
    (dy,) = eager.gradients(y, [x], create_graph=True)
    (d2y,) = eager.gradients(dy, [x])
    assert float(dy) == pytest.approx(float(sp.diff(expr, s).subs(s, 0.7)))
    assert float(d2y) == pytest.approx(float(sp.diff(expr, s, 2).subs(s, 0.7)))


def test_unconnected_and_integer_sources_have_no_gradient():
    x, z = eager.Variable(1.0), eager.Variable(2.0)
    i = eager.Variable(np.array(3, dtype=np.int32))
    y = x * 2 + i
    assert eager.gradients(y, [z, i]) == [None, None]


def test_jacobian_of_elementwise_square_is_diagonal():
    x = eager.Variable(np.array([1.0, 2.0, 3.0]))
    jac = eager.jacobian(x * x, x)
    np.testing.assert_array_equal(jac.numpy(), np.diag([2.0, 4.0, 6.0]))


def test_through_cuts_gradients_at_rejected_tensors():
    x = eager.Variable(3.0)
    u = x * x
    y = u * x
    (full,) = eager.gradients(y, [x])
    (cut,) = eager.gradients(y, [x], through=lambda t: t is not u)
    assert float(full) == 27.0      # d x³ / dx
    assert float(cut) == 9.0        # u held constant: d (u·x) / dx = u


def test_the_recorded_graph_draws_with_values_and_adjoints():
    x = eager.Variable(3.0, name="x")
    y = 2 * x * x + 3
    graph, data = eager.evaluated(y)
    assert data.adjoints[x.node.id] == 12.0
    assert data.values[graph.output.id] == 21.0
    assert "digraph" in eager.draw(y)


def test_gradient_through_slices_and_a_gather_adds_repeated_picks():
    x = eager.Variable(np.arange(6.0).reshape(2, 3))
    y = (x[:, ::-1] * x[1]).sum() + x[0, [0, 0, 2]].sum()
    (g,) = eager.gradients(y, [x])
    numeric = _central(lambda v: float((eager.Tensor.leaf(v)[:, ::-1] * eager.Tensor.leaf(v)[1]).sum()
                                       + eager.Tensor.leaf(v)[0, [0, 0, 2]].sum()), x.numpy())
    np.testing.assert_allclose(g.numpy(), numeric, rtol=1e-6, atol=1e-6)
    assert g.numpy()[0, 0] == pytest.approx(2 + 5)   # x[0, 0] picked twice, and met by x[1, 2] = 5
