"""Dtypes follow NumPy 2: the promotion of the arrays, Python numbers weak, functions of calculus in floats,
comparisons in bools; derivatives only for floats."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from numpy_reference import evaluate

DTYPES = [np.bool_, np.int8, np.int32, np.int64, np.uint8, np.float16, np.float32, np.float64]
OPERANDS = st.one_of(st.sampled_from(DTYPES), st.sampled_from([2, 1.5]))   # a dtype, or a weak Python number
BINARY = [(ops.add, np.add), (ops.mul, np.multiply), (ops.div, np.divide), (ops.maximum, np.maximum),
          (ops.arctan2, np.arctan2), (ops.mod, np.mod), (ops.lt, np.less), (ops.hypot, np.hypot),
          (ops.matmul, np.matmul), (lambda a, b: ops.where(np.array([True, False]), a, b), lambda a, b:
                                    np.where(np.array([True, False]), a, b))]
UNARY = [(ops.exp, np.exp), (ops.floor, np.floor), (ops.square, np.square), (ops.sum, np.sum),
         (ops.mean, np.mean), (ops.prod, np.prod), (ops.cumsum, np.cumsum), (ops.var, np.var),
         (ops.argmax, np.argmax), (ops.isfinite, np.isfinite), (ops.abs, np.abs)]


def _operand(kind):
    return kind if isinstance(kind, (int, float)) else np.ones(2, dtype=kind)


@pytest.mark.parametrize("op, reference", BINARY, ids=lambda f: getattr(f, "name", getattr(f, "__name__", "")))
@settings(max_examples=25)
@given(left=OPERANDS, right=OPERANDS)
def test_binary_result_dtypes_are_numpys(op, reference, left, right):
    a, b = _operand(left), _operand(right)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) or (reference is np.matmul and
                                                                      not (np.ndim(a) and np.ndim(b))):
        return
    try:
        with np.errstate(all="ignore"):
            want = np.asarray(reference(a, b)).dtype
    except TypeError:
        return   # NumPy refuses it too (booleans subtracted, say)
    value, node = evaluate(op, a, b)
    assert node.dtype == want and value.dtype == want


@pytest.mark.parametrize("op, reference", UNARY, ids=lambda f: getattr(f, "__name__", ""))
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_result_dtypes_are_numpys(op, reference, dtype):
    a = np.ones(2, dtype=dtype)
    try:
        want = np.asarray(reference(a)).dtype
    except TypeError:
        return
    value, node = evaluate(op, a)
    assert node.dtype == want and value.dtype == want


def test_an_int32_matmul_stays_int32_and_constants_keep_their_dtype():
    value, node = evaluate(lambda a, b: a @ b, np.array([[1, 2], [3, 4]], np.int32), np.array([[5], [6]], np.int32))
    assert node.dtype == np.int32 and value.tolist() == [[17], [39]]
    assert gg.const(np.arange(3, dtype=np.int16)).dtype == np.int16 and gg.const(True).dtype == np.bool_
    assert (ops.input("x", (2,), np.float32) * 3).dtype == np.float32


def test_derivatives_with_respect_to_integers_are_refused():
    n, x = ops.input("n", (2,), np.int32), ops.input("x", (2,))
    graph = gg.Graph([ops.sum(n * x)])
    with pytest.raises(gg.ArgumentError, match="'?n'? is not differentiable.*int32"):
        gg.grad_graph(graph, ["n"])
    _, dx = gg.grad_graph(graph, ["x"])(n=np.array([2, 3]), x=np.array([1.0, 1.0]))
    assert dx.tolist() == [2.0, 3.0]
