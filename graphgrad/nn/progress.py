"""Keras' progress bar: ``469/469 [==============================] - 3s 6ms/step - loss: 0.2524``."""
import sys
import time

from ..errors import InputValueError
from .callbacks import Callback


def format_logs(logs):
    """`` - loss: 0.2524 - accuracy: 0.9273``: 4 decimals, or scientific notation when tiny, as Keras prints.

    Written out (a bar formats it once per epoch, and thousands of short epochs make that count)."""
    text = ""
    for k, v in logs.items():
        text += f" - {k}: {v:.4f}" if v >= 1e-3 or v <= -1e-3 or v == 0 else f" - {k}: {v:.4e}"
    return text


def bar(current, target, width=30):
    """``[=====>........]`` for ``current`` of ``target`` steps."""
    filled = int(width * current / target) if target else width
    if current >= target:
        return "[" + "=" * width + "]"
    return "[" + "=" * max(filled - 1, 0) + ">" + "." * (width - filled) + "]"   # Keras' Progbar, exactly


def _duration(seconds):
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"


def _per_step(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f}us/step"
    if seconds < 1:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds:.0f}s/step"


class ProgressBar(Callback):
    """Prints ``Epoch i/n`` and a bar per epoch (verbose=1) or one line per epoch (verbose=2).

    On a terminal the bar is redrawn in place during the epoch; otherwise only
    the finished lines are written (an epoch's two lines at once, flushed at most
    every ``interval`` seconds), so logs stay readable and thousands of short
    epochs cost little.
    """

    def __init__(self, epochs, steps, verbose=1, stream=None, interval=0.1):
        self.epochs, self.steps, self.interval = epochs, steps, interval
        self.stream = stream or sys.stdout
        self.live = verbose == 1 and getattr(self.stream, "isatty", lambda: False)()
        self.header, self.flushed = "", -float("inf")
        self.done = _done(steps, verbose)

    def _write(self, text):
        self.stream.write(text)
        now = time.perf_counter()
        if self.live or now - self.flushed >= self.interval:
            self.stream.flush()
            self.flushed = now

    def on_epoch_begin(self, epoch, logs=None):
        self.start = self.last = time.perf_counter()
        self.header = f"Epoch {epoch + 1}/{self.epochs}\n"
        if self.live:
            self._write(self.header)
            self.header = ""

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if not self.live or now - self.last < self.interval or batch + 1 >= self.steps:
            return
        self.last = now
        done = batch + 1
        eta = (now - self.start) / done * (self.steps - done)
        width = len(str(self.steps))
        self._write(f"\r{done:>{width}}/{self.steps} {bar(done, self.steps)} - ETA: {_duration(eta)}"
                    f"{format_logs(logs or {})}")

    def on_epoch_end(self, epoch, logs=None):
        self.on_epochs_end(epoch, [logs], [time.perf_counter()])

    def on_epochs_end(self, first, logs, ends):
        """The finished lines of epochs ``first``, ... (each after its ``Epoch i/n`` header), in one write."""
        text, start, redraw = self.header, self.start, "\r" if self.live else ""
        for k, (epoch_logs, end) in enumerate(zip(logs, ends)):
            if k:
                text += f"Epoch {first + k + 1}/{self.epochs}\n"
            text += redraw + _line(self.done, self.steps, end - start, epoch_logs) + "\n"
            start = end
        self._write(text)
        self.header = ""

    def on_train_end(self, logs=None):
        self.stream.write(self.header)
        self.stream.flush()


def verbosity(verbose, where):
    """``verbose`` as Keras' 0 (silent), 1 (a progress bar) or 2 (one line per epoch), or an InputValueError
    naming ``where`` (e.g. "fit")."""
    if verbose not in (0, 1, 2):
        raise InputValueError(f"{where}: verbose must be 0 (silent), 1 (a progress bar) or 2 (one line per "
                              f"epoch), got {verbose!r}")
    return int(verbose)


def finished(steps, elapsed, logs=None, verbose=1):
    """The line Keras leaves after ``steps`` steps in ``elapsed`` seconds: bar (verbose=1), timing, logs."""
    return _line(_done(steps, verbose), steps, elapsed, logs)


def _done(steps, verbose):
    """The start of a finished line: ``469/469 [====...====]`` (verbose=1) or ``469/469``."""
    return f"{steps}/{steps} {bar(steps, steps)}" if verbose == 1 else f"{steps}/{steps}"


def _line(done, steps, elapsed, logs):
    return f"{done} - {_duration(elapsed)} {_per_step(elapsed / max(steps, 1))}{format_logs(logs or {})}"
