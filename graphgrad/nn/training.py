"""``fit``: epochs of mini-batch steps of the model's StepGraph, run in chunks by ``graphgrad.compiler.loop.Run``.

Every backend trains the same steps from the same seed: each epoch's order of
samples is ``graphgrad.compiler.runtime.epoch_order(order, seed, epoch)``
(``seed`` drawn once per fit from the model's generator) and dropout noise is
the same stream's ``fill_uniform``. One step graph, built for ``batch_size``,
trains every batch: the last, smaller one of an epoch is padded and masked.
"numba" runs chunks of steps in one compiled call each; "numpy" runs the same
steps on the NumPy interpreter (the reference); "auto", the default, starts on
the interpreter and moves to the compiled chunks between two steps once the
kernel is ready (``graphgrad.compiler.tiers``).

Epoch logs are Keras' running means over the epoch's batches, on both
backends: ``loss`` (dropout on, each batch before its update) and every
metric, summed inside the step from the predictions it already computes.
Validation runs after the epoch with its final weights (dropout off).

Chunks last well under 0.2 s, so Python regains control often: the progress
bar moves, Ctrl-C stops training within a fraction of a second (the weights of
the last completed step and the History so far are kept, and the
KeyboardInterrupt is raised again, as in Keras), and per-batch callbacks run
after every batch when there are any. Callbacks that only record (History, the
progress bar) do not stop the loop at epoch ends: the epochs a chunk ran are
told to them together after it (``on_epochs_end``), with times interpolated
over it.
"""
import importlib
import importlib.util
import os
import time

import numpy as np

from ..datasets.checks import whole_number
from ..errors import InputValueError, UnknownNameError
from .callbacks import Callback, History
from .errors import DataError, DivergenceError
from .progress import ProgressBar, verbosity


def _split(model, x, y, validation_split, validation_data):
    """(training x, y, validation x, y or None): Keras takes the last fraction before shuffling."""
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise DataError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight), "
                            f"got {_kind(validation_data)}")
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


def _kind(value):
    """How a value is described in an error: a tuple by its length, anything else by its type."""
    return f"a {type(value).__name__} of {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__


def default_backend():
    """``$GRAPHGRAD_BACKEND`` if set, else "numba" when Numba can be imported, else "numpy"."""
    chosen = os.environ.get("GRAPHGRAD_BACKEND")
    if chosen:
        return chosen
    return "auto" if importlib.util.find_spec("numba") is not None else "numpy"


def _compiler():
    try:
        return importlib.import_module("graphgrad.compiler")
    except ImportError as exc:
        raise UnknownNameError(f"fit needs graphgrad.compiler (and Numba) for its training loop, shuffles and "
                               f"dropout noise, which cannot be imported here: {exc}") from None


def _acts_in(callback, hook):
    """Whether ``callback`` does something in ``hook`` (its class defines it, or it was set on the instance)."""
    return hook in vars(callback) or getattr(type(callback), hook) is not getattr(Callback, hook)


class _Clock:
    """The time callbacks see: now, or a moment inside a chunk for events replayed after it."""

    def __init__(self):
        self.at = None

    def __call__(self):
        return time.perf_counter() if self.at is None else self.at


def fit(model, x, y, *, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
        initial_epoch, backend):
    """Keras' ``fit`` on the step graph; returns the History (also kept as ``model.history``)."""
    backend = backend or default_backend()
    compiler = _compiler()
    compiler.known_backend(backend)
    batch_size = whole_number(batch_size, "fit: batch_size")
    verbose = verbosity(verbose, "fit")
    epochs = whole_number(epochs, "fit: epochs")
    initial_epoch = whole_number(initial_epoch, "fit: initial_epoch", 0)
    if initial_epoch >= epochs:
        raise InputValueError(f"fit: initial_epoch must be below epochs (training runs epochs initial_epoch + 1 "
                              f"to epochs), got initial_epoch={initial_epoch} and epochs={epochs}")
    x, y = model.prepare(x, y)
    x, y, validation = _split(model, x, y, validation_split, validation_data)
    batch_size = min(batch_size, len(x))     # as Keras: a larger batch is all the samples, not a padded buffer
    step = model.step_graph(batch_size)
    runner = compiler.runner(step, backend)

    history, user = History(), list(callbacks or [])
    clock = _Clock()
    callbacks = [history, *user]
    if verbose:
        callbacks.append(ProgressBar(epochs, -(-len(x) // batch_size), verbose, clock=clock))
    per_batch = any(_acts_in(cb, "on_train_batch_end") for cb in user)
    between_epochs = validation is not None or any(_acts_in(cb, hook) for cb in user
                                                   for hook in ("on_epoch_begin", "on_epoch_end"))
    for cb in callbacks:
        cb.set_model(model)
    model.stop_training, model.history = False, history
    arrays = {k: np.array(v, dtype=model.dtype, order="C") for k, v in {**model._weights, **model._state}.items()}
    run = compiler.Run(runner, x, y, [arrays[n.name] for n in step.params], [arrays[n.name] for n in step.state],
                       epochs - initial_epoch, seed=int(model.rng.integers(2 ** 31)), shuffle=shuffle,
                       first_epoch=initial_epoch)
    progress = {"begun": -1, "ended": 0}     # local epochs begun / ended in the callbacks' eyes

    def publish():
        model._weights = {k: arrays[k] for k in model._weights}
        model._state = {k: arrays[k] for k in model._state}

    def begin(local):
        if progress["begun"] < local:
            progress["begun"] = local
            for cb in callbacks:
                cb.on_epoch_begin(initial_epoch + local)

    def batch_end(local, batch):
        if per_batch:
            publish()
        logs = model.logs(run.sums(local), run.rows_done(local))
        for cb in callbacks:
            cb.on_train_batch_end(batch, logs)

    def epoch_end(local):
        progress["ended"] = local + 1
        logs = model.logs(run.sums(local), run.rows_per_epoch)
        if between_epochs:                # validation and callbacks see this epoch's weights
            publish()
        if validation is not None:
            logs.update({f"val_{k}": v for k, v in model.evaluate_arrays(*validation, backend).items()})
        for cb in callbacks:
            cb.on_epoch_end(initial_epoch + local, logs)
        if between_epochs:
            for k in arrays:              # a callback may have set weights (restore_best_weights): copy them in
                held = model._weights.get(k, model._state.get(k))
                if held is not arrays[k]:
                    arrays[k][...] = held
            publish()
        return model.stop_training

    def catch_up(start, began, finished, with_batches=True):
        """Events for the steps run since step ``start`` (at time ``began``) until ``finished``: each epoch
        completed (its last batch only for per-batch callbacks), then the batch reached."""
        scale = (finished - began) / max(run.step_index - start, 1)

        def at(steps):
            """The moment the chunk reached ``steps`` steps, interpolated."""
            return min(began + scale * (steps - start), finished)

        epoch, batch = int(run.position[0]), int(run.position[1])
        completed = range(progress["ended"], epoch)
        if per_batch or between_epochs:
            for local in completed:
                if progress["begun"] < local:
                    clock.at = at(local * run.batches)
                    begin(local)
                clock.at = at((local + 1) * run.batches)
                if per_batch and with_batches:
                    batch_end(local, run.batches - 1)
                if epoch_end(local):
                    return True
        elif completed:             # only recorders listen (History, the bar): the epochs are told together
            clock.at = at(completed[0] * run.batches)
            begin(completed[0])
            logs = model.epoch_logs(run.sums(slice(completed[0], epoch)), run.rows_per_epoch)
            ends = [at((local + 1) * run.batches) for local in completed]
            for cb in callbacks:
                cb.on_epochs_end(initial_epoch + completed[0], logs, ends)
            progress["begun"], progress["ended"] = epoch - 1, epoch
        clock.at = None
        if batch and with_batches:
            begin(epoch)
            batch_end(epoch, batch - 1)
        return False

    for cb in callbacks:
        cb.on_train_begin()
    try:
        while not run.finished:
            if run.position[1] == 0:
                begin(int(run.position[0]))
            start, began = run.step_index, time.perf_counter()
            run.advance(to_epoch_end=between_epochs, steps=1 if per_batch else None)
            if catch_up(start, began, time.perf_counter()):
                break
    except KeyboardInterrupt:
        catch_up(run.step_index, time.perf_counter(), time.perf_counter(), with_batches=False)
        publish()
        raise
    except DivergenceError as exc:
        catch_up(run.step_index, time.perf_counter(), time.perf_counter(), with_batches=False)
        publish()
        exc.history = history
        raise
    finally:
        clock.at = None
        for cb in callbacks:
            cb.on_train_end()
    publish()
    return history
