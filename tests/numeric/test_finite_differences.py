"""Finite differences agree with reverse mode, and their error against the step is V-shaped."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import graphgrad as gg
from graphgrad.numeric import error_vs_step, gradient

BAYDIN = gg.parse("y = ln(x1) + x1*x2 - sin(x2)")


@given(st.floats(0.2, 5), st.floats(-5, 5))
def test_central_differences_match_reverse_mode(x1, x2):
    num = gradient(BAYDIN, {"x1": x1, "x2": x2})
    _, g1, g2 = gg.grad_graph(BAYDIN)(x1=x1, x2=x2)
    assert num["x1"] == pytest.approx(float(g1), rel=1e-5, abs=1e-7)
    assert num["x2"] == pytest.approx(float(g2), rel=1e-5, abs=1e-7)


def test_tensor_inputs_get_a_gradient_per_element():
    g = gg.parse("y = sum(W @ x)", shapes={"W": (2, 3), "x": (3,)})
    W, x = np.arange(6.0).reshape(2, 3), np.array([1.0, -1, 2])
    num = gradient(g, {"W": W, "x": x})
    np.testing.assert_allclose(num["W"], np.tile(x, (2, 1)), rtol=1e-7)
    np.testing.assert_allclose(num["x"], W.sum(axis=0), rtol=1e-7)


def test_error_against_step_is_v_shaped():
    rows = error_vs_step(BAYDIN, {"x1": 2, "x2": 5})
    central = [r["central"] for r in rows]
    best = int(np.argmin(central))
    assert 0 < best < len(rows) - 1               # the minimum is inside the range: a V
    assert central[0] > 1e3 * central[best]       # round-off dominates at tiny steps
    assert central[-1] > 1e3 * central[best]      # truncation dominates at large steps
    assert 1e-7 < rows[best]["step"] < 1e-2       # near ε^(1/3) ≈ 6e-6


def test_a_point_next_to_a_domain_edge_is_reported_not_nan():
    g = gg.parse("y = ln(x)")
    with pytest.raises(gg.DomainError, match="too close to a domain edge"):
        gradient(g, {"x": 1e-12})
    from graphgrad.numeric import compare
    rows = {r["method"]: r for r in compare(g, {"x": 1e-12}).rows}
    assert "domain edge" in rows["numeric"]["unavailable"] and rows["reverse"]["grad"]["x"] == pytest.approx(1e12)
