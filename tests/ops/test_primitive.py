"""Weak typing: Python numbers take the dtype of what they meet, so float32 programs stay float32 through
their derivatives (as in NumPy 2 and JAX), also where the rules compute with constants (x**2 -> 2·x**(2-1))."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops

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
