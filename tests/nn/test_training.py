"""fit on both backends: the same seed trains the same weights (shuffles, dropout noise, last partial batch),
epoch logs are Keras' running means, divergence is reported with its epoch and step and keeps the weights
before the update that caused it, and Ctrl-C keeps what was trained.

The numba runs compile two small kernels per model (a few seconds on a cold cache), so the models here are
few and shared between tests.
"""
import re
import sys

import numpy as np
import pytest

from graphgrad import datasets, nn
from graphgrad.errors import InputValueError

MOONS = datasets.moons(100, noise=0.1, seed=0)       # batch 16: six full batches and one of 4


def moons_model():
    model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(2,)), nn.Dropout(0.25),
                           nn.Dense(1, activation="sigmoid")], seed=7)
    model.compile(optimizer=nn.SGD(0.1, momentum=0.9), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def regression_model():
    model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(2,)), nn.Dense(1)], seed=0)
    model.compile(optimizer=nn.SGD(learning_rate=0.01), loss="mse")
    return model


def test_both_backends_train_the_same_weights_and_log_the_same_epochs(capsys):
    x, y = MOONS
    runs = {}
    for backend in ("numpy", "numba"):
        model = moons_model()
        history = model.fit(x, y, batch_size=16, epochs=2, backend=backend, verbose=1)
        runs[backend] = model, history
        assert capsys.readouterr().out.count("Epoch ") == 2
        assert float(model._state["optimizer/iterations"]) == 14        # 7 steps an epoch, the partial one too
    (numpy_model, numpy_history), (numba_model, numba_history) = runs["numpy"], runs["numba"]
    for a, b in zip(numpy_model.get_weights(), numba_model.get_weights()):
        assert a.dtype == np.float32 and np.allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(numpy_history.history["loss"], numba_history.history["loss"], rtol=1e-5)
    assert numpy_history.history["accuracy"] == numba_history.history["accuracy"]
    other_seed = moons_model()
    other_seed.rng = np.random.default_rng(8)
    other_seed.fit(x, y, batch_size=16, epochs=2, backend="numpy", verbose=0)
    assert not np.allclose(other_seed.get_weights()[0], numpy_model.get_weights()[0])   # the seed matters


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_epoch_metrics_are_running_means_of_each_batch_before_its_update(backend):
    """As Keras: History's loss and accuracy average, over the epoch's samples, what each batch's predictions
    were with the weights before that batch's step (checked by hand from the weights a callback saw)."""
    x, y = MOONS
    model = nn.Sequential([nn.Dense(8, activation="tanh", input_shape=(2,)), nn.Dense(1, activation="sigmoid")],
                          seed=3, dtype="float64")
    model.compile(optimizer=nn.SGD(0.5), loss="binary_crossentropy", metrics=["accuracy"])
    seen = [model.get_weights()]
    record = nn.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(model.get_weights()))
    history = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, backend=backend, verbose=0,
                        callbacks=[record])
    losses, hits = [], []
    for b, start in enumerate(range(0, len(x), 16)):
        w1, b1, w2, b2 = seen[b]
        p = 1 / (1 + np.exp(-(np.tanh(x[start:start + 16] @ w1 + b1) @ w2 + b2)))[:, 0]
        t = y[start:start + 16]
        losses += list(-(t * np.log(p) + (1 - t) * np.log(1 - p)))
        hits += list((p > 0.5) == (t > 0.5))
    assert len(seen) == 8                         # 7 batches, the last one of 4 rows
    assert history.history["loss"][0] == pytest.approx(np.mean(losses), rel=1e-9)
    assert history.history["accuracy"][0] == pytest.approx(np.mean(hits), rel=1e-12)
    final = model.evaluate(x, y, return_dict=True, backend=backend)
    assert final["accuracy"] != history.history["accuracy"][0]     # not the end-of-epoch weights' accuracy


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_loss_mse_and_metric_mse_report_the_same_numbers(backend):
    """Keras reports the same value twice for loss='mse', metrics=['mse']: one statistic feeds both."""
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    model = regression_model()
    model.compile(optimizer=nn.SGD(learning_rate=0.01), loss="mse", metrics=["mse", "mae"])
    history = model.fit(x, y, batch_size=16, epochs=3, backend=backend, verbose=0, validation_split=0.2)
    assert history.history["loss"] == history.history["mse"]
    assert history.history["val_loss"] == history.history["val_mse"]
    assert history.history["mae"] != history.history["mse"]


def test_numba_backend_honours_early_stopping_and_weights_set_by_callbacks():
    x, y = MOONS
    model = moons_model()
    start = model.get_weights()
    marker = nn.LambdaCallback(on_epoch_end=lambda e, logs: model.set_weights([w + 1 for w in start]))
    h = model.fit(x, y, batch_size=16, epochs=10, backend="numba", verbose=0,
                  callbacks=[marker, nn.EarlyStopping(monitor="loss", patience=1, min_delta=1e9)])
    assert len(h.epoch) == 2                      # no change counts as an improvement: stops after patience
    for w, s in zip(model.get_weights(), start):
        np.testing.assert_array_equal(w, s + 1)   # set_weights from a callback kept


def _step_losses(model, rows, weights, state):
    """Loss of one step of the model's step graph on ``rows`` from (weights, state), and the weights after it."""
    from graphgrad.backends.numpy_backend import run
    x, y = rows
    step = model.step_graph(len(x))
    feed = {step.x.id: x, step.y.id: y, step.mask.id: np.ones(len(x))}
    feed.update({p.id: weights[p.name] for p in step.params})
    feed.update({s.id: state[s.name] for s in step.state})
    env = run(step.graph, feed, check=False)
    return float(env[step.loss.id]), {p.name: env[new.id] for p, new in zip(step.params, step.new_params)}


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_divergence_keeps_the_weights_before_the_update_that_made_the_loss_non_finite(backend):
    """Plain SGD at too large a rate: the weights grow until the loss overflows. What fit keeps, W, has a
    finite loss on the step before the failing one, and that step's update from W is what makes the failing
    step's loss non-finite (checked on the interpreter with the step graph)."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 2)) * 10, rng.normal(size=(32, 1))
    model = nn.Sequential([nn.Dense(1, input_shape=(2,))], seed=0, dtype="float64")
    model.compile(optimizer=nn.SGD(learning_rate=1.0), loss="mse")
    with pytest.raises(nn.DivergenceError, match=r"diverged at epoch \d+, step \d+: the loss became") as info:
        model.fit(x, y, batch_size=8, epochs=200, shuffle=False, backend=backend, verbose=0)
    failing = (info.value.epoch - 1) * 4 + info.value.step - 1            # steps before the failing one
    assert failing >= 2 and float(model._state["optimizer/iterations"]) == failing - 1
    batch = lambda k: (x[k % 4 * 8:k % 4 * 8 + 8], y[k % 4 * 8:k % 4 * 8 + 8])
    loss, after = _step_losses(model, batch(failing - 1), model.weights, model._state)
    assert np.isfinite(loss) and all(np.all(np.isfinite(w)) for w in model.get_weights())
    assert not np.isfinite(_step_losses(model, batch(failing), after, model._state)[0])
    assert np.all(np.isfinite(model.predict(x)))
    assert info.value.history.epoch == list(range(info.value.epoch - 1))


@pytest.mark.parametrize("bad_rows, step", [(slice(8, 16), 2), (slice(64, 68), 9)])
def test_divergence_names_the_same_epoch_and_step_on_both_backends(bad_rows, step):
    """Rows of 1e20 make the loss overflow in the batch holding them: the 2nd, or the partial 9th."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(68, 2)), rng.normal(size=(68, 1))
    x[bad_rows] = 1e20
    weights = {}
    for backend in ("numpy", "numba"):
        model = regression_model()
        with pytest.raises(nn.DivergenceError, match=rf"diverged at epoch 1, step {step}: the loss") as info:
            model.fit(x, y, batch_size=8, epochs=3, shuffle=False, backend=backend, verbose=0)
        assert (info.value.epoch, info.value.step) == (1, step)
        assert float(model._state["optimizer/iterations"]) == step - 2     # the update before it is undone too
        weights[backend] = model.get_weights()
    for a, b in zip(weights["numpy"], weights["numba"]):
        assert np.all(np.isfinite(a)) and np.allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("arguments, match", [
    ({"epochs": -1}, r"fit: epochs must be a whole number >= 1, got -1"),
    ({"epochs": 0}, r"fit: epochs must be a whole number >= 1"),
    ({"epochs": 2.5}, r"fit: epochs must be a whole number"),
    ({"batch_size": 0}, r"fit: batch_size must be a whole number >= 1, got 0"),
    ({"batch_size": "8"}, r"fit: batch_size must be a whole number >= 1, got '8'"),
    ({"epochs": 2, "initial_epoch": 2}, r"initial_epoch must be below epochs.*initial_epoch=2 and epochs=2"),
    ({"initial_epoch": -1}, r"fit: initial_epoch must be a whole number >= 0"),
    ({"verbose": "x"}, r"fit: verbose must be 0 \(silent\), 1 \(a progress bar\) or 2 .*got 'x'"),
    ({"validation_data": (np.zeros((2, 2)),)}, r"validation_data must be a tuple \(x_val, y_val\).*a tuple of 1"),
    ({"validation_data": 3}, r"validation_data must be a tuple .*got int"),
    ({"y": None}, r"the labels of x are missing \(y is None\)")])
def test_fit_rejects_bad_arguments_naming_the_argument(arguments, match):
    with pytest.raises(InputValueError, match=match):
        regression_model().fit(np.zeros((4, 2)), **{"y": np.zeros(4), "verbose": 0, **arguments})


def test_a_batch_larger_than_the_data_is_all_of_it_not_a_buffer_of_that_size():
    x, y = np.random.default_rng(0).normal(size=(6, 2)), np.arange(6.0)
    whole, huge = regression_model(), regression_model()
    whole.fit(x, y, batch_size=6, epochs=2, verbose=0)
    huge.fit(x, y, batch_size=10 ** 9, epochs=2, verbose=0)     # 78 GiB of buffers if it were built as asked
    for a, b in zip(whole.get_weights(), huge.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_numba_backend_without_compiler_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphgrad.compiler", None)     # import fails
    with pytest.raises(nn.errors.UnknownNameError, match="fit needs graphgrad.compiler"):
        regression_model().fit(np.zeros((4, 2)), np.zeros(4), backend="numba", verbose=0)


def test_the_default_backend_is_auto_when_numba_is_installed_and_the_environment_can_change_it(monkeypatch):
    from graphgrad.nn.training import default_backend
    monkeypatch.delenv("GRAPHGRAD_BACKEND")
    assert default_backend() == "auto"
    monkeypatch.setenv("GRAPHGRAD_BACKEND", "numpy")
    assert default_backend() == "numpy"


def _spy_on_chunks(monkeypatch):
    """Record the (to_epoch_end, steps) of every chunk fit runs."""
    from graphgrad.compiler import Run
    calls, real = [], Run.advance

    def advance(self, to_epoch_end=False, steps=None):
        calls.append((to_epoch_end, steps))
        return real(self, to_epoch_end, steps)
    monkeypatch.setattr(Run, "advance", advance)
    return calls


@pytest.mark.parametrize("initial_epoch", [0, 1])
def test_recording_callbacks_do_not_stop_the_loop_between_epochs(monkeypatch, capsys, initial_epoch):
    """History, metrics and the progress bar are replayed after a chunk, which may span epochs; a callback that
    acts at epoch ends stops each chunk there, one that acts per batch makes chunks of one step. The weights and
    History are the same either way."""
    x, y = MOONS
    calls = _spy_on_chunks(monkeypatch)
    runs = []
    for callbacks in ([], [nn.LambdaCallback(on_epoch_end=lambda e, logs: None)],
                      [nn.LambdaCallback(on_train_batch_end=lambda b, logs: None)]):
        calls.clear()
        model = moons_model()
        history = model.fit(x, y, batch_size=16, epochs=3, initial_epoch=initial_epoch, verbose=1,
                            callbacks=callbacks)
        assert history.epoch == list(range(initial_epoch, 3))
        out = re.sub(r" - \d+s \d+[um]?s/step", " - TIME", capsys.readouterr().out)
        assert out.count("7/7 [==============================] - TIME - loss: ") == 3 - initial_epoch
        runs.append((model.get_weights(), history.history, list(calls), out))
    assert all(not to_end and steps is None for to_end, steps in runs[0][2])
    assert all(to_end and steps is None for to_end, steps in runs[1][2]) and len(runs[1][2]) >= 3 - initial_epoch
    assert all(steps == 1 for _, steps in runs[2][2]) and len(runs[2][2]) == 7 * (3 - initial_epoch)
    assert runs[0][3].startswith(f"Epoch {initial_epoch + 1}/3\n7/7 [")
    for weights, logs, _, out in runs[1:]:
        assert logs == runs[0][1] and out == runs[0][3]
        for a, b in zip(weights, runs[0][0]):
            np.testing.assert_array_equal(a, b)


def test_divergence_in_a_later_epoch_is_reported_alike_on_both_backends_and_both_numba_paths():
    """SGD with momentum at too large a rate: the loss overflows in epoch 9, step 6 (found on the interpreter).
    Growing without bound amplifies float32 rounding, so the backends' losses agree only to 1e-2 by then; the
    two numba paths (chunks across epochs, or stopping at each epoch end for a callback) run the same kernel
    and agree exactly."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(64, 2)) * 3, rng.normal(size=(64, 1))
    found = {}
    for backend, callbacks in (("numpy", []), ("numba", []),
                               ("numba per epoch", [nn.LambdaCallback(on_epoch_end=lambda e, logs: None)])):
        model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(2,)), nn.Dense(1)], seed=0)
        model.compile(optimizer=nn.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
        with pytest.raises(nn.DivergenceError, match=r"diverged at epoch 9, step 6: the loss") as info:
            model.fit(x, y, batch_size=8, epochs=20, backend=backend.split()[0], verbose=0, callbacks=callbacks)
        assert (info.value.epoch, info.value.step) == (9, 6)
        assert float(model._state["optimizer/iterations"]) == 8 * 8 + 4   # before the update that led to it
        assert info.value.history.epoch == list(range(8))                 # the epochs completed before
        found[backend] = info.value.history.history["loss"], model.get_weights()
    np.testing.assert_allclose(found["numpy"][0], found["numba"][0], rtol=1e-2)
    assert found["numba"][0] == found["numba per epoch"][0]
    for a, b in zip(found["numba"][1], found["numba per epoch"][1]):
        assert np.all(np.isfinite(a)) and np.array_equal(a, b)


def test_ctrl_c_stops_fit_soon_and_keeps_the_last_completed_step_and_the_history():
    """SIGINT from a timer thread during a long compiled fit: KeyboardInterrupt comes back within a chunk
    (bound loose for a busy machine; benchmarks/README.md has the measured latency), the model holds exactly
    the weights of its completed steps (the same kernel run for that many steps from the same seed) and
    History the completed epochs."""
    import os
    import signal
    import threading
    import time
    from graphgrad.compiler import Run, compile_step
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2000, 10)), rng.integers(0, 2, 2000)

    def model():
        m = nn.Sequential([nn.Dense(64, activation="relu", input_shape=(10,)), nn.Dense(1, activation="sigmoid")],
                          seed=4)
        m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        return m

    interrupted = model()
    interrupted.step_graph(32) and compile_step(interrupted.step_graph(32)).load()   # compiled before the timer
    sent = []

    def interrupt():
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)
    timer = nn.LambdaCallback(on_train_begin=lambda logs=None: threading.Timer(0.3, interrupt).start())
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(x, y, batch_size=32, epochs=100000, verbose=0, backend="numba", callbacks=[timer])
    latency = time.perf_counter() - sent[0]
    assert latency < 2.0
    steps = int(interrupted._state["optimizer/iterations"])
    assert 0 < steps < 100000 * 63
    assert interrupted.history.epoch == list(range(steps // 63))

    again = model()
    seed = int(again.rng.integers(2 ** 31))          # fit's one draw from the model's generator
    step = again.step_graph(32)
    weights = [w.copy() for w in again._weights.values()]
    state = [again._state[s.name].copy() for s in step.state]
    x32, y32 = again.prepare(x, y)
    Run(compile_step(step), x32, y32, weights, state, 100000, seed=seed).advance(steps=steps)
    for a, b in zip(interrupted.get_weights(), weights):
        np.testing.assert_array_equal(a, b)


def _softmax_model(units, width):
    model = nn.Sequential([nn.Dense(units, activation="relu", input_shape=(width,)),
                           nn.Dense(3, activation="softmax")], seed=0)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def test_a_model_of_the_same_layers_with_other_sizes_compiles_nothing_new(tmp_path, monkeypatch):
    """Kernels are shape-generic: fit, validation and evaluate of a net with other widths and batch size load
    the first net's kernels, and give the interpreter's numbers."""
    monkeypatch.setenv("GRAPHGRAD_CACHE_DIR", str(tmp_path))
    rng = np.random.default_rng(0)

    def train(units, width, batch, backend):
        x = rng.normal(size=(150, width)).astype(np.float32)
        y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 150)]
        model = _softmax_model(units, width)
        history = model.fit(x, y, batch_size=batch, epochs=2, validation_split=0.2, verbose=0, backend=backend)
        return history.history, model.evaluate(x, y, backend=backend)

    train(64, 70, 16, "numba")
    kernels = sorted(tmp_path.glob("k*"))
    assert kernels
    state = rng.bit_generator.state
    logs, scores = train(80, 90, 12, "numba")
    assert sorted(tmp_path.glob("k*")) == kernels
    rng.bit_generator.state = state
    expected_logs, expected_scores = train(80, 90, 12, "numpy")
    for name, values in expected_logs.items():
        np.testing.assert_allclose(logs[name], values, rtol=1e-4, err_msg=name)
    np.testing.assert_allclose(scores, expected_scores, rtol=1e-4)
