"""The worked examples of the lecture notes come out exactly (seeds 000, 002, 004)."""
import numpy as np
import pytest

import graphgrad as gg


def test_baydin_value_and_gradient():
    g = gg.parse("y = ln(x1) + x1*x2 - sin(x2)")
    y, dx1, dx2 = gg.grad_graph(g)(x1=2, x2=5)
    assert round(float(y), 3) == 11.652
    assert float(dx1) == pytest.approx(5.5, abs=1e-12)
    assert round(float(dx2), 3) == 1.716
    assert float(dx2) == pytest.approx(5 * 0 + 2 - np.cos(5), abs=1e-12)  # x1 - cos x2


def test_seed000_J_equals_3_ab_plus_c():
    a, b, c = gg.vars("a b c")
    J = 3 * (a * b + c)
    _, da, db, dc = gg.grad_graph(gg.Graph(J, [a, b, c]))(a=5, b=4, c=1)
    assert (float(da), float(db), float(dc)) == (12.0, 15.0, 3.0)


def test_seed000_intermediate_adjoints_are_3():
    g = gg.parse("u = a*b; v = u + c; J = 3*v")
    adj = gg.autodiff.adjoints(g)
    by_name = {n.name: n for n in g.nodes if n.name}
    outs = gg.Graph([adj[by_name["v"].id], adj[by_name["u"].id]], g.inputs)(a=5, b=4, c=1)
    assert [float(o) for o in outs] == [3.0, 3.0]


@pytest.mark.parametrize("f, x, expected", [
    (lambda x: 2 * x + 3, 0.0, 2.0),
    (lambda x: 2 * x * x + 3, 3.0, 12.0),
])
def test_seed004_gradient_tape_scalars(f, x, expected):
    assert gg.grad(f)(x) == expected


def test_seed004_gradient_tape_matrix():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(gg.grad(lambda x: 2 * x * x + 3)(x), [[4, 8], [12, 16]])
