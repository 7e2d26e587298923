"""Making, joining, picking, padding, norms and clipping in the TF spelling, against NumPy and closed forms, with
TensorFlow's dtypes (int32 for Python ints, float32 for Python floats)."""
import numpy as np

import graphgrad.tensorflow as tf

M = np.array([[3.0, -4.0, 0.5], [1.0, 2.0, -2.0]], np.float32)


def _same(got, expected, dtype):
    assert got.dtype == dtype
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


def test_ranges_and_identity():
    _same(tf.range(5), np.arange(5), tf.int32)
    _same(tf.range(1, 4, 0.5), np.arange(1, 4, 0.5), tf.float32)
    _same(tf.range(3, dtype=tf.float64), [0, 1, 2], tf.float64)
    _same(tf.linspace(-1.0, 2.0, 7), np.linspace(-1, 2, 7), tf.float32)
    _same(tf.eye(2, 3), np.eye(2, 3), tf.float32)
    _same(tf.eye(2, batch_shape=[3]), np.broadcast_to(np.eye(2), (3, 2, 2)), tf.float32)
    _same(tf.fill([2, 2], 7), np.full((2, 2), 7), tf.int32)
    _same(tf.linspace(0, 10, 5), np.linspace(0, 10, 5), tf.float64)   # integers: float64 (tutorial_cases too)


def test_one_hot():
    _same(tf.one_hot([0, 2, -1, 3], 3), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], tf.float32)
    _same(tf.one_hot([1, 0], 2, on_value=5, off_value=-1), [[-1, 5], [5, -1]], tf.int32)
    _same(tf.one_hot([1, 0], 3, axis=0), [[0, 1], [1, 0], [0, 0]], tf.float32)


def test_joining_picking_and_padding():
    x = tf.constant(M)
    _same(tf.concat([x, x], axis=1), np.concatenate([M, M], 1), tf.float32)
    _same(tf.stack([x, x]), np.stack([M, M]), tf.float32)
    _same(tf.expand_dims(x, 1), M[:, None], tf.float32)
    _same(tf.squeeze(tf.constant([[1.0], [2.0]])), [1.0, 2.0], tf.float32)
    _same(tf.gather(x, [1, 0, 1]), M[[1, 0, 1]], tf.float32)
    _same(tf.gather(x, [2, 0], axis=1), M[:, [2, 0]], tf.float32)
    _same(tf.pad(x, [[1, 0], [0, 2]], constant_values=9), np.pad(M, [[1, 0], [0, 2]], constant_values=9),
          tf.float32)
    _same(tf.einsum("ij,kj->ik", x, x), M @ M.T, tf.float32)
    _same(tf.where(x > 0, x, tf.zeros_like(x)), np.maximum(M, 0), tf.float32)
    _same(tf.argmax(x), np.argmax(M, 0), tf.int64)
    _same(tf.argmin(x, axis=1, output_type=tf.int32), np.argmin(M, 1), tf.int32)


def test_gather_and_pad_carry_gradients():
    x = tf.Variable(M)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(x, [1, 1, 0]) * 2) + tf.reduce_sum(tf.pad(x, [[1, 1], [0, 0]]) ** 2)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.array([[2.0], [4.0]]) + 2 * M, rtol=1e-6)


def test_norms_and_clipping():
    x = tf.constant(M)
    _same(tf.norm(x), np.linalg.norm(M.ravel()), tf.float32)
    _same(tf.norm(x, ord=1, axis=1), np.abs(M).sum(1), tf.float32)
    _same(tf.norm(x, keepdims=True), np.full((1, 1), np.linalg.norm(M)), tf.float32)
    _same(tf.clip_by_value(x, -1.0, 1.0), np.clip(M, -1, 1), tf.float32)
    _same(tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0), [0.6, 0.8], tf.float32)
    _same(tf.clip_by_norm(tf.constant([3.0, 4.0]), 10.0), [3.0, 4.0], tf.float32)
    rows = np.linalg.norm(M, axis=1, keepdims=True)
    _same(tf.clip_by_norm(x, 2.5, axes=[1]), M * 2.5 / np.maximum(rows, 2.5), tf.float32)
