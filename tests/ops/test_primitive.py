"""Dtypes follow NumPy 2: the promotion of the arrays, Python numbers weak (so float32 programs stay float32
through their derivatives), functions of calculus in floats, comparisons in bools; derivatives only for floats."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from tests.ops.checks import evaluate

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


positive = lambda x: x * x + 1
BUILDERS = {
    "scale": lambda x: 2 * x - 1.5, "div": lambda x: x / 3, "square": lambda x: x ** 2, "exp2": lambda x: 2 ** x,
    "root": lambda x: positive(x) ** 0.5, "inverse": lambda x: positive(x) ** -1, "ln": lambda x: ops.ln(positive(x)),
    "sqrt": lambda x: ops.sqrt(positive(x)), "tan": ops.tan, "tanh": ops.tanh, "sigmoid": ops.sigmoid,
    "softplus": ops.softplus, "relu": lambda x: ops.relu(x - 0.25), "maximum": lambda x: ops.maximum(x, 0.5),
    "mean": lambda x: ops.mean(x, axis=1) + 1, "max": lambda x: ops.max(x) * 3, "softmax": lambda x: ops.softmax(x) * 2,
    "log_softmax": lambda x: ops.log_softmax(x) - 1, "matmul": lambda x: (x @ np.ones((3, 2), np.float32)) / 2,
}


@pytest.mark.parametrize("name", BUILDERS)
def test_float32_with_python_numbers_stays_float32_in_value_and_derivatives(name):
    x = ops.input("x", (2, 3), np.float32)
    graph = gg.Graph([ops.sum(BUILDERS[name](x))], [x])
    at = np.full((2, 3), 0.5, np.float32)
    for derived, values in ((gg.grad_graph(graph), {"x": at}), (gg.jvp_graph(graph), {"x": at, "x_dot": at})):
        assert [n.op.name for n in derived.nodes if n.dtype != np.float32 and not n.weak] == []
        assert [np.asarray(v).dtype for v in gg.backends.numpy_backend.evaluate(derived, values)] == [np.float32] * 2


def test_an_operation_on_python_numbers_only_is_weak():
    x = ops.input("x", (), np.float32)
    assert (ops.const(2.0) - 1).weak and not (x - 1).weak and (x * (ops.const(2.0) - 1)).dtype == np.float32
