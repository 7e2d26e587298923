"""Layers as graph builders: values against NumPy, initializers' statistics, gradients of every layer
and activation against finite differences, and dropout's mask."""
import numpy as np
from scipy import special
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad import nn
from graphgrad.errors import InputValueError, ShapeError, UnknownNameError
from graphgrad.nn import initializers

from tests.nn.nn_helpers import model_numeric_gradients, small_model

ACTIVATIONS = {"linear": lambda z: z, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
               "relu": lambda z: np.maximum(z, 0), "softplus": lambda z: np.log1p(np.exp(z)),
               "softmax": lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True),
               "elu": lambda z: np.where(z > 0, z, np.expm1(z)),
               "selu": lambda z: 1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * np.expm1(z)),
               "gelu": lambda z: z * special.ndtr(z)}


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_dense_computes_activation_of_x_w_plus_b(activation, rng):
    model = nn.Sequential([nn.Dense(3, activation=activation, input_shape=(4,))], dtype="float64", seed=0)
    w, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    model.set_weights([w, b])
    x = rng.normal(size=(5, 4))
    np.testing.assert_allclose(model.predict(x), ACTIVATIONS[activation](x @ w + b), rtol=1e-12)


@settings(max_examples=15)
@given(st.sampled_from(["sigmoid", "tanh", "relu", "linear", "softplus"]),
       st.sampled_from([("linear", "mse"), ("sigmoid", "binary_crossentropy"), ("softmax", "categorical_crossentropy"),
                        ("tanh", "mae"), ("softmax", "kl_divergence"), ("linear", "cosine_similarity")]),
       st.integers(0, 10_000))
def test_gradients_of_every_weight_match_finite_differences(hidden, head, seed):
    out_activation, loss = head
    model = small_model(hidden, out_activation, units=(3, 3), seed=seed,
                        kernel_regularizer=nn.l2(0.01), bias_initializer="random_normal")
    model.compile(optimizer="sgd", loss=loss)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 2))
    if hidden == "relu":      # keep away from relu's kink, where finite differences are meaningless
        x = x * 3
    y = np.eye(3)[rng.integers(0, 3, 4)] if out_activation in ("softmax", "sigmoid") else rng.normal(size=(4, 3))
    if loss == "mae":
        y = y + 10.0          # and from |y - p|'s
    analytic = model.gradients(x, y)
    numeric = model_numeric_gradients(model, x, y)
    for name in analytic:
        np.testing.assert_allclose(analytic[name], numeric[name], rtol=1e-5, atol=1e-7, err_msg=name)


def test_l2_regulariser_adds_factor_times_sum_of_squares(rng):
    plain = small_model("tanh", "linear", units=(3, 1))
    reg = small_model("tanh", "linear", units=(3, 1), kernel_regularizer=nn.l2(0.05))
    for m in (plain, reg):
        m.compile(optimizer="sgd", loss="mse")
    x, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    kernels = [w for name, w in reg.weights.items() if name.endswith("kernel")]
    expected = plain.evaluate(x, y) + 0.05 * sum(np.sum(k ** 2) for k in kernels)
    assert reg.evaluate(x, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name, check", [
    ("glorot_uniform", lambda w, fi, fo: np.abs(w).max() <= np.sqrt(6 / (fi + fo))
     and abs(w.std() - np.sqrt(2 / (fi + fo))) < 0.1 * np.sqrt(2 / (fi + fo))),
    ("he_normal", lambda w, fi, fo: abs(w.std() - np.sqrt(2 / fi)) < 0.15 * np.sqrt(2 / fi)
     and np.abs(w).max() <= 2 * np.sqrt(2 / fi) / 0.8796 + 1e-12),
    ("random_normal", lambda w, fi, fo: abs(w.std() - 0.05) < 0.005 and abs(w.mean()) < 0.005),
    ("zeros", lambda w, fi, fo: not w.any()),
])
def test_initializers_have_keras_statistics(name, check):
    w = initializers.get(name)((200, 100), np.random.default_rng(0))
    assert w.shape == (200, 100) and check(w, 200, 100)


def test_same_seed_same_weights_different_seed_different_weights():
    a, b, c = (small_model(seed=s) for s in (1, 1, 2))
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_dropout_scales_kept_units_and_is_identity_at_inference():
    model = nn.Sequential([nn.Dropout(0.25, input_shape=(4,))], dtype="float64")
    x = np.ones((2, 4))
    np.testing.assert_array_equal(model.predict(x), x)
    layer = model.layers[0]
    import graphgrad as gg
    xs, noise = gg.vars("x noise", shape=(2, 4))
    out = gg.Graph([layer.call(xs, {}, training=True, noise=noise)], [xs, noise])
    u = np.array([[0.1, 0.3, 0.9, 0.2], [0.5, 0.26, 0.24, 0.99]])
    np.testing.assert_allclose(out(x=x, noise=u), (u > 0.25) / 0.75)


def test_unknown_activation_lists_the_known_ones():
    with pytest.raises(UnknownNameError, match="unknown activation 'swish'.*relu.*sigmoid.*softmax.*tanh"):
        nn.Dense(3, activation="swish")


def test_dense_rejects_images_without_flatten():
    with pytest.raises(ShapeError, match="Flatten"):
        nn.Sequential([nn.Dense(3, input_shape=(28, 28))])
    model = nn.Sequential([nn.Flatten(input_shape=(2, 3)), nn.Dense(2)], dtype="float64")
    assert model.predict(np.ones((5, 2, 3))).shape == (5, 2)


@pytest.mark.parametrize("make, match", [
    (lambda: nn.Dense("4"), r"Dense: units \(the number of outputs\) must be a whole number >= 1, got '4'"),
    (lambda: nn.Dense(0), r"Dense: units .* >= 1, got 0"),
    (lambda: nn.Dense(2.5), r"Dense: units .*got 2.5"),
    (lambda: nn.Dropout(1.5), r"Dropout: rate \(the fraction of inputs dropped\) must be a finite number in "
                              r"\[0, 1\), got 1.5"),
    (lambda: nn.Dropout(-0.1), r"Dropout: rate .*got -0.1"),
    (lambda: nn.Dropout("0.5"), r"Dropout: rate .*got '0.5'"),
    (lambda: nn.Dense(2, name="a/b"), r"a layer name must be a non-empty string without '/'.*got 'a/b'"),
    (lambda: nn.Dense(2, input_shape=(-1,)), r"Dense: input_shape \(-1,\): each size must be a whole number >= 1"),
    (lambda: nn.Sequential([nn.Dense(2)]).build((3, 0)), r"the input shape \(3, 0\): each size .* got 0")])
def test_bad_layer_arguments_are_input_value_errors_not_shape_errors(make, match):
    with pytest.raises(InputValueError, match=match) as info:
        make()
    assert not isinstance(info.value, ShapeError)


@pytest.mark.parametrize("layer", [nn.Dense(2, input_dim=3), nn.Dense(2, input_shape=[3]), nn.Flatten(input_shape=[3]),
                                   nn.GlobalAveragePooling2D([4, 4, 3]), nn.Dropout(0.5, input_shape=(3,))])
def test_every_layer_keeps_its_input_shape_as_a_tuple(layer):
    assert layer.input_shape in {(3,), (4, 4, 3)} and isinstance(layer.input_shape, tuple)
