"""Elementwise primitives at the edges of their domains: pow's partials at base 0, and xlogy, which writes
pow's exponent partial x^y·ln x so that its limit 0 at x = 0 is the value."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.errors import DomainError
from graphgrad.numeric.compare import differentiate

# dz/dx, dz/dy of z = x**y at x = 0, recorded from PyTorch 2 (float64): (y, dz/dx, dz/dy)
PYTORCH_AT_BASE_ZERO = [(2.0, 0.0, 0.0), (1.0, 1.0, 0.0), (3.5, 0.0, 0.0)]


def test_xlogy_is_x_ln_y_and_zero_where_x_is_zero():
    x, y = np.array([0.0, 2.0, 0.0, -1.5]), np.array([0.0, 3.0, 5.0, 0.25])
    with np.errstate(all="ignore"):      # 0·ln 0 is NaN in NumPy
        expected = np.where(x == 0, 0.0, x * np.log(y))
    np.testing.assert_array_equal(_graph(ops.xlogy, (4,))(x, y), expected)


def _graph(f, shape):
    x, y = gg.vars("x y", shape=shape)
    return gg.Graph([f(x, y)], [x, y])


def test_xlogy_refuses_ln_of_a_non_positive_y_where_x_is_not_zero():
    with pytest.raises(DomainError, match="xlogy outside its domain"):
        _graph(ops.xlogy, ())(2.0, -1.0)


@pytest.mark.parametrize("y, dx, dy", PYTORCH_AT_BASE_ZERO)
def test_pow_at_base_zero_has_pytorchs_derivative(y, dx, dy):
    """d 0^y / dy is the limit 0 (x^y·ln x -> 0 as x -> 0+), not 0·(-inf); it was refused as ln of 0."""
    got = gg.grad(lambda x, y: x ** y, argnums=(0, 1))(0.0, y)
    assert got == (dx, dy)


@pytest.mark.parametrize("method", ["reverse", "forward", "numeric"])
def test_every_method_agrees_on_pow_at_base_zero_with_finite_differences(method):
    """One-sided differences in y (0^(y+h) = 0 for y > 0) and central ones in x give the same numbers."""
    graph = _graph(lambda x, y: x ** y, ())
    h = 1e-6
    by_differences = {"x": (h ** 2 - (-h) ** 2) / (2 * h), "y": (0.0 ** (2 + h) - 0.0 ** 2) / h}
    _, grad = differentiate(graph, {"x": 0.0, "y": 2.0}, method)
    assert {k: float(v) for k, v in grad.items()} == pytest.approx(by_differences, abs=1e-9)


def test_pow_at_zero_to_the_zero_is_still_refused():
    """At 0^0 the partial in y diverges (ln x -> -inf), so there is no derivative to report."""
    with pytest.raises(DomainError, match="pow has no finite derivative"):
        differentiate(_graph(lambda x, y: x ** y, ()), {"x": 0.0, "y": 0.0})
