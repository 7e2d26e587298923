"""``fit``: epochs of mini-batch steps, each step one run of the model's StepGraph.

Both backends train the same steps from the same seed: each epoch's order of
samples is ``graphgrad.compiler.runtime.epoch_order(order, seed, epoch)``
(``seed`` drawn once per fit from the model's generator) and dropout noise is
the same stream's ``fill_uniform``. A last batch smaller than ``batch_size``
is trained, as in Keras, with a second StepGraph built for that size.
"numpy" runs every step on the NumPy interpreter; "numba" runs each epoch's
full batches in ``graphgrad.compiler.train_loop`` and the last partial batch
through ``compile_step(...).run_step`` (the noise stream continues from the
loop's). When nothing needs Python between epochs (verbose=0, no callbacks,
metrics or validation) and every batch is full, all epochs run in one compiled
call and the History is filled from its per-epoch losses afterwards.
``_run_epochs`` is the one place a backend is chosen.

Epoch logs mean the same on both backends: ``loss`` is the mean of the
epoch's step losses weighted by batch size (dropout on, each before its
update: Keras' running mean); every other metric is computed after the epoch
on the whole training set with the epoch's final weights (dropout off),
because the compiled loop returns no per-batch predictions.
"""
import importlib
import importlib.util
import math
import os

import numpy as np

from ..backends.numpy_backend import run
from ..datasets.checks import whole_number
from ..errors import InputValueError, UnknownNameError
from .callbacks import History
from .errors import DataError, DivergenceError
from .progress import ProgressBar

BACKENDS = ("numpy", "numba")
EVALUATION_BATCH = 256     # metrics and validation after each epoch: any size gives the same numbers, fewer runs
DIVERGED = ("the learning rate is probably too large. The weights are left at their last finite values "
            "(before this step).")


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


def _runtime():
    """``graphgrad.compiler.runtime``: the epoch order and noise stream both backends share."""
    try:
        return importlib.import_module("graphgrad.compiler.runtime")
    except ImportError as exc:
        raise UnknownNameError(f"fit needs graphgrad.compiler.runtime (and Numba) for its shuffles and dropout "
                               f"noise, which cannot be imported here: {exc}") from None


def numpy_train_loop(steps, values, x, y, *, seed, epochs, initial_epoch, batch_size, shuffle,
                     on_epoch_begin, on_batch_end, on_epoch_end):
    """Run the step graphs on the NumPy interpreter; ``values`` (by input name) is updated after each step.

    A step whose loss or new weights are not finite is not applied: DivergenceError
    names the epoch and step, and the weights stay at their last finite values.
    """
    runtime = _runtime()
    order = np.empty(len(x), np.int64)
    for epoch in range(initial_epoch, epochs):
        on_epoch_begin(epoch)
        runtime.epoch_order(order, seed, epoch - initial_epoch, shuffle)
        for b, start in enumerate(range(0, len(x), batch_size)):
            idx = order[start:start + batch_size]
            step = steps[len(idx)]
            arrays = {step.x.id: x[idx], step.y.id: y[idx]}
            arrays.update({node.id: values[node.name] for node in step.params + step.state})
            for node in step.noise:
                noise = np.empty(node.shape, node.dtype)
                runtime.fill_uniform(noise.reshape(-1))
                arrays[node.id] = noise
            env = run(step.graph, arrays, check=False)
            loss = float(env[step.loss.id])
            bad = [p.name for p, new in zip(step.params, step.new_params) if not np.all(np.isfinite(env[new.id]))]
            if bad or not math.isfinite(loss):
                what = f"the loss became {loss}" if not math.isfinite(loss) else f"weight '{bad[0]}' became non-finite"
                raise DivergenceError(f"training diverged at epoch {epoch + 1}, step {b + 1}: {what}; {DIVERGED}",
                                      epoch=epoch + 1, step=b + 1)
            for node, new in zip(step.params + step.state, step.new_params + step.new_state):
                values[node.name] = env[new.id]
            on_batch_end(b, loss, len(idx))
        if on_epoch_end(epoch):
            break


def default_backend():
    """``$GRAPHGRAD_BACKEND`` if set, else "numba" when Numba can be imported, else "numpy"."""
    chosen = os.environ.get("GRAPHGRAD_BACKEND")
    if chosen:
        return chosen
    return "numba" if importlib.util.find_spec("numba") is not None else "numpy"


def _run_epochs(steps, values, x, y, *, backend, between_epochs, **loop):
    """Train for the requested epochs on ``backend``: the one place a compiled backend plugs in.

    ``steps`` maps batch size -> StepGraph (the full size, and the last partial
    batch's size when it differs); ``values`` maps input names to arrays (weights
    and optimizer state) and is updated in place. ``between_epochs`` False says
    the epoch hooks may all run after training (they only record the losses).
    """
    if backend == "numpy":
        return numpy_train_loop(steps, values, x, y, **loop)
    return _compiled_train_loop(steps, values, x, y, between_epochs=between_epochs, **loop)


def _compiled_train_loop(steps, values, x, y, *, seed, epochs, initial_epoch, batch_size, shuffle,
                         on_epoch_begin, on_batch_end, on_epoch_end, between_epochs):
    """Each epoch's full batches in ``graphgrad.compiler.train_loop``, then its last partial batch (if any)
    through the compiled step of that size, on the same order of samples the loop used.

    The loop updates the weight and state arrays in place and calls back once
    per epoch with the mean loss of its batches; no per-batch callbacks are made.
    Without ``between_epochs`` and a partial batch, all epochs are one compiled
    call and the epoch hooks replay its per-epoch losses after it.
    """
    try:
        compiler = importlib.import_module("graphgrad.compiler")
    except ImportError:
        raise UnknownNameError("backend 'numba' needs graphgrad.compiler, which is not available in this "
                               "installation; use backend='numpy'") from None
    step = steps[batch_size]
    full = len(x) // batch_size * batch_size
    rest = steps.get(len(x) - full)
    rest_run = compiler.compile_step(rest) if rest is not None else None
    names = [n.name for n in step.params + step.state]
    arrays = {k: np.array(values[k], dtype=step.x.dtype, order="C") for k in names}
    values.update(arrays)
    params, state = [arrays[n.name] for n in step.params], [arrays[n.name] for n in step.state]
    order = np.empty(len(x), np.int64)
    one_call = not between_epochs and rest is None

    def begin(epoch):
        on_epoch_begin(epoch)
        compiler.runtime.epoch_order(order, seed, epoch - initial_epoch, shuffle)   # what the loop will use

    def epoch_end(local, loss):
        epoch = initial_epoch + local
        on_batch_end(None, loss, full)
        if rest_run is not None:           # the noise stream continues from the loop's last batch
            idx = order[full:]
            loss = float(rest_run.run_step(x[idx], y[idx], params, state))
            if not math.isfinite(loss):
                step_no = full // batch_size + 1
                raise DivergenceError(f"training diverged at epoch {epoch + 1}, step {step_no}: the loss became "
                                      f"{loss}; {DIVERGED}", epoch=epoch + 1, step=step_no)
            on_batch_end(None, loss, len(idx))
        stop = on_epoch_end(epoch)
        for k in names:                      # a callback may have replaced weights: copy them back in place
            if values[k] is not arrays[k]:
                arrays[k][...] = values[k]
                values[k] = arrays[k]
        if not stop and epoch + 1 < epochs:
            begin(epoch + 1)
        return bool(stop)

    def replay(losses):
        for local, loss in enumerate(losses):
            on_epoch_begin(initial_epoch + local)
            on_batch_end(None, loss, full)
            on_epoch_end(initial_epoch + local)

    loop = dict(epochs=epochs - initial_epoch, batch_size=batch_size, shuffle=shuffle, seed=seed)
    try:
        if one_call:
            replay(compiler.train_loop(step, x, y, params, state, **loop))
        else:
            begin(initial_epoch)
            compiler.train_loop(step, x, y, params, state, on_epoch_end=epoch_end, **loop)
    except compiler.TrainingDivergedError as exc:
        if one_call:
            replay(exc.losses)
        epoch = initial_epoch + exc.epoch          # the loop counts its epochs from 1
        raise DivergenceError(f"training diverged at epoch {epoch}, step {exc.step}: the loss became NaN or "
                              f"infinite; {DIVERGED}", epoch=epoch, step=exc.step) from None


def fit(model, x, y, *, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
        initial_epoch, backend):
    """Keras' ``fit`` on the step graph; returns the History (also kept as ``model.history``)."""
    backend = backend or default_backend()
    if backend not in BACKENDS:
        raise UnknownNameError(f"unknown backend '{backend}': the known backends are {', '.join(BACKENDS)}")
    batch_size = whole_number(batch_size, "fit: batch_size")
    epochs = whole_number(epochs, "fit: epochs")
    initial_epoch = whole_number(initial_epoch, "fit: initial_epoch", 0)
    if initial_epoch >= epochs:
        raise InputValueError(f"fit: initial_epoch must be below epochs (training runs epochs initial_epoch + 1 "
                              f"to epochs), got initial_epoch={initial_epoch} and epochs={epochs}")
    x, y = model.prepare(x, y)
    x, y, validation = _split(model, x, y, validation_split, validation_data)
    n, batch_size = len(x), min(batch_size, len(x))
    sizes = {batch_size} | ({n % batch_size} if n % batch_size else set())
    steps = {size: model.step_graph(size) for size in sizes}

    history = History()
    between_epochs = bool(verbose or callbacks or validation is not None or model.metric_specs)
    callbacks = [history, *(callbacks or [])]
    if verbose:
        callbacks.append(ProgressBar(epochs, math.ceil(n / batch_size), verbose))
    for cb in callbacks:
        cb.set_model(model)
    model.stop_training, model.history = False, history
    values = {**model._weights, **model._state}
    running = {"loss": 0.0, "count": 0}

    def publish():
        model._weights = {k: values[k] for k in model._weights}
        model._state = {k: values[k] for k in model._state}

    def on_epoch_begin(epoch):
        running.update(loss=0.0, count=0)
        for cb in callbacks:
            cb.on_epoch_begin(epoch)

    def on_batch_end(b, loss, count):
        """Add a step's loss (or the mean of ``count`` samples' steps) to the epoch's; ``b`` None: no callbacks."""
        running["loss"] += loss * count
        running["count"] += count
        if b is not None:
            for cb in callbacks:
                cb.on_train_batch_end(b, {"loss": running["loss"] / running["count"]})

    def on_epoch_end(epoch):
        publish()
        logs = {"loss": running["loss"] / running["count"]}
        if model.metric_specs:
            logs.update({k: v for k, v in model._evaluate_arrays(x, y, EVALUATION_BATCH).items() if k != "loss"})
        if validation is not None:
            logs.update({f"val_{k}": v for k, v in model._evaluate_arrays(*validation, EVALUATION_BATCH).items()})
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)
        values.update(model._weights)      # a callback may have set weights (restore_best_weights)
        return model.stop_training

    for cb in callbacks:
        cb.on_train_begin()
    try:
        _run_epochs(steps, values, x, y, backend=backend, seed=int(model.rng.integers(2 ** 31)), epochs=epochs,
                    initial_epoch=initial_epoch, batch_size=batch_size, shuffle=shuffle, between_epochs=between_epochs,
                    on_epoch_begin=on_epoch_begin, on_batch_end=on_batch_end, on_epoch_end=on_epoch_end)
    except DivergenceError as exc:
        publish()
        exc.history = history
        raise
    finally:
        for cb in callbacks:
            cb.on_train_end()
    publish()
    return history
