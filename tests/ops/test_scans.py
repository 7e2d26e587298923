"""cumsum and cumprod against NumPy (axis None flattens, negative axes, integer dtypes widen)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from tests.ops.checks import assert_like_numpy, seeds, shapes, values


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@settings(max_examples=10)
@given(shape=shapes(min_dims=1), dtype=st.sampled_from([np.float32, np.float64, np.int32, np.bool_]), seed=seeds,
       data=st.data())
def test_scans_match_numpy(name, shape, dtype, seed, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    v = np.round(values(shape, np.float64, seed, -2, 2), 1).astype(dtype)
    assert_like_numpy(getattr(ops, name), getattr(np, name), v, axis=axis,
                      rtol=1e-5 if dtype == np.float32 else None)


def test_a_scan_of_a_scalar_is_refused():
    with pytest.raises(gg.ShapeError, match="at least one axis"):
        ops.cumsum(ops.input("x"), axis=0)


def test_cumprod_derivative_at_a_zero_is_refused_not_wrong():
    x = ops.input("x", (3,))
    with pytest.raises(gg.DomainError):
        gg.grad_graph(gg.Graph([ops.cumprod(x)]))(x=np.array([1.0, 0.0, 2.0]))
