"""Eager tensors: values computed when an op is applied, nodes recorded only when something is tracked."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad import eager, ops
from graphgrad.errors import ArgumentError, DomainError, InputValueError, ShapeError


def test_values_are_computed_when_the_op_is_applied():
    x = eager.Tensor.leaf(np.array([1.0, 2.0, 3.0]))
    y = (x * x).sum()
    assert float(y) == 14.0


def test_untracked_results_are_fresh_leaves_that_keep_nothing():
    x = eager.Tensor.leaf(2.0)
    y = x * 3
    assert y.is_leaf and y.node.is_input and float(y) == 6.0


def test_tracked_results_record_their_operands():
    x = eager.Variable(2.0)
    y = x * 3
    assert not y.is_leaf
    assert y.parents[0] is x.snapshot()
    assert y.node.inputs[0] is x.node


def test_no_grad_switches_recording_off():
    x = eager.Variable(2.0)
    with eager.no_grad():
        y = x * 3
    assert y.is_leaf and eager.is_recording()


def test_assign_keeps_recorded_history():
    x = eager.Variable(3.0)
    y = x * x
    x.assign(5.0)
    (g,) = eager.gradients(y, [y.parents[0]])
    assert float(g) == 6.0   # 2·x at the recorded x = 3
    assert float(x) == 5.0


def test_take_holds_an_optimizers_array_as_it_is_read_only_and_keeps_recorded_history():
    x = eager.Variable([1.0, 2.0])
    y = (x * x).sum()
    new = np.array([5.0, 6.0])
    x.take(new)
    assert x.value is new and not new.flags.writeable   # held without a copy, and no one writes it now
    (g,) = eager.gradients(y, [y.parents[0].parents[0]])
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])   # 2·x at the recorded x = [1, 2]


def test_take_of_another_dtype_casts_as_assign_does():
    x = eager.Variable(np.array([1.0, 2.0], np.float16))
    x.take(np.array([0.1, 1000.1]))
    assert x.value.dtype == np.float16 and x.node.dtype == np.float16
    np.testing.assert_array_equal(x.value, np.array([0.1, 1000.1]).astype(np.float16))


def test_assign_refuses_another_shape():
    x = eager.Variable([1.0, 2.0])
    with pytest.raises(InputValueError, match="shape"):
        x.assign([1.0, 2.0, 3.0])


def test_int32_batched_matmul_keeps_int32():
    a = eager.Tensor.leaf(np.arange(1, 13, dtype=np.int32).reshape(2, 2, 3))
    b = eager.Tensor.leaf(np.arange(13, 25, dtype=np.int32).reshape(2, 3, 2))
    c = a @ b
    assert c.dtype == np.int32
    np.testing.assert_array_equal(c.numpy(), np.matmul(a.numpy(), b.numpy()))


def test_integer_division_gives_floats_as_in_numpy():
    a = eager.Tensor.leaf(np.array([1, 2], dtype=np.int32))
    half = a / 2
    assert half.dtype == np.float64 and half.numpy().tolist() == [0.5, 1.0]


def test_domain_errors_name_the_op():
    with pytest.raises(DomainError, match="ln"):
        eager.call(ops.log, eager.Tensor.leaf(-1.0))


def test_builders_using_free_inputs_are_refused():
    with pytest.raises(ArgumentError, match="'z'"):
        eager.call(lambda x: x + ops.input("z"), eager.Tensor.leaf(1.0))


def test_non_numbers_are_refused():
    with pytest.raises(InputValueError):
        eager.Tensor.leaf("abc")


def test_lift_applies_composite_builders():
    softmax = eager.lift(ops.softmax)
    p = softmax(eager.Tensor.leaf(np.array([[1.0, 2.0, 3.0]])))
    np.testing.assert_allclose(p.numpy().sum(), 1.0)


@settings(max_examples=30)
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=6))
def test_eager_values_match_the_numpy_interpreter(xs):
    """The eager value of an expression equals the value of its recorded graph run by the interpreter."""
    x = eager.Variable(np.array(xs))
    y = (eager.call(ops.tanh, x) * x + eager.call(ops.exp, -x * x)).mean()
    graph, known = eager.graph_of(y)
    np.testing.assert_allclose(graph(**eager.values_of(graph, known)), y.numpy(), rtol=1e-12)


def test_overflow_gives_inf_without_a_warning_and_leaves_numpys_error_state_alone():
    before = np.geterr()
    x = eager.Tensor.leaf(np.array([3e38, -1.0], np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x * 10
    np.testing.assert_array_equal(y.value, np.array([np.inf, -10.0], np.float32))
    assert np.geterr() == before
    with pytest.warns(RuntimeWarning):          # NumPy itself still warns outside graphgrad's operations
        np.array([3e38], np.float32) * np.float32(10)


def test_a_remembered_result_shape_still_refuses_another_shape():
    """The result shapes and dtypes remembered for a loop's repeated operation are keyed by the operands'
    shapes, dtypes and weakness, and by the parameters with their types."""
    a, b = eager.Tensor.leaf(np.ones(2, np.float32)), eager.Tensor.leaf(np.ones(2, np.float32))
    assert (a + b).value.dtype == np.float32 and (a + 1).value.dtype == np.float32
    assert (a + eager.Tensor.leaf(np.ones(2))).value.dtype == np.float64
    with pytest.raises(ShapeError):
        a + eager.Tensor.leaf(np.ones(3, np.float32))
    m = eager.Tensor.leaf(np.ones((2, 3)))
    assert m.sum(axis=1).shape == (2,) and m.sum(axis=0).shape == (3,)
    assert m.sum(axis=1, keepdims=True).shape == (2, 1)
