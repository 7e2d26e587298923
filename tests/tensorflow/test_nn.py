"""tf.nn and the tf.math losses of seed 001 against their formulas in NumPy."""
import numpy as np

import graphgrad.tensorflow as tf

Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
Z = np.array([[2.0, 1.0, 0.1], [0.5, 3.0, -1.0]])


def test_softmax_cross_entropy_with_logits_is_minus_sum_y_log_softmax():
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    expected = -(Y * np.log(p)).sum(axis=1)
    got = tf.nn.softmax_cross_entropy_with_logits(tf.constant(Y), tf.constant(Z))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(float(tf.reduce_mean(got)), expected.mean(), rtol=1e-12)


def test_mean_squared_error_of_seed_001():
    loss = tf.reduce_mean(tf.square(tf.subtract(tf.constant(Y), tf.constant(Z))))
    assert float(loss) == np.mean((Y - Z) ** 2)


def test_activations():
    z = tf.constant([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(tf.nn.sigmoid(z).numpy(), 1 / (1 + np.exp([1.0, 0.0, -2.0])), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.tanh(z).numpy(), np.tanh([-1.0, 0.0, 2.0]), rtol=1e-6)
    np.testing.assert_array_equal(tf.nn.relu(z).numpy(), [0.0, 0.0, 2.0])
    np.testing.assert_allclose(tf.nn.softmax(z).numpy().sum(), 1.0, rtol=1e-6)


def test_sigmoid_cross_entropy_with_logits():
    y, z = np.array([0.0, 1.0, 1.0]), np.array([-2.0, 0.5, 30.0])
    p = 1 / (1 + np.exp(-z))
    expected = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    got = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=tf.constant(z))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-9, atol=1e-12)
