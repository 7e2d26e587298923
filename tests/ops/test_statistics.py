"""var, std, logsumexp and norm against NumPy and SciPy, with their refusals."""
import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from tests.ops.checks import assert_like_numpy, evaluate, seeds, shapes, values


@pytest.mark.parametrize("name", ["var", "std"])
@settings(max_examples=10)
@given(shape=shapes(min_dims=1, min_side=2), ddof=st.sampled_from([0, 1]), keepdims=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64, np.int32]), seed=seeds, data=st.data())
def test_var_and_std_match_numpy(name, shape, ddof, keepdims, dtype, seed, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1),
                                  st.just((0, -1) if len(shape) > 1 else 0)))
    v = np.round(values(shape, np.float64, seed, -3, 3), 1).astype(dtype)
    assert_like_numpy(getattr(ops, name), getattr(np, name), v, axis=axis, ddof=ddof, keepdims=keepdims,
                      rtol=1e-5 if dtype == np.float32 else 1e-10)


def test_var_with_no_degrees_of_freedom_is_refused():
    with pytest.raises(gg.ShapeError, match="ddof=1"):
        ops.var(ops.input("x", (1, 3)), axis=0, ddof=1)


@settings(max_examples=10)
@given(shape=shapes(min_dims=1, min_side=1), keepdims=st.booleans(), seed=seeds, data=st.data())
def test_logsumexp_matches_scipy_and_is_stable(shape, keepdims, seed, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    v = values(shape, np.float64, seed, -800, 800)
    assert_like_numpy(ops.logsumexp, scipy.special.logsumexp, v, axis=axis, keepdims=keepdims)
    assert_like_numpy(ops.logsumexp, scipy.special.logsumexp, v.astype(np.float32), axis=axis, keepdims=keepdims,
                      rtol=1e-5)


@pytest.mark.parametrize("ord, axis", [(None, None), (None, 1), (2, -1), (1, 0), (np.inf, 1), (-np.inf, None),
                                       (3, 1), (0.5, None), ("fro", None), (None, (0, 1))])
def test_norm_matches_numpy(ord, axis):
    v = np.random.default_rng(1).normal(size=(3, 4)) if ord != 0.5 and ord != -np.inf else np.arange(1.0, 5.0)
    assert_like_numpy(ops.norm, np.linalg.norm, v, ord=ord, axis=axis, keepdims=False)
    assert_like_numpy(ops.norm, np.linalg.norm, v, ord=ord, axis=axis, keepdims=True)


@pytest.mark.parametrize("ord, axis", [(2, None), ("nuc", None), (1, (0, 1)), ("fro", 0), (-1, 0)])
def test_matrix_norms_and_unknown_orders_are_refused(ord, axis):
    with pytest.raises(gg.ArgumentError, match="norm"):
        evaluate(ops.norm, np.ones((2, 2)), ord=ord, axis=axis)
