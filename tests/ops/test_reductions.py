"""Reductions take axes as NumPy does: 0 or -1 of a 0-d operand for sum and max, and no axis twice."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.errors import ShapeError


@pytest.mark.parametrize("reduce", [ops.sum, ops.max, ops.mean])
@pytest.mark.parametrize("axis", [0, -1, 1, (0,)])
def test_an_axis_of_a_0d_operand_is_taken_exactly_when_numpy_takes_it(reduce, axis):
    s = ops.input("s", ())
    try:
        expected = getattr(np, reduce.__name__)(np.array(3.0), axis=axis)
    except np.exceptions.AxisError:
        with pytest.raises(ShapeError, match="out of range"):
            reduce(s, axis=axis)
        return
    graph = gg.Graph([reduce(s, axis=axis)])
    assert graph(s=3.0) == expected and gg.grad_graph(graph)(s=3.0)[1] == 1.0


def test_an_axis_named_twice_is_a_shape_error_as_in_numpy():
    with pytest.raises(ShapeError, match=r"axis -2 is repeated in \(0, -2\)"):
        ops.sum(ops.input("x", (2, 3)), axis=(0, -2))
