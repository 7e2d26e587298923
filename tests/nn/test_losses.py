"""Losses: values against NumPy transcriptions of Keras' formulas, gradients against finite differences,
fused forms stable at extreme logits and probabilities, and label errors that say which loss to use."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra.numpy import arrays

import graphgrad as gg
from graphgrad import nn
from graphgrad.autodiff import grad_graph
from graphgrad.errors import GraphgradError, ShapeError, UnknownNameError
from graphgrad.nn import losses

from tests.nn.nn_helpers import numeric_gradient, small_model

EPS = 1e-7


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


REFERENCES = {
    "mse": lambda y, p: np.mean((y - p) ** 2, -1),
    "mae": lambda y, p: np.mean(np.abs(y - p), -1),
    "binary_crossentropy": lambda y, p: -np.mean(y * np.log(np.clip(p, EPS, 1 - EPS))
                                                 + (1 - y) * np.log(1 - np.clip(p, EPS, 1 - EPS)), -1),
    "categorical_crossentropy": lambda y, p: -np.sum(y * np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)), -1),
    "kl_divergence": lambda y, p: np.sum(np.clip(y, EPS, 1) * np.log(np.clip(y, EPS, 1) / np.clip(p, EPS, 1)), -1),
    "cosine_similarity": lambda y, p: -np.sum(y / np.linalg.norm(y, axis=-1, keepdims=True)
                                              * p / np.linalg.norm(p, axis=-1, keepdims=True), -1),
}


def loss_graph(loss, shape):
    y, p = gg.vars("y p", shape=shape)
    return gg.Graph([loss(y, p)], [y, p])


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_loss_value_matches_keras_formula(name, rng):
    y = rng.uniform(0.05, 1, (6, 4))
    y = y / y.sum(-1, keepdims=True)
    p = softmax(rng.normal(size=(6, 4)))
    value = loss_graph(losses.get(name), y.shape)(y=y, p=p)
    assert float(value) == pytest.approx(np.mean(REFERENCES[name](y, p)), rel=1e-10)


def test_sparse_categorical_equals_categorical_on_one_hot(rng):
    labels = rng.integers(0, 4, 6)
    p = softmax(rng.normal(size=(6, 4)))
    y, q = gg.vars("y", shape=(6,)), gg.vars("q", shape=(6, 4))
    sparse = gg.Graph([losses.get("sparse_categorical_crossentropy")(y, q)], [y, q])(y=labels.astype(float), q=p)
    assert float(sparse) == pytest.approx(np.mean(-np.log(p[np.arange(6), labels])), rel=1e-12)


@given(arrays(np.float64, (3, 4), elements=st.floats(0.05, 0.95)), arrays(np.float64, (3, 4), elements=st.floats(0.05, 0.95)))
@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_loss_gradient_matches_finite_differences(name, y, p):
    assume(name != "mae" or np.all(np.abs(y - p) > 1e-4))      # |y - p| has a kink at y = p
    graph = grad_graph(loss_graph(losses.get(name), y.shape), ["p"])
    _, grad = graph(y=y, p=p)
    reference = REFERENCES[name]
    numeric = numeric_gradient(lambda: np.mean(reference(y, p)), p)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


@given(arrays(np.float64, (4, 3), elements=st.floats(-30, 30)), st.integers(0, 2**32 - 1))
def test_fused_softmax_crossentropy_gradient_is_softmax_minus_labels(z, seed):
    labels = np.eye(3)[np.random.default_rng(seed).integers(0, 3, 4)]
    y, logits = gg.vars("y logits", shape=(4, 3))
    loss = losses.CategoricalCrossentropy()
    graph = grad_graph(gg.Graph([ops_mean(loss.from_logits_per_sample(y, logits))], [y, logits]), ["logits"])
    value, grad = graph(y=labels, logits=z)
    np.testing.assert_allclose(grad, (softmax(z) - labels) / 4, atol=1e-12)
    assert np.isfinite(value)


def ops_mean(node):
    return gg.mean(node)


@pytest.mark.parametrize("z, label, expected", [(1000.0, 0.0, 1000.0), (-1000.0, 1.0, 1000.0),
                                                 (1000.0, 1.0, 0.0), (-1000.0, 0.0, 0.0)])
def test_fused_sigmoid_bce_is_exact_at_extreme_logits(z, label, expected):
    y, logits = gg.vars("y logits", shape=(1, 1))
    graph = grad_graph(gg.Graph([gg.mean(losses.BinaryCrossentropy().from_logits_per_sample(y, logits))], [y, logits]),
                       ["logits"])
    value, grad = graph(y=[[label]], logits=[[z]])
    assert float(value) == pytest.approx(expected, abs=1e-9)
    assert float(grad[0, 0]) == pytest.approx((1.0 if z > 0 else 0.0) - label, abs=1e-12)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy", "kl_divergence"])
def test_unfused_losses_are_finite_at_probability_0_and_1(name):
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    p = np.array([[0.0, 1.0], [1.0, 0.0]])          # confidently wrong: log 0 without clipping
    graph = grad_graph(loss_graph(losses.get(name), y.shape), ["p"])
    value, grad = graph(y=y, p=p)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert float(value) > 5                          # large, as -log(1e-7) ≈ 16 suggests


@pytest.mark.parametrize("activation, loss", [("softmax", "categorical_crossentropy"), ("sigmoid", "binary_crossentropy"),
                                              ("softmax", "sparse_categorical_crossentropy")])
def test_model_uses_the_fused_form_and_matches_unfused_value(activation, loss, rng):
    model = small_model("tanh", activation, units=(3, 3))
    model.compile(optimizer="sgd", loss=loss)
    graph = model.loss_graph(4)
    ops_used = {n.op.name for n in graph.nodes}
    assert ("log_softmax" in ops_used) == (activation == "softmax")
    assert ("softplus" in ops_used) == (activation == "sigmoid")
    x = rng.normal(size=(4, 2))
    y = rng.integers(0, 3, 4) if loss.startswith("sparse") else (np.eye(3)[rng.integers(0, 3, 4)] if activation == "softmax"
                                                                else rng.integers(0, 2, (4, 3)))
    p = model.predict(x)
    reference = REFERENCES["categorical_crossentropy" if activation == "softmax" else "binary_crossentropy"]
    y_dense = np.eye(3)[y] if loss.startswith("sparse") else y
    assert model.evaluate(x, y) == pytest.approx(np.mean(reference(y_dense, p)), rel=1e-9)


def test_fused_training_survives_saturated_outputs():
    model = nn.Sequential([nn.Dense(2, activation="softmax", input_shape=(1,), kernel_initializer="ones")],
                          dtype="float64", seed=0)
    model.compile(optimizer=nn.SGD(0.01), loss="categorical_crossentropy")
    x, y = np.array([[1000.0]]), np.array([[0.0, 1.0]])
    model.set_weights([np.array([[1.0, -1.0]]), np.zeros(2)])   # p(class 1) = exp(-2000): 0 in floating point
    assert model.evaluate(x, y) == pytest.approx(2000.0)
    model.fit(x, y, batch_size=1, epochs=1, verbose=0)
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


@pytest.mark.parametrize("loss, y, match", [
    ("categorical_crossentropy", np.array([0, 1, 2, 1]), "sparse_categorical_crossentropy.*to_categorical"),
    ("sparse_categorical_crossentropy", np.eye(3)[[0, 1, 2, 1]], "use loss='categorical_crossentropy'"),
    ("binary_crossentropy", np.array([0, 1, 2, 1]), "sparse_categorical_crossentropy"),
    ("sparse_categorical_crossentropy", np.array([0, 1, 5, 1]), "0..2"),
])
def test_labels_not_matching_the_loss_say_what_to_use(loss, y, match):
    model = small_model("tanh", "softmax" if "categorical" in loss else "sigmoid", units=(3, 3 if "categorical" in loss else 1))
    model.compile(optimizer="sgd", loss=loss)
    with pytest.raises(nn.LabelError, match=match):
        model.fit(np.zeros((4, 2)), y, verbose=0)


def test_label_width_mismatch_names_both_shapes():
    model = small_model("tanh", "softmax", units=(3, 3))
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.raises(ShapeError, match=r"\(4, 5\).*\(None, 3\)"):
        model.fit(np.zeros((4, 2)), np.eye(5)[[0, 1, 2, 3]], verbose=0)


def test_unknown_loss_lists_the_known_ones():
    with pytest.raises(UnknownNameError, match="unknown loss 'hinge': the known losses are .*binary_crossentropy.*mse"):
        small_model().compile(optimizer="sgd", loss="hinge")
    assert issubclass(UnknownNameError, GraphgradError)


def test_sparse_categorical_crossentropy_from_logits_one_hot_encodes_once():
    """Sparse labels with from_logits=True give the loss of their one-hot rows (they were once encoded twice)."""
    logits = gg.ops.input("z", (2, 3))
    labels = gg.ops.input("y", (2,))
    sparse = nn.SparseCategoricalCrossentropy(from_logits=True).per_sample(labels, logits)
    z = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
    expected = -np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))[[0, 1], [1, 2]]
    np.testing.assert_allclose(gg.Graph(sparse, [labels, logits])(y=[1, 2], z=z), expected, rtol=1e-12)
