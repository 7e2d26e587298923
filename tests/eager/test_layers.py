"""eager.apply_layer: an nn layer run now, with dropout noise drawn from the given generator and batch
normalisation's moving averages moved as Keras's rule says (checked against NumPy written here)."""
import numpy as np

from graphgrad import eager
from graphgrad.nn import layers


def test_dropout_draws_one_row_of_noise_per_sample_from_the_generator():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    out, moved = eager.apply_layer(layers.Dropout(0.25), eager.Tensor.leaf(x), {}, True,
                                   np.random.default_rng(5))
    noise = np.random.default_rng(5).random((3, 4))
    np.testing.assert_allclose(out.numpy(), x * (noise >= 0.25) / 0.75, rtol=1e-12)
    assert moved == {}


def test_outside_training_no_noise_is_drawn_and_nothing_moves():
    x = eager.Tensor.leaf(np.ones((2, 3)))
    rng = np.random.default_rng(0)
    out, moved = eager.apply_layer(layers.Dropout(0.5), x, {}, False, rng)
    np.testing.assert_array_equal(out.numpy(), np.ones((2, 3)))
    assert moved == {} and rng.random() == np.random.default_rng(0).random()


def test_batch_normalization_moves_its_averages_in_training_only():
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 7.0]])
    layer = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    params = {"gamma": np.ones(2), "beta": np.zeros(2), "moving_mean": np.zeros(2), "moving_variance": np.ones(2)}
    params = {k: eager.Tensor.leaf(v) for k, v in params.items()}
    out, moved = eager.apply_layer(layer, eager.Tensor.leaf(x), params, True)
    mean, var = x.mean(axis=0), x.var(axis=0)
    np.testing.assert_allclose(out.numpy(), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-12)
    np.testing.assert_allclose(moved["moving_mean"].numpy(), 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(moved["moving_variance"].numpy(), 0.9 + 0.1 * var, rtol=1e-12)
    out, moved = eager.apply_layer(layer, eager.Tensor.leaf(x), params, False)
    np.testing.assert_allclose(out.numpy(), x / np.sqrt(1 + 1e-3), rtol=1e-12)
    assert moved == {}
