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

``fit`` is one flat loop over chunks, as Keras' trainer is a loop over
batches: after each chunk its ``CallbackList`` is told the epochs the chunk
ended and the batch it reached. Chunks last well under 0.2 s, so Python regains
control often: the progress bar moves, Ctrl-C stops training within a fraction
of a second (the weights of the last completed step and the History so far are
kept, and the KeyboardInterrupt is raised again, as in Keras), and per-batch
callbacks run after every batch when there are any. Callbacks that only record
(History, the progress bar) do not stop the loop at epoch ends: the epochs a
chunk ran are told to them together after it (``on_epochs_end``), with times
shared out over it.
"""
import importlib
import importlib.util
import os
import time

import numpy as np

from ..datasets.checks import whole_number
from ..errors import InputValueError, UnknownNameError
from .callbacks import CallbackList, History
from .errors import DataError, DivergenceError
from .interrupts import caught
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

    history = History()
    callbacks = CallbackList(callbacks, model, history,
                             ProgressBar(epochs, -(-len(x) // batch_size), verbose) if verbose else None)
    between_epochs = validation is not None or callbacks.between_epochs   # chunks stop at epoch ends
    model.stop_training, model.history = False, history
    arrays = {k: np.array(v, dtype=model.dtype, order="C") for k, v in {**model._weights, **model._state}.items()}
    run = compiler.Run(runner, x, y, [arrays[n.name] for n in step.params], [arrays[n.name] for n in step.state],
                       epochs - initial_epoch, seed=int(model.rng.integers(2 ** 31)), shuffle=shuffle,
                       first_epoch=initial_epoch)

    def end_epochs(first, stop, ends):
        """Tell the callbacks that epochs ``first`` to ``stop`` - 1 of this fit ended (at the moments ``ends``)."""
        logs = model.epoch_logs(run.sums(slice(first, stop)), run.rows_per_epoch)
        if between_epochs:                # one epoch: validation and callbacks see its weights
            _publish(model, arrays)
            if validation is not None:
                logs[-1].update({f"val_{k}": v for k, v in model.evaluate_arrays(*validation, backend).items()})
        callbacks.on_epochs_end(initial_epoch + first, logs, ends)
        if between_epochs:
            _take_back(model, arrays)

    ended = 0        # epochs of this fit whose end the callbacks were told
    callbacks.on_train_begin()
    try:
        with caught() as interrupts:
            while not run.finished:
                if run.position[1] == 0:
                    callbacks.on_epoch_begin(initial_epoch + int(run.position[0]))
                start, began = run.step_index, time.perf_counter()
                run.advance(to_epoch_end=between_epochs, steps=1 if callbacks.per_batch else None)
                interrupts.check()
                epoch, batch = int(run.position[0]), int(run.position[1])
                if epoch > ended:
                    if callbacks.per_batch:   # the epoch's last batch (a chunk is one step)
                        _publish(model, arrays)
                        callbacks.on_train_batch_end(run.batches - 1,
                                                     model.logs(run.sums(ended), run.rows_per_epoch))
                    end_epochs(ended, epoch, _moments(run, start, began, time.perf_counter(), ended, epoch))
                    ended = epoch
                    if model.stop_training:
                        break
                    if batch:
                        callbacks.on_epoch_begin(initial_epoch + epoch)
                if batch:
                    if callbacks.per_batch:
                        _publish(model, arrays)
                    callbacks.on_train_batch_end(batch - 1, model.logs(run.sums(epoch), run.rows_done(epoch)))
    except (KeyboardInterrupt, DivergenceError) as exc:    # the History so far, and the last step's weights
        now = time.perf_counter()
        if run.position[0] > ended:
            end_epochs(ended, int(run.position[0]), [now] * (int(run.position[0]) - ended))
        _publish(model, arrays)
        if isinstance(exc, DivergenceError):
            exc.history = history
        raise
    finally:
        callbacks.on_train_end()
    _publish(model, arrays)
    return history


def _moments(run, start, began, finished, first, stop):
    """When the chunk run from step ``start`` at ``began`` to ``finished`` ended epochs ``first`` to ``stop`` - 1,
    its time shared evenly among its steps."""
    scale = (finished - began) / max(run.step_index - start, 1)
    return [min(began + scale * ((epoch + 1) * run.batches - start), finished) for epoch in range(first, stop)]


def _publish(model, arrays):
    """The model's weights and state become the arrays training updates."""
    model._weights = {k: arrays[k] for k in model._weights}
    model._state = {k: arrays[k] for k in model._state}


def _take_back(model, arrays):
    """Copy into the training arrays weights a callback set on the model (restore_best_weights), then publish."""
    for k in arrays:
        held = model._weights.get(k, model._state.get(k))
        if held is not arrays[k]:
            arrays[k][...] = held
    _publish(model, arrays)
