"""The functions of calculus against NumPy: values, shapes and dtypes (float32 stays float32, integers become
floats as NumPy makes them), and their domains."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from tests.ops.checks import DTYPES, assert_like_numpy, broadcastable, evaluate, seeds, shapes, values

# name, values mapped into the domain
UNARY = [("log2", np.abs), ("log10", np.abs), ("log1p", lambda v: np.abs(v) - 0.9), ("expm1", None),
         ("exp2", None), ("sinh", None), ("cosh", None), ("arcsin", lambda v: v / 2), ("arccos", lambda v: v / 2),
         ("arctan", None), ("arcsinh", None), ("arccosh", lambda v: np.abs(v) + 1), ("arctanh", lambda v: v / 2.1),
         ("sinc", None), ("cbrt", None), ("square", None), ("reciprocal", lambda v: v + (v == 0)),
         ("deg2rad", lambda v: v * 90), ("rad2deg", None)]
BINARY = [("arctan2", None), ("hypot", None), ("logaddexp", lambda v: v * 300), ("logaddexp2", None)]


@pytest.mark.parametrize("name, fix", UNARY, ids=[u[0] for u in UNARY])
@settings(max_examples=6)
@given(shape=shapes(), dtype=st.sampled_from(DTYPES), seed=seeds)
def test_unary_matches_numpy(name, fix, shape, dtype, seed):
    v = values(shape, dtype, seed)
    v = (fix(v) if fix else v).astype(dtype)
    assert_like_numpy(getattr(ops, name), getattr(np, name), v, rtol=1e-5 if dtype == np.float32 else None)


@pytest.mark.parametrize("name, fix", BINARY, ids=[b[0] for b in BINARY])
@settings(max_examples=6)
@given(pair=broadcastable(2), dtype=st.sampled_from(DTYPES), seed=seeds)
def test_binary_matches_numpy_with_broadcasting(name, fix, pair, dtype, seed):
    a, b = (values(s, dtype, seed + k) for k, s in enumerate(pair))
    a, b = ((fix(a), fix(b)) if fix else (a, b))
    assert_like_numpy(getattr(ops, name), getattr(np, name), a.astype(dtype), b.astype(dtype),
                      rtol=1e-5 if dtype == np.float32 else None)


@pytest.mark.parametrize("name", ["log2", "sinh", "arctan", "cbrt", "deg2rad"])
def test_integers_become_the_float_numpy_picks(name):
    for dtype in (np.int8, np.int32, np.bool_):
        assert_like_numpy(getattr(ops, name), getattr(np, name), np.arange(1, 4).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_erf_matches_scipy(dtype):
    from scipy import special
    v = np.linspace(-3, 3, 13).astype(dtype)
    assert_like_numpy(ops.erf, special.erf, v)


def test_python_scalars_are_weak():
    x32 = np.array([0.5, 1.5], np.float32)
    assert_like_numpy(ops.arctan2, np.arctan2, x32, 2.0)
    assert_like_numpy(ops.logaddexp, np.logaddexp, 1, x32)


@pytest.mark.parametrize("name, outside", [("log2", 0.0), ("log10", -1.0), ("log1p", -1.0), ("arcsin", 1.5),
                                           ("arccos", -1.01), ("arccosh", 0.5), ("arctanh", 1.0),
                                           ("reciprocal", 0.0)])
def test_outside_the_domain_is_refused_naming_the_rule(name, outside):
    with pytest.raises(gg.DomainError, match=name):
        evaluate(getattr(ops, name), np.array([0.5, outside]))


def test_sinc_derivative_at_zero_is_zero():
    x = ops.input("x")
    assert gg.grad_graph(gg.Graph([ops.sinc(x)]))(x=0.0)[1] == 0.0
