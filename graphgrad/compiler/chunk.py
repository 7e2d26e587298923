"""The training loop, written once: epochs of shuffled mini-batches, resumable, with running totals.

``training_loop(step, epoch_order)`` is run as plain Python by the NumPy
interpreter (``loop.Interpreted``, with its step and ``randomness.Stream``) and,
its source copied into each generated training module, compiled by Numba around
the generated step and ``runtime.epoch_order`` (``kernels.train_module``). The
two differ only in the ``step`` and ``epoch_order`` they give it, so the loop
keeps to what both Python and Numba run: arrays, integers and calls.
"""
import numpy as np


def training_loop(step, epoch_order):
    """``run_chunk``: the loop around ``step`` that shuffles with ``epoch_order`` (their calls are bound here,
    not passed to it, so Numba calls them directly and can cache the kernel that calls it)."""

    def run_chunk(data, picked, batches, order, seed, first, epochs, shuffle, position, steps, to_epoch_end,
                  totals):
        """Up to ``steps`` steps from ``position`` (epoch, batch), stopping at an epoch's end when ``to_epoch_end``.

        Each epoch starts with ``epoch_order(order, seed, first + epoch, shuffle)``. A
        batch's rows of the data are ``picked`` (the next ``picked.size`` of ``order``;
        a last, partial batch, of ``rows`` rows, is padded with copies of its first);
        ``step(data, picked, rows, totals[epoch])`` trains on them, adds its sums to
        ``totals[epoch, 1:]`` and returns the loss, changing nothing when the loss is
        not finite. The loss times the rows goes to ``totals[epoch, 0]``, and
        ``position`` is left at the next step. Returns 0.0, or the first loss that
        was not finite (``position`` then names its step).
        """
        batch = picked.size
        epoch = position[0]
        bat = position[1]
        done = 0
        while done < steps and epoch < epochs:
            if bat == 0:
                epoch_order(order, seed, first + epoch, shuffle)
            start = bat * batch
            rows = min(batch, order.size - start)
            for row in range(batch):
                picked[row] = order[start + row] if row < rows else order[start]
            loss = step(data, picked, rows, totals[epoch])
            if not np.isfinite(loss):
                return loss
            totals[epoch, 0] += loss * rows
            done += 1
            bat += 1
            if bat == batches:
                bat = 0
                epoch += 1
            position[0] = epoch
            position[1] = bat
            if bat == 0 and to_epoch_end:
                break
        return 0.0

    return run_chunk
