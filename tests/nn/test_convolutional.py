"""Convolutional layers: Keras' summary of LeNet, batch normalisation's moving averages, pooling layers' shapes,
and the compiled training loop agreeing with the interpreter on a small CNN."""
import numpy as np
import pytest

from graphgrad import nn
from graphgrad.nn.errors import ShapeError


def lenet(**extra):
    return nn.Sequential([
        nn.Conv2D(6, 3, activation="relu", input_shape=(28, 28, 1)), nn.MaxPooling2D(2),
        nn.Conv2D(16, 3, activation="relu"), nn.MaxPooling2D(2), nn.Flatten(),
        nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"), nn.Dense(10, activation="softmax")],
        seed=0, **extra)


def test_lenet_summary_has_keras_shapes_and_parameter_counts():
    """The rows Keras prints for this model (shapes (None, 26, 26, 6) ...; 60 = 3·3·1·6 + 6, 880 = 3·3·6·16 + 16)."""
    text = lenet().summary(print_fn=lambda s: None)
    rows = [line.split() for line in text.splitlines() if line.startswith(("conv", "max", "flatten", "dense"))]
    assert [(r[-5:-1] if r[0].startswith(("conv", "max")) else r[-2:-1], r[-1]) for r in rows] == [
        (["(None,", "26,", "26,", "6)"], "60"), (["(None,", "13,", "13,", "6)"], "0"),
        (["(None,", "11,", "11,", "16)"], "880"), (["(None,", "5,", "5,", "16)"], "0"),
        (["400)"], "0"), (["120)"], "48120"), (["84)"], "10164"), (["10)"], "850")]
    assert "Total params: 60,074" in text and "Non-trainable params: 0" in text


def test_batch_normalization_counts_moving_averages_as_non_trainable():
    model = nn.Sequential([nn.BatchNormalization(input_shape=(4, 4, 3))])
    text = model.summary(print_fn=lambda s: None)
    assert "Total params: 12" in text and "Trainable params: 6" in text and "Non-trainable params: 6" in text


def test_batch_normalization_moves_its_averages_and_uses_them_in_inference():
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(8, 3, 3, 2))
    model = nn.Sequential([nn.BatchNormalization(momentum=0.9, input_shape=(3, 3, 2)), nn.Flatten(),
                           nn.Dense(1)], seed=0, dtype="float64")
    model.compile(optimizer=nn.SGD(0.01), loss="mse")
    model.fit(x, np.zeros((8, 1)), batch_size=8, epochs=1, verbose=0, shuffle=False, backend="numpy")
    w = model.weights
    np.testing.assert_allclose(w["batch_normalization_1/moving_mean"], 0.1 * x.mean(axis=(0, 1, 2)), atol=1e-12)
    np.testing.assert_allclose(w["batch_normalization_1/moving_variance"], 0.9 + 0.1 * x.var(axis=(0, 1, 2)),
                               atol=1e-12)
    inference = nn.Sequential([nn.Flatten(input_shape=(3, 3, 2)), nn.Dense(1)], dtype="float64")
    inference.set_weights([w["dense_1/kernel"], w["dense_1/bias"]])
    bn = {k.split("/")[1]: v for k, v in w.items() if k.startswith("batch_normalization_1/")}
    normalised = (x - bn["moving_mean"]) / np.sqrt(bn["moving_variance"] + 1e-3) * bn["gamma"] + bn["beta"]
    np.testing.assert_allclose(model.predict(x), inference.predict(normalised), atol=1e-12)


def test_pooling_and_reshape_layers_shapes():
    model = nn.Sequential([nn.Reshape((6, 6, 1), input_shape=(36,)), nn.Conv2D(4, 2, strides=2, padding="same"),
                           nn.AveragePooling2D(3, strides=1), nn.GlobalAveragePooling2D()])
    assert [model._layer_output_shape(i) for i in range(4)] == [(6, 6, 1), (3, 3, 4), (1, 1, 4), (4,)]


def test_image_layers_refuse_flat_samples():
    with pytest.raises(ShapeError, match="needs image samples.*Reshape"):
        nn.Sequential([nn.Conv2D(2, 3, input_shape=(10,))])


def test_same_average_pooling_averages_the_pixels_inside_the_image():
    """Keras's 'same' AveragePooling2D: a window hanging over the edge divides by the pixels it covers, so a
    constant image stays constant (counting the padding would shrink the edges)."""
    model = nn.Sequential([nn.AveragePooling2D(2, strides=2, padding="same", input_shape=(5, 5, 2))])
    x = np.full((1, 5, 5, 2), 3.0)
    np.testing.assert_allclose(model.predict(x), np.full((1, 3, 3, 2), 3.0), rtol=1e-6)


def test_compiled_fit_of_a_small_cnn_matches_the_interpreter():
    """Convolution, batch norm, Keras's 'same' average pooling (padding left out of the count) and max pooling
    train to the same losses and weights compiled and interpreted."""
    rng = np.random.default_rng(1)
    x, labels = rng.normal(size=(16, 6, 6, 1)), rng.integers(0, 3, 16)

    def trained(backend):
        model = nn.Sequential([nn.Conv2D(2, 3, padding="same", activation="relu", input_shape=(6, 6, 1)),
                               nn.BatchNormalization(), nn.AveragePooling2D(3, strides=1, padding="same"),
                               nn.MaxPooling2D(2), nn.Flatten(),
                               nn.Dense(3, activation="softmax")], seed=3, dtype="float64")
        model.compile(optimizer=nn.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy")
        history = model.fit(x, labels, batch_size=8, epochs=2, verbose=0, backend=backend)
        return history.history["loss"], model.weights

    (loss_c, w_c), (loss_n, w_n) = trained("numba"), trained("numpy")
    np.testing.assert_allclose(loss_c, loss_n, rtol=1e-9)
    for name in w_n:
        np.testing.assert_allclose(w_c[name], w_n[name], rtol=1e-8, atol=1e-10)
