"""A training run in chunks of steps: resumable, with running sums, and rolled back one step on divergence.

``Run`` drives a runner, the compiled loop (``CompiledStep``) or the NumPy
interpreter (``Interpreted``, the reference), whose ``chunk`` runs steps from
``position`` (epoch, batch) and adds each step's loss times its rows and its
``sums`` to ``totals[epoch]``. Chunks are sized to last about ``CHUNK_SECONDS``,
so Python gets control back often (progress, callbacks, Ctrl-C) at almost no
cost. The weights and optimizer state are updated in place; a chunk that stops
on a non-finite loss is rolled back to the weights before the update that led to
it, replaying the steps since a snapshot (same order of samples, same noise).
"""
import math
import time

import numpy as np

from ..backends.numpy_backend import outputs
from ..errors import DivergenceError, ShapeError
from .chunk import training_loop
from .kernels import sum_sizes
from .randomness import Stream

CHUNK_SECONDS = 0.05     # a chunk's target length: Ctrl-C and progress land within a fraction of a second
FIRST_CHUNK = 4          # steps of the first chunk, which measures the speed (then at most 8x per chunk)


class TrainingDivergedError(DivergenceError):
    """The loss became NaN or infinite; the weights are those before the update that led to it.

    A DivergenceError (what ``fit`` raises), so one ``except`` catches both. ``epoch`` and ``step``
    (counted from 1) name the step whose loss was not finite; ``losses`` are the mean losses of the
    epochs completed before.
    """

    def __init__(self, message, epoch, step, losses):
        super().__init__(message, epoch=epoch, step=step)
        self.losses = losses


def step_inputs(step):
    """The step graph's inputs in the order the kernels take: x, y, (mask), params, state, noise."""
    return [step.x, step.y, *([step.mask] if step.mask is not None else []), *step.params, *step.state,
            *step.noise]


def batches_per_epoch(step, rows):
    """Steps in an epoch of ``rows`` examples: with a mask the last batch holds the remainder, without one
    the remainder is skipped."""
    batch = step.x.shape[0]
    return -(-rows // batch) if step.mask is not None else rows // batch


def totals(step, epochs):
    """Zeroed sums of ``epochs`` epochs: a row each, the loss times the rows, then the step's ``sums`` flattened."""
    return np.zeros((epochs, 1 + sum(sum_sizes(step))))


def dataset(array, node, what):
    """The data set as a C-contiguous 2-D array (rows = examples), checked against the batch node; no copy
    when it already is one of the node's dtype."""
    array = np.ascontiguousarray(array, dtype=node.dtype)
    if array.shape[1:] != node.shape[1:]:
        raise ShapeError(f"shape mismatch for {what}: the step graph takes rows of shape {node.shape[1:]}, "
                         f"the data has rows of shape {array.shape[1:]}")
    return array.reshape(array.shape[0], -1)


class Run:
    """``epochs`` epochs of shuffled mini-batches of ``step`` on (x, y), run a chunk at a time.

    ``position`` is the next step (epoch from 0, batch); ``totals[epoch]`` holds
    the epoch's sums so far: loss times rows, then the step's ``sums`` flattened.
    With a mask in the step graph every epoch covers all rows (the last batch
    is partial); without one the remainder of each shuffled epoch is skipped.
    """

    def __init__(self, runner, x, y, params, state, epochs, seed=0, shuffle=True, first_epoch=0):
        step = runner.step_graph
        self.runner, self.step = runner, step
        self.batch = step.x.shape[0]
        if len(x) != len(y):
            raise ShapeError(f"x has {len(x)} examples but y has {len(y)}")
        self.x, self.y = dataset(x, step.x, "x"), dataset(y, step.y, "y")
        n = len(self.x)
        self.batches = batches_per_epoch(step, n)
        if self.batches == 0:
            raise ShapeError(f"x has {n} examples, fewer than one batch of {self.batch}")
        self.rows_per_epoch = n if step.mask is not None else self.batches * self.batch
        runner.check(params, state)
        self.params, self.state = list(params), list(state)
        self.epochs, self.seed, self.shuffle, self.first_epoch = epochs, int(seed), bool(shuffle), first_epoch
        self.position = np.zeros(2, np.int64)
        self.totals = totals(step, epochs)
        ends = np.cumsum([1, *sum_sizes(step)])
        self._columns = [(a, b, n.shape) for a, b, n in zip(ends[:-1], ends[1:], step.sums)]
        self.order = np.empty(n, np.int64)
        self.chunk_steps = FIRST_CHUNK
        self._snapshots = []

    @property
    def step_index(self):
        """Steps completed so far (over all epochs)."""
        return int(self.position[0]) * self.batches + int(self.position[1])

    @property
    def finished(self):
        return self.position[0] >= self.epochs

    def rows_done(self, epoch):
        """Rows trained in ``epoch`` so far."""
        if epoch < self.position[0]:
            return self.rows_per_epoch
        return min(int(self.position[1]) * self.batch, self.rows_per_epoch) if epoch == self.position[0] else 0

    def sums(self, epochs):
        """``totals[epochs]`` (an epoch, or a slice of them) split into the step's sums after the loss column,
        each in its node's shape (after an axis of epochs for a slice)."""
        rows = self.totals[epochs]
        lead = rows.shape[:-1]
        return [rows[..., a:b].reshape(lead + shape) if shape else rows[..., a] for a, b, shape in self._columns]

    def mean_loss(self, epoch):
        return self.totals[epoch, 0] / max(self.rows_done(epoch), 1)

    def advance(self, to_epoch_end=False, steps=None):
        """Run one chunk (``steps`` steps, else about CHUNK_SECONDS' worth); returns the steps run.

        Stops at the end of an epoch when ``to_epoch_end``. A non-finite loss rolls the weights back
        and raises TrainingDivergedError.
        """
        count = steps or self.chunk_steps
        self._snapshot()
        before, start = self.step_index, time.perf_counter()
        bad = self._chunk(count, to_epoch_end)
        elapsed = time.perf_counter() - start
        done = self.step_index - before
        if steps is None and done == count:
            self.chunk_steps = max(1, min(int(done / max(elapsed, 1e-6) * CHUNK_SECONDS), 8 * count))
        if not math.isfinite(bad):
            self._diverged(bad)
        return done

    def _chunk(self, steps, to_epoch_end):
        return self.runner.chunk(self.x, self.y, self.params, self.state, self.order, self.seed,
                                 self.first_epoch, self.epochs, self.shuffle, self.position, steps,
                                 to_epoch_end, self.totals)

    def _snapshot(self):
        """Keep what replaying from here needs (the last two chunks' starts)."""
        self._snapshots = self._snapshots[-1:] + [(
            self.step_index, [a.copy() for a in self.params + self.state], self.order.copy(),
            self.runner.rng_state(), self.totals.copy(), self.position.copy())]

    def _diverged(self, loss):
        failed = self.step_index
        local, batch = int(self.position[0]), int(self.position[1])
        epoch = self.first_epoch + local + 1          # counted from 1, as printed
        losses = [float(self.mean_loss(e)) for e in range(local)]
        if failed > 0:
            self._rollback(failed - 1)
            where = f"step {batch} of epoch {epoch}" if batch else f"the last step of epoch {epoch - 1}"
            kept = f"the weights are left at their values before the update that led to it ({where})"
        else:
            kept = "the weights are left at their initial values"
        raise TrainingDivergedError(f"training diverged at epoch {epoch}, step {batch + 1}: the loss became "
                                    f"{loss}; {kept}; try a smaller learning rate", epoch, batch + 1, losses)

    def _rollback(self, target):
        """Weights, state, order, noise and totals as they were after ``target`` steps, by replaying."""
        index, arrays, order, rng, totals, position = next(s for s in reversed(self._snapshots) if s[0] <= target)
        for array, saved in zip(self.params + self.state, arrays):
            array[...] = saved
        self.order[...] = order
        self.totals[...] = totals
        self.position[...] = position
        self.runner.set_rng_state(rng)
        if target > index:
            self._chunk(target - index, False)


class Interpreted:
    """The chunk runner on the NumPy interpreter: the reference the compiled loop must match step for step."""

    def __init__(self, step):
        from .executor import step_graph_of
        self.step_graph = step
        self.graph = step_graph_of(step)
        self.updated = [node.id for node in list(step.params) + list(step.state)]   # in the graph's outputs' order
        self.stream = Stream()
        self.run_chunk = training_loop(self._step, self.stream.epoch_order)

    def rng_state(self):
        return self.stream.state()

    def set_rng_state(self, state):
        self.stream.set_state(state)

    def check(self, params, state):
        for arrays, nodes in ((params, self.step_graph.params), (state, self.step_graph.state)):
            for array, node in zip(arrays, nodes):
                if not isinstance(array, np.ndarray) or array.shape != node.shape:
                    raise ShapeError(f"'{node.name}' must be an array of shape {node.shape}")

    def chunk(self, data_x, data_y, params, state, order, seed, first, epochs, shuffle, position, steps,
              to_epoch_end, totals):
        """As the compiled ``train`` kernel: the training loop around this interpreter's step and stream."""
        s = self.step_graph
        targets = list(params) + list(state)
        current = list(targets)       # the weights and state of the next step, written back after the chunk
        loss = self.run_chunk((data_x, data_y, current), np.empty(s.x.shape[0], np.int64),
                              batches_per_epoch(s, len(data_x)), order, seed, first, epochs, shuffle, position, steps,
                              to_epoch_end, totals)
        for target, value in zip(targets, current):
            if value is not target:
                target[...] = value
        return loss

    def _step(self, data, picked, rows, sums):
        """One step on rows ``picked`` of the data (the first ``rows`` real, the others masked): see
        ``chunk.training_loop``."""
        data_x, data_y, current = data
        s, updated = self.step_graph, self.updated
        values = {s.x.id: data_x[picked].reshape(s.x.shape), s.y.id: data_y[picked].reshape(s.y.shape),
                  **dict(zip(updated, current))}
        if s.mask is not None:
            values[s.mask.id] = (np.arange(len(picked)) < rows).astype(s.mask.dtype)
        for node in s.noise:
            noise = np.empty(max(node.size, 1), node.dtype)
            self.stream.fill_uniform(noise)
            values[node.id] = noise.reshape(node.shape)
        results = outputs(self.graph, values)      # loss, new params, new state, sums
        loss = float(results[0])
        if not math.isfinite(loss):
            return loss
        current[:] = results[1:1 + len(updated)]
        offset = 1
        for value in results[1 + len(updated):]:
            value = np.asarray(value, np.float64).reshape(-1)
            sums[offset:offset + value.size] += value
            offset += value.size
        return loss
