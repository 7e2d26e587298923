"""The interpreter's domain rules: one rule for values and one for derivatives, applied by every method."""
import re

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.errors import DomainError
from graphgrad.numeric import METHODS, differentiate

# (program, point, what the one error says)
OUTSIDE = [("y = ln(x)", -1.0, "ln outside its domain at node v1 (y) = ln v0: x = -1"),
           ("y = x**-1", 0.0, "pow outside its domain at node v2 (y) = v0^v1: x = 0"),
           ("y = sqrt(x)", 0.0, "sqrt has no finite derivative at node v1 (y) = sqrt v0: x = 0"),
           ("y = x**0.5 + 1", 0.0, "pow has no finite derivative at node v1 = v0^0.5: x = 0")]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("program, x, message", OUTSIDE)
def test_every_method_refuses_a_point_outside_the_domain_naming_the_node(method, program, x, message):
    with pytest.raises(DomainError, match=re.escape(message)):
        differentiate(gg.parse(program), {"x": x}, method)


def test_a_pole_of_a_power_is_outside_the_domain_as_division_by_zero_is():
    for program in ("y = x**-1", "y = 1/x", "y = x**-2.0"):
        with pytest.raises(DomainError, match="outside its domain"):
            gg.parse(program)(x=0.0)
    assert gg.parse("y = x**0")(x=0.0) == 1 and gg.parse("y = x**2")(x=0.0) == 0


def test_a_constant_outside_the_domain_is_shown_by_its_value():
    with pytest.raises(DomainError, match="ln 0: the constant 0 "):
        gg.parse("y = x + ln(0)")(x=1.0)


@pytest.mark.parametrize("method", METHODS)
def test_the_derivative_of_x_to_the_power_zero_is_zero_at_zero(method):
    value, grad = differentiate(gg.parse("y = x**0.0"), {"x": 0.0}, method)
    assert (value, grad["x"]) == (1.0, 0.0)


# (program, a point of finite values where a node overflows, what the one error says)
OVERFLOWS = [("y = sum(prod(x))", [1e300, 1e300, 1.0], "prod overflows at node v1 = prod v0 (a value of inf"),
             ("y = std(x)", [1e200, -1e200, 3e200], "var overflows at node v1 = var v0 (a value of inf"),
             ("y = norm(x)", [1e200, 1e200],
              "mul overflows at node v1 = v0·v0: x = 1e+200, x = 1e+200 at index (0,) (a value of inf")]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("program, x, message", OVERFLOWS)
def test_every_method_refuses_a_value_that_overflows_naming_the_node(method, program, x, message):
    """Forward mode printed NaN and reverse mode inf for the product; std and norm printed zero gradients."""
    graph = gg.parse(program, shapes={"x": (len(x),)})
    with pytest.raises(DomainError, match=re.escape(message)):
        differentiate(graph, {"x": np.array(x)}, method)


@pytest.mark.parametrize("method", ["reverse", "forward"])
def test_an_infinite_input_is_no_overflow_and_passes_through(method):
    """inf given is inf computed with: y = 2x at x = inf is inf, with derivative 2."""
    value, grad = differentiate(gg.parse("y = 2*x"), {"x": np.inf}, method)
    assert (value, grad["x"]) == (np.inf, 2.0)
