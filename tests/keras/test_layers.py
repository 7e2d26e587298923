"""Keras layers: names, weights as variables, calling on data and on Input."""
import numpy as np
import pytest

from graphgrad import keras
from graphgrad.errors import InputValueError, ShapeError
from graphgrad.keras import layers


def test_layers_are_named_as_keras_names_them():
    names = [layers.Dense(2).name, layers.Dense(2).name, layers.Dropout(0.5).name, layers.Dense(1).name]
    assert names == ["dense", "dense_1", "dropout", "dense_2"]
    assert layers.snake_case("MaxPooling2D") == "max_pooling2d"


@pytest.mark.parametrize("entry", [lambda: layers.InputLayer(input_shape=(3,)), lambda: layers.InputLayer(shape=(3,))])
def test_an_input_layer_first_fixes_the_input_shape(entry):
    model = keras.Sequential([entry(), layers.Dense(2)])
    assert model.built and model.count_params() == 3 * 2 + 2
    assert model.predict(np.ones((4, 3)), verbose=0).shape == (4, 2)


def test_calling_a_layer_on_data_builds_it_and_computes_now():
    dense = layers.Dense(3, activation="relu")
    x = np.array([[1.0, -2.0]], dtype=np.float32)
    out = dense(x)
    assert dense.kernel.shape == (2, 3) and dense.bias.shape == (3,)
    np.testing.assert_allclose(out.numpy(), np.maximum(x @ dense.kernel.numpy() + dense.bias.numpy(), 0), rtol=1e-6)


def test_get_and_set_weights():
    dense = layers.Dense(2)
    dense.build((None, 3))
    new = [np.ones((3, 2)), np.arange(2.0)]
    dense.set_weights(new)
    assert [w.dtype for w in dense.get_weights()] == [np.float32, np.float32]
    np.testing.assert_array_equal(dense.get_weights()[1], [0.0, 1.0])
    with pytest.raises(ShapeError, match="2 weights"):
        dense.set_weights([np.ones((3, 2))])


def test_dropout_scales_what_it_keeps_in_training_only():
    drop = layers.Dropout(0.5)
    x = np.ones((4, 100), dtype=np.float32)
    assert np.array_equal(drop(x).numpy(), x)
    kept = drop(x, training=True).numpy()
    assert set(np.unique(kept)) <= {0.0, 2.0} and 0 < kept.mean() < 2


def test_functional_chain_is_a_model():
    inputs = keras.Input(shape=(4,))
    h = layers.Dense(8, activation="relu")(inputs)
    outputs = layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    assert [l.name for l in model.layers] == ["dense", "dense_1"]
    assert model.count_params() == 4 * 8 + 8 + 8 * 3 + 3
    x = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x).numpy(), rtol=1e-6)
    assert h.shape == (None, 8)


def test_convolutional_layers_are_nn_layers_named_by_keras():
    model = keras.Sequential([keras.Input(shape=(6, 6, 1)), layers.Conv2D(2, 3, activation="relu"),
                              layers.MaxPooling2D(), layers.Flatten(), layers.Dense(3)])
    assert [l.name for l in model.layers] == ["conv2d", "max_pooling2d", "flatten", "dense"]
    assert model.count_params() == 3 * 3 * 1 * 2 + 2 + 2 * 2 * 2 * 3 + 3
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 1))
    np.testing.assert_allclose(model(x).numpy(), model.predict(x, verbose=0), rtol=1e-5)


def test_batch_normalization_moves_its_averages_only_in_training():
    bn = layers.BatchNormalization(momentum=0.5)
    x = np.array([[1.0, 10.0], [3.0, 30.0]], dtype=np.float32)
    bn(x)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), [0.0, 0.0])
    out = bn(x, training=True).numpy()
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.0, 10.0])      # 0.5·0 + 0.5·mean
    np.testing.assert_allclose(out.mean(axis=0), [0.0, 0.0], atol=1e-6)
    assert [v.name for v in bn.trainable_weights] == ["gamma", "beta"]     # Keras 3's names and paths
    assert [v.path for v in bn.trainable_weights] == ["batch_normalization/gamma", "batch_normalization/beta"]


def test_convolutional_layers_join_keras_and_compute_nn_s_graph():
    from graphgrad import Graph, keras as k, ops
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype("float32")
    conv = k.layers.Conv2D(4, 3, padding="same", activation="relu")
    y = conv(x)
    kernel, bias = conv.get_weights()
    expected = np.maximum(Graph([ops.conv2d(x, kernel, padding="same")])() + bias, 0)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-6)
    pooled = k.layers.GlobalAveragePooling2D()(k.layers.MaxPooling2D(2)(y))
    np.testing.assert_allclose(pooled.numpy(), expected.reshape(2, 3, 2, 3, 2, 4).max(axis=(2, 4)).mean(axis=(1, 2)),
                               rtol=1e-5)


def test_batch_normalization_follows_keras_formulas_in_training_and_inference():
    """Keras: moving = 0.99·moving + 0.01·batch statistic (biased variance), y = γ(x - μ)/√(σ² + 0.001) + β."""
    rng = np.random.default_rng(4)
    bn = layers.BatchNormalization()
    xs = [rng.normal(2.0, 3.0, size=(5, 3, 3, 2)).astype(np.float32) for _ in range(3)]
    bn.build(xs[0].shape[1:])
    gamma, beta = np.array([1.5, -0.5], np.float32), np.array([0.25, 2.0], np.float32)
    bn.set_weights([gamma, beta, np.array([0.1, -0.2], np.float32), np.array([1.2, 0.8], np.float32)])
    moving_mean, moving_var = np.array([0.1, -0.2]), np.array([1.2, 0.8])
    for x in xs:
        mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
        np.testing.assert_allclose(bn(x, training=True).numpy(), gamma * (x - mean) / np.sqrt(var + 1e-3) + beta,
                                   rtol=1e-4, atol=1e-5)
        moving_mean, moving_var = 0.99 * moving_mean + 0.01 * mean, 0.99 * moving_var + 0.01 * var
        np.testing.assert_allclose(bn.moving_mean.numpy(), moving_mean, rtol=1e-5)
        np.testing.assert_allclose(bn.moving_variance.numpy(), moving_var, rtol=1e-5)
    x = xs[0]
    np.testing.assert_allclose(bn(x).numpy(), gamma * (x - moving_mean) / np.sqrt(moving_var + 1e-3) + beta,
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), moving_mean, rtol=1e-5)   # inference leaves them


def test_a_trained_model_refuses_data_of_another_width_and_keeps_its_weights():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)
    before = model.get_weights()
    model(np.ones((2, 3)))   # a call that fits (its check is kept): the next call is checked again
    with pytest.raises(ShapeError, match=r"'dense' \(Dense\) was built for samples of shape \(3,\) and got "
                                         r"samples of shape \(5,\)"):
        model(np.ones((2, 5)))
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert model.predict(np.ones((2, 3)), verbose=0).shape == (2, 1)


def test_a_built_convolution_keeps_its_kernel_on_images_of_another_size():
    conv = layers.Conv2D(2, 3)
    conv(np.ones((1, 6, 6, 1)))
    kernel = conv.kernel.numpy().copy()
    assert conv(np.ones((1, 8, 8, 1))).shape == (1, 6, 6, 2)
    np.testing.assert_array_equal(conv.kernel.numpy(), kernel)
    with pytest.raises(ShapeError, match=r"built for samples of shape \(6, 6, 1\) and got samples of shape "
                                         r"\(8, 8, 3\)"):
        conv(np.ones((1, 8, 8, 3)))


@pytest.mark.parametrize("make, match", [
    (lambda: layers.Dense(2, name="a/b"), r"a layer name must be a non-empty string without '/'.*got 'a/b'"),
    (lambda: keras.Input(shape=(-1,)), r"keras.Input: shape \(-1,\): each size must be a whole number >= 1"),
    (lambda: keras.Input(shape=784), r"keras.Input: shape must be a tuple of sizes such as \(784,\), got 784"),
    (lambda: keras.Sequential([layers.Dense(2)]).build((None, -1)), r"the input shape \(-1,\): each size")])
def test_bad_names_and_shapes_are_refused_when_the_layer_or_input_is_made(make, match):
    with pytest.raises(InputValueError, match=match):
        make()


def test_a_layer_of_absurd_size_is_refused_before_anything_is_allocated():
    with pytest.raises(ShapeError, match=r"layer 'dense\w*' would have 785,000,000,000 weights"):
        keras.Sequential([keras.layers.Dense(10 ** 9, input_shape=(784,))])


def test_a_keras_style_initializer_callable_is_called_as_keras_calls_it():
    """Keras calls a custom initializer ``f(shape, dtype=...)`` (its guide's ``my_init``, ``tf.random.normal``);
    graphgrad's protocol ``f(shape, rng)`` and its own initializers keep the layer's generator."""
    import graphgrad.tensorflow as tf
    seen = []

    def my_init(shape, dtype=None):
        seen.append((shape, dtype))
        return tf.random.normal(shape, dtype=dtype, seed=3)

    def weights(init):
        model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3, kernel_initializer=init)])
        return model.layers[0].kernel.numpy()
    np.testing.assert_array_equal(weights(my_init), tf.random.normal((2, 3), seed=3).numpy())
    assert seen == [((2, 3), "float32")]
    assert weights(tf.random.normal).shape == (2, 3) and weights(tf.random.normal).dtype == np.float32
    np.testing.assert_array_equal(weights(lambda shape, rng: np.full(shape, 0.5)), np.full((2, 3), 0.5))
    keras.utils.set_random_seed(0)
    first = weights("glorot_uniform")
    keras.utils.set_random_seed(0)
    np.testing.assert_array_equal(weights(keras.initializers.GlorotUniform()), first)
