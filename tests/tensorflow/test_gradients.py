"""``tf.custom_gradient`` and ``tf.stop_gradient``: the hand-written gradient is what tapes use, and a stopped
tensor passes none; checked against closed forms."""
import numpy as np
import pytest

import graphgrad.tensorflow as tf
from graphgrad.errors import ArgumentError


@tf.custom_gradient
def log1pexp(x):
    """log(1 + e^x) with the stable gradient 1 - 1/(1 + e^x) (TensorFlow's guide's example)."""
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))
    return tf.math.log(1 + e), grad


@tf.custom_gradient
def clip_gradient(x, y):
    """x · y, whose gradients are clipped to [-1, 1]: a rule no formula of the forward gives."""
    def grad(upstream):
        return tf.clip_by_value(upstream * y, -1.0, 1.0), tf.clip_by_value(upstream * x, -1.0, 1.0)
    return x * y, grad


def test_the_custom_gradient_is_used():
    x = tf.constant([0.0, 100.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x) * 3
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.5, 3.0])     # 3 · sigmoid(x); no NaN at 100
    assert np.isinf(y.numpy()[1])                                           # the value overflows, as in TF


def test_two_inputs_and_the_chain_rule():
    a, b = tf.Variable([0.5, 4.0]), tf.Variable([3.0, -0.1])
    with tf.GradientTape() as tape:
        z = tf.reduce_sum(tf.sin(clip_gradient(a, b)))
    ga, gb = tape.gradient(z, [a, b])
    upstream = np.cos(a.numpy() * b.numpy())
    np.testing.assert_allclose(ga.numpy(), np.clip(upstream * b.numpy(), -1, 1), rtol=1e-6)
    np.testing.assert_allclose(gb.numpy(), np.clip(upstream * a.numpy(), -1, 1), rtol=1e-6)


def test_a_wrong_number_of_gradients_is_refused():
    @tf.custom_gradient
    def f(x, y):
        return x * y, lambda upstream: upstream
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = f(x, tf.constant(2.0))
    with pytest.raises(ArgumentError, match="returned 1 gradients for its 2 tensor inputs"):
        tape.gradient(y, x)


def test_stop_gradient_passes_no_gradient():
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.stop_gradient(w * w) * w)
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [1.0, 4.0])   # w² held constant
