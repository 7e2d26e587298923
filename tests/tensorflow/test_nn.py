"""tf.nn and the tf.math losses of seed 001 against their formulas in NumPy."""
import numpy as np
from scipy import special

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


def test_more_activations_and_their_gradients_against_closed_forms():
    z = np.array([-3.0, -0.5, 0.25, 2.0])
    x = tf.Variable(z)
    cases = [  # activation, its value, its derivative
        (lambda v: tf.nn.leaky_relu(v), np.where(z > 0, z, 0.2 * z), np.where(z > 0, 1, 0.2)),
        (tf.nn.elu, np.where(z > 0, z, np.expm1(z)), np.where(z > 0, 1, np.exp(z))),
        (tf.nn.selu, 1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * np.expm1(z)),
         1.0507009873554805 * np.where(z > 0, 1, 1.6732632423543772 * np.exp(z))),
        (tf.nn.gelu, z * special.ndtr(z), special.ndtr(z) + z * np.exp(-z * z / 2) / np.sqrt(2 * np.pi)),
    ]
    for activation, value, slope in cases:
        with tf.GradientTape() as tape:
            y = activation(x)
        np.testing.assert_allclose(y.numpy(), value, rtol=1e-12)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), slope, rtol=1e-12)
    tanh_form = 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3)))
    np.testing.assert_allclose(tf.nn.gelu(tf.constant(z), approximate=True).numpy(), tanh_form, rtol=1e-12)
