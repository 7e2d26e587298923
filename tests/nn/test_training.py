"""fit on both backends: the same seed trains the same weights (shuffles, dropout noise, last partial batch),
epoch logs mean the same thing, and divergence is reported with its epoch and step.

The numba runs compile two small kernels per model (a few seconds on a cold cache), so the models here are
few and shared between tests.
"""
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
        seen = []
        record = nn.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(model.evaluate(x, y)[1]))
        history = model.fit(x, y, batch_size=16, epochs=2, backend=backend, verbose=1, callbacks=[record])
        runs[backend] = model, history, seen
        assert capsys.readouterr().out.count("Epoch ") == 2
        assert float(model._state["optimizer/iterations"]) == 14        # 7 steps an epoch, the partial one too
        # metrics are those of the epoch's final weights on the training set, on both backends
        np.testing.assert_allclose(history.history["accuracy"], seen, rtol=1e-6)
    (numpy_model, numpy_history, _), (numba_model, numba_history, _) = runs["numpy"], runs["numba"]
    for a, b in zip(numpy_model.get_weights(), numba_model.get_weights()):
        assert a.dtype == np.float32 and np.allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(numpy_history.history["loss"], numba_history.history["loss"], rtol=1e-5)
    assert numpy_history.history["accuracy"] == numba_history.history["accuracy"]
    other_seed = moons_model()
    other_seed.rng = np.random.default_rng(8)
    other_seed.fit(x, y, batch_size=16, epochs=2, backend="numpy", verbose=0)
    assert not np.allclose(other_seed.get_weights()[0], numpy_model.get_weights()[0])   # the seed matters


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
        assert float(model._state["optimizer/iterations"]) == step - 1     # the failing step changed nothing
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
    ({"initial_epoch": -1}, r"fit: initial_epoch must be a whole number >= 0")])
def test_fit_rejects_bad_epochs_and_batch_sizes_naming_the_argument(arguments, match):
    with pytest.raises(InputValueError, match=match):
        regression_model().fit(np.zeros((4, 2)), np.zeros(4), verbose=0, **arguments)


def test_numba_backend_without_compiler_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphgrad.compiler", None)     # import fails
    with pytest.raises(nn.errors.UnknownNameError, match="backend 'numba' needs graphgrad.compiler"):
        regression_model().fit(np.zeros((4, 2)), np.zeros(4), backend="numba", verbose=0)


def test_the_default_backend_is_numba_when_installed_and_the_environment_can_change_it(monkeypatch):
    from graphgrad.nn.training import default_backend
    monkeypatch.delenv("GRAPHGRAD_BACKEND")
    assert default_backend() == "numba"
    monkeypatch.setenv("GRAPHGRAD_BACKEND", "numpy")
    assert default_backend() == "numpy"


def _spy_on_train_loop(monkeypatch):
    """Record the ``on_epoch_end`` of every call fit makes to the compiled training loop."""
    import graphgrad.compiler
    calls, real = [], graphgrad.compiler.train_loop

    def train_loop(*args, on_epoch_end=None, **kwargs):
        calls.append(on_epoch_end)
        return real(*args, on_epoch_end=on_epoch_end, **kwargs)
    monkeypatch.setattr(graphgrad.compiler, "train_loop", train_loop)
    return calls


@pytest.mark.parametrize("initial_epoch", [0, 1])
def test_with_nothing_between_epochs_numba_runs_all_epochs_in_one_call_and_trains_the_same_weights(
        monkeypatch, initial_epoch):
    """verbose=0, no callbacks, metrics or validation, only full batches: one compiled call, same weights and
    History as the NumPy interpreter (dropout noise and shuffles included)."""
    x, y = MOONS[0][:96], MOONS[1][:96]                  # batch 16: six full batches
    calls = _spy_on_train_loop(monkeypatch)
    runs = {}
    for backend in ("numpy", "numba"):
        model = moons_model()
        model.compile(optimizer=nn.SGD(0.1, momentum=0.9), loss="binary_crossentropy")    # no metrics
        history = model.fit(x, y, batch_size=16, epochs=3, initial_epoch=initial_epoch, backend=backend,
                            verbose=0)
        assert history.epoch == list(range(initial_epoch, 3)) and list(history.history) == ["loss"]
        assert float(model._state["optimizer/iterations"]) == 6 * (3 - initial_epoch)
        runs[backend] = model.get_weights(), history.history["loss"]
    assert calls == [None]                               # one call, no per-epoch callback
    for a, b in zip(runs["numpy"][0], runs["numba"][0]):
        assert np.allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(runs["numpy"][1], runs["numba"][1], rtol=1e-5)
    calls.clear()
    moons_model().fit(x, y, batch_size=16, epochs=2, backend="numba", verbose=0)     # metrics: per epoch
    assert len(calls) == 1 and calls[0] is not None


def test_divergence_in_a_later_epoch_is_reported_alike_on_both_backends_and_both_numba_paths():
    """SGD with momentum at too large a rate: the loss overflows in epoch 9, step 6 (found on the interpreter).
    Growing without bound amplifies float32 rounding, so the backends' losses agree only to 1e-2 by then; the
    two numba paths (one call, or a call per epoch for a callback) run the same kernel and agree exactly."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(64, 2)) * 3, rng.normal(size=(64, 1))
    found = {}
    for backend, callbacks in (("numpy", []), ("numba", []), ("numba per epoch", [nn.LambdaCallback()])):
        model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(2,)), nn.Dense(1)], seed=0)
        model.compile(optimizer=nn.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
        with pytest.raises(nn.DivergenceError, match=r"diverged at epoch 9, step 6: the loss") as info:
            model.fit(x, y, batch_size=8, epochs=20, backend=backend.split()[0], verbose=0, callbacks=callbacks)
        assert (info.value.epoch, info.value.step) == (9, 6)
        assert float(model._state["optimizer/iterations"]) == 8 * 8 + 5          # the failing step changed nothing
        assert info.value.history.epoch == list(range(8))                       # the epochs completed before
        found[backend] = info.value.history.history["loss"], model.get_weights()
    np.testing.assert_allclose(found["numpy"][0], found["numba"][0], rtol=1e-2)
    assert found["numba"][0] == found["numba per epoch"][0]
    for a, b in zip(found["numba"][1], found["numba per epoch"][1]):
        assert np.all(np.isfinite(a)) and np.array_equal(a, b)
