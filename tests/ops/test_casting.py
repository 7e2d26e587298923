"""astype: NumPy's conversion; adjoints flow back between float dtypes, not through integers."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from tests.ops.checks import assert_like_numpy


@pytest.mark.parametrize("to", [np.float32, np.float16, np.int32, np.bool_, np.float64])
def test_astype_matches_numpy(to):
    assert_like_numpy(lambda x: x.astype(to), lambda x: x.astype(to), np.array([-1.7, 0.0, 2.5]))


def test_the_adjoint_of_a_float_cast_is_cast_back_and_an_integer_cast_stops_it():
    x = ops.input("x", (3,))
    g = gg.grad_graph(gg.Graph([ops.sum(x.astype(np.float32) * 2 + x.astype(np.int32))]))
    value, dx = g(x=np.array([0.5, 1.5, -2.25]))
    assert dx.dtype == np.float64 and dx.tolist() == [2.0, 2.0, 2.0]
    assert value.dtype == np.float64 and float(value) == pytest.approx(-0.5 + 1 + 0 - 2)
    assert ops.astype(x, np.float64) is x
