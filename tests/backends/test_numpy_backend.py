"""The interpreter's domain rules: one rule for values and one for derivatives, applied by every method."""
import re

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
