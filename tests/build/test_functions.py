"""gg.grad and gg.value_and_grad: a value that overflows on the way is refused, not differentiated."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad.errors import DomainError


@pytest.mark.parametrize("f, x", [(np.std, [1e200, -1e200, 3e200]), (np.linalg.norm, [1e200, 1e200])])
def test_a_value_that_overflows_is_refused_where_its_gradient_came_out_zero(f, x):
    with pytest.raises(DomainError, match="overflows at node v1"):
        gg.value_and_grad(f)(np.array(x))


def test_the_same_functions_of_representable_values_have_numpys_value_and_the_textbook_gradient():
    x = np.array([1e100, -1e100, 3e100])
    value, grad = gg.value_and_grad(np.std)(x)
    assert value == pytest.approx(np.std(x))
    np.testing.assert_allclose(grad, (x - x.mean()) / (x.size * np.std(x)))
