"""The TensorFlow guides' custom loop (``GradientTape``, ``tape.gradient``, ``apply_gradients``) traced by
``eager.tracing``: the same losses and weights as with ``GRAPHGRAD_EAGER=1``, step for step."""
import numpy as np
import pytest

import graphgrad.tensorflow as tf
from graphgrad import keras
from graphgrad.eager import tracing
from graphgrad.errors import ArgumentError

STEPS = 9


def loop(monkeypatch, eager, body=None, learning_rate=0.01, beta_1=0.9):
    if eager:
        monkeypatch.setenv("GRAPHGRAD_EAGER", "1")
    else:
        monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1)
    loss_fn = keras.losses.CategoricalCrossentropy()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 4)).astype(np.float32)
    y = keras.utils.to_categorical(rng.integers(0, 3, 24), 3)
    losses = []
    for step in range(STEPS):
        xb, yb = x[8 * (step % 3):8 * (step % 3) + 8], y[8 * (step % 3):8 * (step % 3) + 8]
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        if body is not None:
            body(model, step)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    return losses, [v.numpy() for v in model.trainable_variables], optimizer


def check_same(monkeypatch, body=None):
    traced, traced_w, optimizer = loop(monkeypatch, False, body)
    eager, eager_w, _ = loop(monkeypatch, True, body)
    np.testing.assert_allclose(traced, eager, rtol=1e-5)
    for a, b in zip(traced_w, eager_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    return sum(p.calls for p in tracing.programs(optimizer))


def test_the_tape_loop_is_traced_after_its_first_step(monkeypatch):
    assert check_same(monkeypatch) == STEPS - 1


def test_the_tape_loop_is_replayed_after_its_first_traced_step(monkeypatch):
    _, _, optimizer = loop(monkeypatch, False)
    assert sum(p.replays for p in tracing.programs(optimizer)) == STEPS - 2


def test_a_new_model_and_optimizer_of_the_same_settings_reuse_the_traced_step_and_no_other(monkeypatch):
    first = loop(monkeypatch, False)[2]
    again = loop(monkeypatch, False)[2]
    graph, = [p.graph for p in tracing.programs(first)]
    assert [p.graph for p in tracing.programs(again)] == [graph]            # built once for the process
    assert sum(p.calls for p in tracing.programs(again)) == STEPS - 1       # counted per optimizer
    for setting, built_again in (({"learning_rate": 0.02}, False), ({"beta_1": 0.8}, True)):
        losses, weights, other = loop(monkeypatch, False, **setting)
        assert (tracing.programs(other)[0].graph is not graph) == built_again   # the rate is the graph's input
        eager_losses, eager_weights, _ = loop(monkeypatch, True, **setting)
        np.testing.assert_allclose(losses, eager_losses, rtol=1e-5)
        for a, b in zip(weights, eager_weights):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("eager", [False, True], ids=["traced", "eager"])
def test_a_learning_rate_set_between_steps_takes_effect(monkeypatch, eager):
    if eager:
        monkeypatch.setenv("GRAPHGRAD_EAGER", "1")
    else:
        monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    w = tf.Variable([1.0, 2.0])
    optimizer = keras.optimizers.SGD(0.1)
    for step in range(6):
        if step == 3:
            optimizer.learning_rate = 0.2   # as Keras allows (a schedule by hand)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(w * w)
        optimizer.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    np.testing.assert_allclose(w.numpy(), np.array([1.0, 2.0]) * 0.8 ** 3 * 0.6 ** 3, rtol=1e-6)   # w -= lr·2w
    assert sum(p.calls for p in tracing.programs(optimizer)) == (0 if eager else 5)


def test_a_variable_changed_between_the_forward_and_the_update_runs_that_step_eagerly(monkeypatch):
    def nudge(model, step):
        if step % 2:
            v = model.trainable_variables[0]
            v.assign(v.numpy() * 0.5)
    calls = check_same(monkeypatch, nudge)
    assert calls == sum(1 for s in range(1, STEPS) if s % 2 == 0)


@pytest.mark.parametrize("unconnected", ["none", "zero"])
def test_an_unconnected_source_has_no_gradient_as_eagerly(monkeypatch, unconnected):
    monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    w, unused = tf.Variable([1.0, 2.0]), tf.Variable([3.0])
    optimizer = keras.optimizers.SGD(0.1)
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(w * w)
        gw, gu = tape.gradient(loss, [w, unused], unconnected_gradients=unconnected)
        optimizer.apply_gradients([(gw, w)])
    assert (gu is None) == (unconnected == "none")
    np.testing.assert_allclose(w.numpy(), np.array([1.0, 2.0]) * 0.8 ** 3, rtol=1e-6)


def test_a_tf_function_train_step_runs_at_every_call_and_is_traced(monkeypatch):
    monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    w = tf.Variable([1.0, 2.0])
    optimizer = keras.optimizers.SGD(0.1)
    calls = []

    @tf.function(jit_compile=True, input_signature=[tf.TensorSpec([None], tf.float32)])
    def train_step(scale):
        calls.append(1)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(w * w * scale)
        optimizer.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
        return loss

    for _ in range(4):
        train_step(np.float32([1.0, 1.0]))
    assert len(calls) == 4
    np.testing.assert_allclose(w.numpy(), np.array([1.0, 2.0]) * 0.8 ** 4, rtol=1e-6)
    assert sum(p.calls for p in tracing.programs(optimizer)) == 3
    with pytest.raises(ArgumentError, match="does not match its input_signature"):
        train_step(np.float32([[1.0]]))


def test_keras_compile_options_choose_how_fit_runs():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    assert model.backend == "numpy"
    model.compile(optimizer="sgd", loss="mse", jit_compile=True, steps_per_execution=4)
    assert model.backend == "numba"
    model.compile(optimizer="sgd", loss="mse")
    assert model.backend is None
    with pytest.raises(ArgumentError, match="jit_compile"):
        model.compile(optimizer="sgd", loss="mse", jit_compile="xla")


@pytest.mark.parametrize("change", ["order", "one fewer"])
def test_a_replayed_steps_gradients_follow_the_sources_given_at_each_step(monkeypatch, change):
    """The same calls every step; from step 4 the sources are given in the other order, or one fewer, so
    a replayed step's gradients must go to the sources of this step, not the recorded one's."""
    def run(eager):
        if eager:
            monkeypatch.setenv("GRAPHGRAD_EAGER", "1")
        else:
            monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
        a, b = tf.Variable([1.0, 2.0]), tf.Variable([3.0, -1.0])
        optimizer = keras.optimizers.SGD(0.1)
        for step in range(8):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(a * a * b + 3 * b)
            sources = [a, b] if step < 4 else [b, a] if change == "order" else [b]
            optimizer.apply_gradients(zip(tape.gradient(loss, sources), sources))
        return a.numpy(), b.numpy(), optimizer
    *traced, optimizer = run(False)
    *eager, _ = run(True)
    for t, e in zip(traced, eager):
        np.testing.assert_allclose(t, e, rtol=1e-6)
    assert sum(p.replays for p in tracing.programs(optimizer)) >= 2   # (a variable read, not updated: no replay)
