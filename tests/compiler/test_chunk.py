"""The training loop written once: run as plain Python with a recording step, and copied into the kernels."""
import inspect
import math

import numpy as np

from graphgrad.compiler.chunk import training_loop
from graphgrad.compiler.executor import CompiledStep

from tests.compiler.nets import moons_step


class Recorder:
    """A step and an ``epoch_order`` that record their calls; the step's loss is the rows' mean row index."""

    def __init__(self, bad_call=None):
        self.shuffles, self.batches, self.bad_call = [], [], bad_call

    def epoch_order(self, order, seed, epoch, shuffle):
        self.shuffles.append((seed, epoch, shuffle))
        order[:] = np.arange(order.size)[::-1]      # a fixed "shuffle": the rows backwards

    def step(self, data, picked, rows, sums):
        self.batches.append((picked.tolist(), rows))
        if len(self.batches) == self.bad_call:
            return math.nan
        sums[1] += 1                                 # one statistic: the steps of the epoch
        return float(np.mean(picked[:rows]))


def _chunk(recorder, position, totals, steps, to_epoch_end=False, rows=7, batch=3, batches=3, epochs=2):
    run_chunk = training_loop(recorder.step, recorder.epoch_order)
    return run_chunk(None, np.empty(batch, np.int64), batches, np.empty(rows, np.int64), 5, 10, epochs, True,
                     position, steps, to_epoch_end, totals)


def test_each_epoch_shuffles_once_and_pads_its_last_batch_with_its_first_row():
    recorder, position, totals = Recorder(), np.zeros(2, np.int64), np.zeros((2, 2))
    assert _chunk(recorder, position, totals, steps=100) == 0.0
    assert recorder.shuffles == [(5, 10, True), (5, 11, True)]
    assert recorder.batches == [([6, 5, 4], 3), ([3, 2, 1], 3), ([0, 0, 0], 1)] * 2
    # the loss times the rows: (5 * 3 + 2 * 3 + 0 * 1) per epoch; the step's own sum: 3 steps per epoch
    np.testing.assert_array_equal(totals, [[21.0, 3.0], [21.0, 3.0]])
    assert position.tolist() == [2, 0]


def test_chunks_resume_where_the_last_stopped_and_can_stop_at_an_epoch_end():
    whole, parts = Recorder(), Recorder()
    _chunk(whole, np.zeros(2, np.int64), np.zeros((2, 2)), steps=100)
    position, totals = np.zeros(2, np.int64), np.zeros((2, 2))
    _chunk(parts, position, totals, steps=2)
    assert position.tolist() == [0, 2]
    _chunk(parts, position, totals, steps=100, to_epoch_end=True)
    assert position.tolist() == [1, 0]
    _chunk(parts, position, totals, steps=100)
    assert parts.batches == whole.batches and parts.shuffles == whole.shuffles
    np.testing.assert_array_equal(totals, [[21.0, 3.0], [21.0, 3.0]])


def test_a_non_finite_loss_is_returned_with_the_position_at_its_step_and_not_counted():
    recorder, position, totals = Recorder(bad_call=5), np.zeros(2, np.int64), np.zeros((2, 2))
    assert math.isnan(_chunk(recorder, position, totals, steps=100))
    assert position.tolist() == [1, 1]                 # the 5th step: epoch 1 (from 0), batch 1
    np.testing.assert_array_equal(totals, [[21.0, 3.0], [5.0 * 3, 1.0]])


def test_the_training_kernel_runs_this_very_loop():
    source = CompiledStep(moons_step(16)).source
    assert inspect.getsource(training_loop) in source
    assert "(training_loop(step, epoch_order))" in source      # around the generated step
