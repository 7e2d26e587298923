"""``tf.math``'s table: every name as ``tf.math.name`` and ``tf.name``, against NumPy's function of the same
meaning (TensorFlow is not installed: its elementwise functions are NumPy's to float tolerance), with TensorFlow's
dtypes; comparisons and iteration of tensors."""
import numpy as np
import pytest
from scipy import special

import graphgrad.tensorflow as tf
from graphgrad.tensorflow.math import BINARY, REDUCTIONS, UNARY

X = np.array([[-2.5, -0.5, 0.0], [1.5, 2.5, 3.75]], np.float32)
UNIT = np.array([[0.125, 0.25, 0.5], [0.625, 0.75, 0.875]], np.float32)
Y = np.array([[1.5, -0.5, 2.0], [-1.5, 2.5, 1.0]], np.float32)
IN_UNIT = {"reciprocal", "sqrt", "log", "log1p", "asin", "acos", "atanh"}
# TensorFlow's name -> NumPy's (or SciPy's) function of the same meaning, where the names differ
NUMPY = {"negative": np.negative, "log": np.log, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
         "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "sigmoid": special.expit,
         "softplus": lambda x: np.logaddexp(0, x), "erf": special.erf, "is_finite": np.isfinite,
         "subtract": np.subtract, "multiply": np.multiply, "truediv": np.divide, "atan2": np.arctan2,
         "floormod": np.mod, "floordiv": np.floor_divide, "not_equal": np.not_equal, "less": np.less,
         "less_equal": np.less_equal,
         "greater": np.greater, "greater_equal": np.greater_equal, "reduce_sum": np.sum, "reduce_mean": np.mean,
         "reduce_max": np.max, "reduce_min": np.min, "reduce_prod": np.prod, "reduce_std": np.std,
         "reduce_variance": np.var, "reduce_logsumexp": special.logsumexp, "reduce_any": np.any,
         "reduce_all": np.all}


def reference(name):
    return NUMPY.get(name) or getattr(np, name)


def unary_operand(name):
    return UNIT + 1 if name == "acosh" else UNIT if name in IN_UNIT else X


def _same(got, expected):
    expected = np.asarray(expected)
    assert got.dtype.as_numpy_dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_allclose(got.numpy(), expected, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    x = unary_operand(name)
    _same(getattr(tf.math, name)(tf.constant(x)), reference(name)(x))
    assert getattr(tf, name) is getattr(tf.math, name)


@pytest.mark.parametrize("name", BINARY)
def test_binary(name):
    y = np.where(Y == 0, 1, Y) if name in ("floormod", "floordiv", "divide", "truediv") else Y
    x = np.abs(X) if name == "pow" else X
    _same(getattr(tf.math, name)(tf.constant(x), tf.constant(y)), reference(name)(x, y))
    assert getattr(tf, name) is getattr(tf.math, name)


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, False), (0, True)])
def test_reduction(name, axis, keepdims):
    x = X > 0 if name in ("reduce_any", "reduce_all") else X
    _same(getattr(tf.math, name)(tf.constant(x), axis=axis, keepdims=keepdims),
          reference(name)(x, axis=axis, keepdims=keepdims))


def test_python_numbers_take_the_tensors_dtype():
    assert tf.math.multiply(tf.constant([1, 2]), 3).dtype == tf.int32
    assert tf.add(2.5, tf.constant([1.0], tf.float64)).dtype == tf.float64


def test_comparisons_are_elementwise_boolean_tensors():
    x, y = tf.constant(X), tf.constant(Y)
    for got, expected in [(x < y, X < Y), (x <= y, X <= Y), (x > 0.5, X > 0.5), (0.5 < x, X > 0.5),
                          (x >= y, X >= Y), (x == y, X == Y), (x != y, X != Y)]:
        assert got.dtype == tf.bool
        np.testing.assert_array_equal(got.numpy(), expected)
    assert (x == None) is False and (x != None) is True   # noqa: E711  (TensorFlow's answers)


def test_iteration_gives_the_rows():
    rows = list(tf.constant(X))
    assert len(rows) == 2 and rows[1].shape == (3,)
    np.testing.assert_array_equal(rows[1].numpy(), X[1])
    with pytest.raises(TypeError, match="scalar"):
        iter(tf.constant(1.0))
