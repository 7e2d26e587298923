"""GradientTape: what it records, and its gradients against finite differences, SymPy and the seeds."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import graphgrad.tensorflow as tf
from graphgrad.errors import ArgumentError


@pytest.mark.parametrize("start, expected", [(0.0, 2.0), (5.0, 2.0)])
def test_linear_gradient_is_two(start, expected):
    x = tf.Variable(start)
    with tf.GradientTape() as tape:
        y = 2 * x + 3
    assert float(tape.gradient(y, x)) == expected


def test_tensor_gradient_keeps_float16():
    x = tf.Variable([[1, 2], [3, 4]], dtype=tf.float16)
    with tf.GradientTape() as tape:
        y = 2 * x * x + 3
    g = tape.gradient(y, x)
    assert g.dtype == tf.float16
    np.testing.assert_array_equal(g.numpy(), [[4, 8], [12, 16]])


def _f(x):
    return tf.reduce_sum(tf.nn.tanh(tf.matmul(x, tf.transpose(x))) * tf.exp(-tf.square(x)))


@settings(max_examples=25)
@given(st.lists(st.floats(-1.5, 1.5), min_size=4, max_size=4))
def test_gradient_matches_central_differences(values):
    start = np.array(values).reshape(2, 2)
    x = tf.Variable(start, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = _f(x)

    def f(v):
        return float(_f(tf.constant(v, dtype=tf.float64)))
    h = 1e-6
    numeric = np.zeros_like(start)
    for i in np.ndindex(start.shape):
        e = np.zeros_like(start)
        e[i] = h
        numeric[i] = (f(start + e) - f(start - e)) / (2 * h)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), numeric, rtol=1e-5, atol=1e-7)


def test_nested_tapes_give_the_second_derivative_sympy_gives():
    s = sp.Symbol("x")
    x = tf.Variable(0.8, dtype=tf.float64)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.sin(x) * x ** 3
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    expected = sp.diff(sp.sin(s) * s ** 3, s, 2).subs(s, 0.8)
    assert float(d2y) == pytest.approx(float(expected), rel=1e-12)


def test_constants_need_watch():
    c = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = c * c
    assert tape.gradient(y, c) is None
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = c * c
    assert float(tape.gradient(y, c)) == 6.0


def test_only_operations_inside_the_tape_are_recorded():
    x = tf.Variable(2.0)
    u = x * x                      # before the tape: a constant for it
    with tf.GradientTape() as tape:
        y = u * x
    assert float(tape.gradient(y, x)) == 4.0   # u, not 3x²


def test_non_persistent_tape_refuses_a_second_gradient():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_persistent_tape_differentiates_nested_sources():
    a, b = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * b
    grads = tape.gradient(y, {"a": a, "pair": [b, a]})
    assert float(grads["a"]) == 5.0 and [float(g) for g in grads["pair"]] == [2.0, 5.0]
    assert float(tape.gradient(y, [b])[0]) == 2.0


def test_unconnected_gradients():
    a, b = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * a
    assert tape.gradient(y, b) is None
    assert float(tape.gradient(y, b, unconnected_gradients="zero")) == 0.0
    assert float(tape.gradient(y, b, unconnected_gradients=tf.UnconnectedGradients.ZERO)) == 0.0
    assert tape.gradient(y, b, unconnected_gradients=tf.UnconnectedGradients.NONE) is None


def test_non_trainable_variables_are_not_watched():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None


def test_jacobian_shape_and_values():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.matmul(tf.reshape(x, (1, 2)), tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    jac = tape.jacobian(y, x)
    assert jac.shape == (1, 3, 2)
    np.testing.assert_allclose(jac.numpy()[0], [[1, 4], [2, 5], [3, 6]])


def test_the_tape_draws_its_graph_with_values_and_adjoints(tmp_path):
    x = tf.Variable(3.0, name="x")
    with tf.GradientTape() as tape:
        y = 2 * x * x + 3
    tape.gradient(y, x)
    assert [n.name for n in tape.graph.inputs] == ["x"]
    assert tape.values == {"x": 3.0}
    dot = tape.draw()
    assert "digraph" in dot and "12" in dot     # the adjoint of x
    assert tape.draw(tmp_path / "tape.dot").exists()


def test_draw_before_any_gradient_names_what_to_pass():
    with tf.GradientTape() as tape:
        pass
    with pytest.raises(ArgumentError, match="tape.draw"):
        tape.draw()


def test_output_gradients_weight_each_target_a_vector_jacobian_product():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y, z = x * x, tf.reduce_sum(x)
    weights = [tf.constant([1.0, 0.0, -2.0]), tf.constant(3.0)]
    g = tape.gradient([y, z], x, output_gradients=weights)
    np.testing.assert_allclose(g.numpy(), 2 * np.array([1.0, 2.0, 3.0]) * [1, 0, -2] + 3)
    with pytest.raises(ArgumentError, match="1 output_gradients for 2 targets"):
        tape.gradient([y, z], x, output_gradients=[tf.constant(1.0)])


def test_watched_variables_in_the_order_first_watched():
    a, b, frozen = tf.Variable(1.0), tf.Variable(2.0), tf.Variable(3.0, trainable=False)
    c = tf.constant(4.0)
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = b * a * frozen * c
        y = y * b
    assert [v is w for v, w in zip(tape.watched_variables(), (b, a))] == [True, True]
    assert len(tape.watched_variables()) == 2
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    assert len(tape.watched_variables()) == 1 and tape.watched_variables()[0] is a


def test_batch_jacobian_is_the_jacobian_of_each_example():
    x = tf.Variable(np.array([[0.5, -1.0], [2.0, 0.25], [1.5, 1.0]]))
    w = np.array([[1.0, 2.0, 0.5], [-1.0, 0.5, 3.0]])
    with tf.GradientTape() as tape:
        y = tf.tanh(tf.matmul(x, tf.constant(w)))
    jac = tape.batch_jacobian(y, x).numpy()
    slope = 1 - np.tanh(x.numpy() @ w) ** 2                      # d tanh(x w)_j / d x_i = slope_j · w_ij
    np.testing.assert_allclose(jac, slope[:, :, None] * w.T[None], rtol=1e-12)
    assert jac.shape == (3, 3, 2)


def test_sparse_labels_in_a_tape_differentiate_to_softmax_minus_one_hot():
    """Operations on the labels alone are not recorded; the recorded graph still holds together."""
    from graphgrad import keras
    z = np.array([[1.0, 2.0, 0.5]])
    logits = tf.Variable(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)([1], logits)
    p = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(tape.gradient(loss, logits).numpy(), p - [[0, 1, 0]], rtol=1e-12)


def test_nested_gradients_keep_float32():
    """Constants in derivative rules (the 3 - 1 of d x³/dx) stay weak, so nothing widens to float64."""
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert (dy.dtype, d2y.dtype) == (tf.float32, tf.float32)
    assert (float(dy), float(d2y)) == (12.0, 12.0)


def test_the_tapes_graph_traces_like_any_other():
    from graphgrad.traces import record
    x = tf.Variable(3.0, name="x")
    with tf.GradientTape() as tape:
        y = 2 * x * x + 3
    tape.gradient(y, x)
    trace = record(tape.graph, tape.values)
    assert float(trace.forward[-1].value) == 21.0 and float(trace.reverse[-1].value) == 12.0


def test_cast_is_recorded_and_carries_the_gradient_between_floats():
    x0 = np.array([1.5, -2.0, 0.25])
    x = tf.Variable(x0, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.cast(x, tf.float32) ** 3)
    grad = tape.gradient(y, x)
    h = 1e-3                                       # float32 values: a step float32 resolves
    numeric = [(np.sum(np.float32(x0 + h * e) ** 3) - np.sum(np.float32(x0 - h * e) ** 3)) / (2 * h)
               for e in np.eye(3)]
    assert y.dtype == tf.float32 and grad.dtype == tf.float64
    np.testing.assert_allclose(grad.numpy(), 3 * x0 ** 2, rtol=1e-6)
    np.testing.assert_allclose(grad.numpy(), numeric, rtol=1e-2)
    assert tf.cast(tf.constant([1, 2]), tf.float32).numpy().dtype == np.float32


def test_each_read_of_a_variable_keeps_the_value_it_saw_after_an_assign():
    """TensorFlow's numbers: b = w³ read at w = 3 gives 27 even after w.assign(10.) (not None)."""
    w = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        a, b = w * w, w * w * w
    assert float(tape.gradient(a, w)) == 6.0
    w.assign(10.0)
    assert float(tape.gradient(b, w)) == 27.0
    assert float(tape.jacobian(b, w)) == 27.0


def test_a_variable_changed_inside_the_tape_sums_the_gradients_of_its_reads():
    """TensorFlow gives 10 = 2·3 (y read w = 3) + 2·2 (w read again after assign_sub); the assign itself
    carries no gradient."""
    w = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = w * w
        w.assign_sub(1.0)
        z = y + w * w
    assert float(tape.gradient(z, w)) == 10.0


def test_maximum_and_minimum_give_a_tie_to_the_first_argument_as_tensorflow_does():
    """TensorFlow's _MaximumMinimumGrad: x gets the gradient where x >= y (maximum) or x <= y (minimum)."""
    x, y = tf.Variable([1.0, 2.0, 3.0]), tf.Variable([2.0, 2.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        high, low = tf.maximum(x, y), tf.minimum(x, y)
    assert [g.numpy().tolist() for g in tape.gradient(high, [x, y])] == [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]
    assert [g.numpy().tolist() for g in tape.gradient(low, [x, y])] == [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
