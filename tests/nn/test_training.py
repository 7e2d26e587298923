"""The backend hook: fit(backend="numba") hands the StepGraph to graphgrad.compiler.train_loop with the
compiler's signature; here a stand-in compiler (the NumPy interpreter) checks the wiring."""
import sys
import types

import numpy as np
import pytest

from graphgrad import nn
from graphgrad.backends.numpy_backend import run


def fake_compiler(calls):
    """A graphgrad.compiler with train_loop(step, x, y, params, state, epochs, batch_size, shuffle, seed, on_epoch_end)."""
    module = types.ModuleType("graphgrad.compiler")

    class TrainingDivergedError(Exception):
        pass

    def train_loop(step, x, y, params, state, epochs, batch_size, shuffle=True, seed=0, on_epoch_end=None):
        calls.append({"step": step, "epochs": epochs, "batch_size": batch_size})
        targets = list(params) + list(state)
        for epoch in range(epochs):
            total = 0.0
            batches = len(x) // batch_size
            for b in range(batches):
                rows = slice(b * batch_size, (b + 1) * batch_size)
                env = run(step.graph, {step.x.id: x[rows], step.y.id: y[rows],
                                       **{n.id: a for n, a in zip(step.params + step.state, targets)}})
                for target, new in zip(targets, step.new_params + step.new_state):
                    target[...] = env[new.id]
                total += float(env[step.loss.id])
            if on_epoch_end is not None and on_epoch_end(epoch, total / batches):
                break
    module.train_loop, module.TrainingDivergedError = train_loop, TrainingDivergedError
    return module


def test_numba_backend_calls_the_compiler_with_the_step_graph(monkeypatch, rng, capsys):
    calls = []
    monkeypatch.setitem(sys.modules, "graphgrad.compiler", fake_compiler(calls))
    x, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    model = nn.Sequential([nn.Dense(3, activation="tanh", input_shape=(2,)), nn.Dense(1, activation="sigmoid")],
                          seed=0, dtype="float64")
    model.compile(optimizer=nn.SGD(0.1, momentum=0.9), loss="binary_crossentropy", metrics=["accuracy"])
    reference = nn.Sequential([nn.Dense(3, activation="tanh", input_shape=(2,)), nn.Dense(1, activation="sigmoid")],
                              seed=0, dtype="float64")
    reference.compile(optimizer=nn.SGD(0.1, momentum=0.9), loss="binary_crossentropy", metrics=["accuracy"])

    h = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, backend="numba", verbose=1)
    ref = reference.fit(x, y, batch_size=8, epochs=3, shuffle=False, backend="numpy", verbose=0)
    assert len(calls) == 1 and calls[0]["batch_size"] == 8 and calls[0]["epochs"] == 3
    assert isinstance(calls[0]["step"], nn.StepGraph)
    np.testing.assert_allclose(h.history["loss"], ref.history["loss"], rtol=1e-12)   # 40 = 5 full batches
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert float(model._state["optimizer/iterations"]) == 15
    assert h.history["accuracy"][-1] == pytest.approx(model.evaluate(x, y)[1])
    assert capsys.readouterr().out.count("Epoch ") == 3


def test_numba_backend_honours_early_stopping_and_restored_weights(monkeypatch, rng):
    monkeypatch.setitem(sys.modules, "graphgrad.compiler", fake_compiler([]))
    x, y = rng.normal(size=(16, 2)), rng.integers(0, 2, 16)
    model = nn.Sequential([nn.Dense(1, activation="sigmoid", input_shape=(2,))], seed=0, dtype="float64")
    model.compile(optimizer=nn.SGD(0.0), loss="binary_crossentropy")
    start = model.get_weights()
    marker = nn.LambdaCallback(on_epoch_end=lambda e, logs: model.set_weights([w + 1 for w in start]))
    h = model.fit(x, y, batch_size=8, epochs=10, backend="numba", verbose=0,
                  callbacks=[marker, nn.EarlyStopping(monitor="loss", patience=1)])
    assert len(h.epoch) == 2                     # lr 0: no improvement, stops after patience
    np.testing.assert_array_equal(model.get_weights()[0], start[0] + 1)   # set_weights from a callback kept


def test_numba_backend_without_compiler_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphgrad.compiler", None)     # import fails
    model = nn.Sequential([nn.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(nn.errors.UnknownNameError, match="backend 'numba' needs graphgrad.compiler"):
        model.fit(np.zeros((4, 2)), np.zeros(4), backend="numba", verbose=0)


def test_the_default_backend_is_numba_when_installed_and_the_environment_can_change_it(monkeypatch):
    from graphgrad.nn.training import default_backend
    monkeypatch.delenv("GRAPHGRAD_BACKEND")
    assert default_backend() == "numba"
    monkeypatch.setenv("GRAPHGRAD_BACKEND", "numpy")
    assert default_backend() == "numpy"
