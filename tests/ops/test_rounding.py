"""Rounding and remainders against NumPy; their derivatives are 0 (rounding), 1 and -floor(x/y) (remainders)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from tests.ops.checks import DTYPES, assert_like_numpy, broadcastable, evaluate, seeds, shapes, values


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "rint"])
@settings(max_examples=6)
@given(shape=shapes(), dtype=st.sampled_from(DTYPES), seed=seeds)
def test_rounding_matches_numpy(name, shape, dtype, seed):
    v = values(shape, dtype, seed, -5, 5)
    v.flat[:1] = 2.5  # a half: rint rounds it to even
    assert_like_numpy(getattr(ops, name), getattr(np, name), v)


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "rint"])
def test_rounding_keeps_integers_as_numpy_does(name):
    assert_like_numpy(getattr(ops, name), getattr(np, name), np.arange(-2, 3, dtype=np.int32))


@pytest.mark.parametrize("decimals", [0, 1, 2, -1])
def test_round_matches_numpy(decimals):
    v = np.array([0.125, 2.5, -1.375, 13.0, 1.005], np.float64)
    assert_like_numpy(lambda x: ops.round(x, decimals), lambda x: np.round(x, decimals), v)
    assert_like_numpy(lambda x: np.round(x, decimals), lambda x: np.round(x, decimals), v)


@pytest.mark.parametrize("name, reference", [("mod", np.mod), ("fmod", np.fmod)])
@settings(max_examples=8)
@given(pair=broadcastable(2), dtype=st.sampled_from(DTYPES + [np.int32]), seed=seeds)
def test_remainders_match_numpy_signs_included(name, reference, pair, dtype, seed):
    a = np.round(values(pair[0], np.float64, seed, -7, 7), 1).astype(dtype)
    b = values(pair[1], np.float64, seed + 1, -3, 3).astype(dtype)
    b = np.where(b == 0, 2, b).astype(dtype)
    assert_like_numpy(getattr(ops, name), reference, a, b)


def test_percent_operator_is_numpys_mod():
    assert_like_numpy(lambda a, b: a % b, np.mod, np.array([-7.5, 7.5, 3.0]), np.array([2.0, -2.0, 1.5]))
    assert_like_numpy(lambda a: 10 % a, lambda a: np.mod(10, a), np.array([3, -4], np.int32))


def test_remainder_by_zero_is_refused():
    with pytest.raises(gg.DomainError, match="non-zero divisor"):
        evaluate(ops.mod, np.array([1.0]), np.array([0.0]))


def test_derivatives_are_zero_and_one():
    x, y = gg.vars("x y")
    g = gg.grad_graph(gg.Graph([ops.floor(x) * y + ops.mod(x, y)]))
    _, dx, dy = g(x=7.5, y=2.0)
    assert (dx, dy) == (1.0, 7.0 - 3.0)   # d/dx: 0·y + 1;  d/dy: floor(x) - floor(x/y)
