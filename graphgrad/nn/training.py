"""``fit``: epochs of mini-batch steps, each step one run of the model's StepGraph.

The loop itself is behind ``_run_epochs``, the single place where a backend
is chosen: "numpy" runs the step graph on the NumPy interpreter batch by
batch; "numba" hands the same StepGraph to ``graphgrad.compiler.train_loop``.
On "numpy", a last batch smaller than ``batch_size`` is trained, as in Keras,
with a second StepGraph built for that size; the compiled loop drops it.
"""
import importlib
import importlib.util
import math
import os

import numpy as np

from ..backends.numpy_backend import run
from ..errors import UnknownNameError
from .callbacks import History
from .errors import DataError, DivergenceError
from .progress import ProgressBar

BACKENDS = ("numpy", "numba")


def _split(model, x, y, validation_split, validation_data):
    """(training x, y, validation x, y or None): Keras takes the last fraction before shuffling."""
    if validation_data is not None:
        xv, yv = validation_data[:2]
        xv, yv = model.prepare(xv, yv, what="validation x")
        return x, y, (xv, yv)
    if validation_split:
        if not 0 < validation_split < 1:
            raise DataError(f"validation_split must be between 0 and 1, got {validation_split}")
        cut = int(len(x) * (1 - validation_split))
        if cut == 0 or cut == len(x):
            raise DataError(f"validation_split={validation_split} leaves no training or no validation samples "
                            f"out of {len(x)}")
        return x[:cut], y[:cut], (x[cut:], y[cut:])
    return x, y, None


def numpy_train_loop(steps, predictions, values, x, y, *, epochs, initial_epoch, batch_size, shuffle, rng,
                     on_epoch_begin, on_batch_end, on_epoch_end):
    """Run the step graphs on the NumPy interpreter; ``values`` (by input name) is updated after each step.

    A step whose loss or new weights are not finite is not applied: DivergenceError
    names the epoch and step, and the weights stay at their last finite values.
    """
    n = len(x)
    for epoch in range(initial_epoch, epochs):
        on_epoch_begin(epoch)
        order = rng.permutation(n) if shuffle else np.arange(n)
        for b, start in enumerate(range(0, n, batch_size)):
            idx = order[start:start + batch_size]
            step = steps[len(idx)]
            arrays = {step.x.id: x[idx], step.y.id: y[idx]}
            arrays.update({node.id: values[node.name] for node in step.params + step.state})
            arrays.update({node.id: rng.random(node.shape, dtype=np.float64).astype(node.dtype)
                           for node in step.noise})
            env = run(step.graph, arrays, check=False)
            loss = float(env[step.loss.id])
            bad = [p.name for p, new in zip(step.params, step.new_params) if not np.all(np.isfinite(env[new.id]))]
            if bad or not math.isfinite(loss):
                what = f"the loss became {loss}" if not math.isfinite(loss) else f"weight '{bad[0]}' became non-finite"
                raise DivergenceError(
                    f"training diverged at epoch {epoch + 1}, step {b + 1}: {what}; the learning rate is probably "
                    "too large. The weights are left at their last finite values (before this step).",
                    epoch=epoch + 1, step=b + 1)
            for node, new in zip(step.params + step.state, step.new_params + step.new_state):
                values[node.name] = env[new.id]
            on_batch_end(b, loss, idx, predictions[len(idx)].value(env))
        if on_epoch_end(epoch):
            break


def default_backend():
    """``$GRAPHGRAD_BACKEND`` if set, else "numba" when Numba can be imported, else "numpy"."""
    chosen = os.environ.get("GRAPHGRAD_BACKEND")
    if chosen:
        return chosen
    return "numba" if importlib.util.find_spec("numba") is not None else "numpy"


def _run_epochs(steps, predictions, values, x, y, *, backend, **loop):
    """Train for the requested epochs on ``backend``: the one place a compiled backend plugs in.

    ``steps`` maps batch size -> StepGraph (the full size, and the last partial
    batch's size when it differs); ``values`` maps input names to arrays (weights
    and optimizer state) and is updated in place.
    """
    if backend == "numpy":
        return numpy_train_loop(steps, predictions, values, x, y, **loop)
    return _compiled_train_loop(steps[loop["batch_size"]], values, x, y, **loop)


def _compiled_train_loop(step, values, x, y, *, epochs, initial_epoch, batch_size, shuffle, rng,
                         on_epoch_begin, on_batch_end, on_epoch_end):
    """Hand the StepGraph to ``graphgrad.compiler.train_loop`` (its loop drops a last partial batch).

    The compiled loop updates the weight and state arrays in place and calls back
    once per epoch with the epoch's mean loss; metrics are then computed from the
    epoch's final weights.
    """
    try:
        compiler = importlib.import_module("graphgrad.compiler")
    except ImportError:
        raise UnknownNameError("backend 'numba' needs graphgrad.compiler, which is not available in this "
                               "installation; use backend='numpy'") from None
    names = [n.name for n in step.params + step.state]
    arrays = {k: np.array(values[k], dtype=step.x.dtype, order="C") for k in names}
    values.update(arrays)

    def epoch_end(epoch, loss):
        epoch += initial_epoch
        if not math.isfinite(loss):
            return True
        stop = on_epoch_end(epoch, loss)
        for k in names:                      # a callback may have replaced weights: copy them back in place
            if values[k] is not arrays[k]:
                arrays[k][...] = values[k]
                values[k] = arrays[k]
        if not stop and epoch + 1 < epochs:
            on_epoch_begin(epoch + 1)
        return bool(stop)

    on_epoch_begin(initial_epoch)
    try:
        compiler.train_loop(step, x, y, [arrays[n.name] for n in step.params], [arrays[n.name] for n in step.state],
                            epochs=epochs - initial_epoch, batch_size=batch_size, shuffle=shuffle,
                            seed=int(rng.integers(2 ** 31)), on_epoch_end=epoch_end)
    except compiler.TrainingDivergedError as exc:
        raise DivergenceError(str(exc)) from None


def fit(model, x, y, *, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
        initial_epoch, backend):
    """Keras' ``fit`` on the step graph; returns the History (also kept as ``model.history``)."""
    backend = backend or default_backend()
    if backend not in BACKENDS:
        raise UnknownNameError(f"unknown backend '{backend}': the known backends are {', '.join(BACKENDS)}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise DataError(f"batch_size must be a positive whole number, got {batch_size!r}")
    x, y = model.prepare(x, y)
    x, y, validation = _split(model, x, y, validation_split, validation_data)
    n, batch_size = len(x), int(min(batch_size, len(x)))
    sizes = {batch_size} | ({n % batch_size} if n % batch_size else set())
    built = {size: model._step(size) for size in sizes}
    steps = {size: pair[0] for size, pair in built.items()}
    predictions = {size: pair[1] for size, pair in built.items()}
    n_steps = math.ceil(n / batch_size)

    history = History()
    callbacks = [history, *(callbacks or [])]
    if verbose:
        callbacks.append(ProgressBar(epochs, n_steps, verbose))
    for cb in callbacks:
        cb.set_model(model)
    model.stop_training, model.history = False, history
    values = {**model._weights, **model._state}
    metrics = model.fresh_metrics()
    running = {"loss": 0.0, "count": 0}

    def publish():
        model._weights = {k: values[k] for k in model._weights}
        model._state = {k: values[k] for k in model._state}

    def on_epoch_begin(epoch):
        running.update(loss=0.0, count=0)
        for m in metrics:
            m.reset()
        for cb in callbacks:
            cb.on_epoch_begin(epoch)

    def on_batch_end(b, loss, idx, predicted):
        running["loss"] += loss * len(idx)
        running["count"] += len(idx)
        for m in metrics:
            m.update(y[idx], predicted)
        logs = {"loss": running["loss"] / running["count"], **{m.name: float(m.result()) for m in metrics}}
        for cb in callbacks:
            cb.on_train_batch_end(b, logs)

    def on_epoch_end(epoch, loss=None):
        publish()
        if running["count"]:
            logs = {"loss": running["loss"] / running["count"], **{m.name: float(m.result()) for m in metrics}}
        else:   # a compiled loop reports only the loss; metrics come from the epoch's final weights
            logs = {"loss": loss, **{k: v for k, v in model._evaluate_arrays(x, y).items() if k != "loss"}}
        if validation is not None:
            logs.update({f"val_{k}": v for k, v in model._evaluate_arrays(*validation).items()})
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)
        values.update(model._weights)      # a callback may have set weights (restore_best_weights)
        return model.stop_training

    for cb in callbacks:
        cb.on_train_begin()
    try:
        _run_epochs(steps, predictions, values, x, y, backend=backend, epochs=epochs, initial_epoch=initial_epoch,
                    batch_size=batch_size, shuffle=shuffle, rng=model.rng, on_epoch_begin=on_epoch_begin,
                    on_batch_end=on_batch_end, on_epoch_end=on_epoch_end)
    except DivergenceError as exc:
        publish()
        exc.history = history
        raise
    finally:
        for cb in callbacks:
            cb.on_train_end()
    publish()
    return history

