"""Custom gradients (``eager.custom``): the hand-written rule is what reverse mode uses, composed by the chain
rule with the recorded operations around it; wrong rules and second derivatives are refused."""
import numpy as np
import pytest

from graphgrad import eager, ops
from graphgrad.errors import ArgumentError


def _clipped_identity(x):
    """x, with the gradient clipped to [-1, 1] on the way back (a rule no formula of the forward gives)."""
    return eager.custom("clip_grad", [x], x.value, lambda g: [np.clip(g, -1, 1)])


def test_the_rule_is_used_and_chained():
    x = eager.Variable(np.array([0.5, -2.0, 3.0]))
    y = eager.call(ops.sin, _clipped_identity(x * 3))
    (g,) = eager.gradients(y * 4, [x])
    upstream = 4 * np.cos(3 * np.array([0.5, -2.0, 3.0]))
    np.testing.assert_allclose(g.value, 3 * np.clip(upstream, -1, 1))
    np.testing.assert_array_equal(y.value, np.sin(3 * x.value))


def test_no_gradient_is_zero_and_the_count_is_checked():
    x, w = eager.Variable(np.ones(2)), eager.Variable(np.ones(2))
    z = eager.custom("first", [x, w], x.value, lambda g: [g, None])
    np.testing.assert_array_equal(eager.gradients(z, [w])[0].value, [0.0, 0.0])
    bad = eager.custom("bad", [x, w], x.value, lambda g: [g])
    with pytest.raises(ArgumentError, match="one for each of the 2 tensor inputs"):
        eager.gradients(bad, [x])


def test_second_derivatives_are_refused():
    x = eager.Variable(np.array([1.0, 2.0]))
    y = eager.custom("square", [x], x.value ** 2, lambda g: [2 * g * x.value])
    (g,) = eager.gradients(y, [x], create_graph=True)
    with pytest.raises(ArgumentError, match="cannot be differentiated again"):
        eager.gradients(g, [x])
