"""softmax and log_softmax of a 0-d array: one element along axis 0 or -1, as in PyTorch and SciPy."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.autodiff import jacobian

# f(x), df/dx at x = 3 for a 0-d float64 x along axis -1 and 0, recorded from PyTorch 2 (they were refused)
PYTORCH_0D = [(ops.softmax, 1.0, 0.0), (ops.log_softmax, 0.0, 0.0)]


@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("f, value, derivative", PYTORCH_0D)
def test_a_scalar_is_one_element_with_pytorchs_value_and_derivative(f, value, derivative, axis):
    x = gg.vars("x")
    graph = gg.Graph([f(x, axis=axis)], [x])
    assert gg.value_and_grad(lambda x: f(x, axis=axis))(np.float64(3.0)) == (value, derivative)
    assert jacobian(graph, {"x": 3.0})["x"] == derivative
    v = gg.vars("v", shape=(1,))
    assert graph(3.0) == gg.Graph([f(v)], [v])(np.array([3.0]))[0] == value   # as of the vector [3]


def test_a_scalar_has_no_other_axis():
    with pytest.raises(gg.ShapeError, match="softmax of a scalar takes axis 0 or -1 .* got axis 1"):
        ops.softmax(gg.vars("x"), axis=1)
