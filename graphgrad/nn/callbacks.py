"""Callbacks with Keras' hooks: History, EarlyStopping, LambdaCallback, and the CallbackList ``fit`` tells
(the progress bar is in progress.py)."""
import numpy as np


class Callback:
    """Hooks called by ``fit``; ``self.model`` is set before training starts."""

    model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_end(self, batch, logs=None): pass

    def on_epochs_end(self, first, logs, ends):
        """Epochs ``first``, ``first + 1``, ... ended (at the moments ``ends``) with ``logs``, told together
        after the chunk that ran them when no callback acts between epochs (``on_epoch_begin`` of ``first``
        came before). By default, each epoch's ``on_epoch_end``, and ``on_epoch_begin`` of those after it."""
        for k, epoch_logs in enumerate(logs):
            if k:
                self.on_epoch_begin(first + k)
            self.on_epoch_end(first + k, epoch_logs)


class CallbackList(Callback):
    """The callbacks of one ``fit``, told each hook in turn, as Keras' CallbackList: History first, then the
    user's, then the progress bar (when given).

    ``per_batch`` and ``between_epochs`` say whether a callback of the user's acts after every batch or at
    epoch ends (History and the bar only record, so they never make training stop to tell them).
    """

    def __init__(self, callbacks, model, history, progress=None):
        user = list(callbacks or [])
        self.callbacks = [history, *user, *([progress] if progress is not None else [])]
        self.per_batch = any(_acts_in(cb, "on_train_batch_end") for cb in user)
        self.between_epochs = any(_acts_in(cb, hook) for cb in user for hook in ("on_epoch_begin", "on_epoch_end"))
        for cb in self.callbacks:
            cb.set_model(model)

    def on_train_begin(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_begin()

    def on_train_end(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_end()

    def on_epoch_begin(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch)

    def on_epoch_end(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_batch_end(self, batch, logs=None):
        for cb in self.callbacks:
            cb.on_train_batch_end(batch, logs)

    def on_epochs_end(self, first, logs, ends):
        for cb in self.callbacks:
            cb.on_epochs_end(first, logs, ends)


def _acts_in(callback, hook):
    """Whether ``callback`` does something in ``hook`` (its class defines it, or it was set on the instance)."""
    return hook in vars(callback) or getattr(type(callback), hook) is not getattr(Callback, hook)


class History(Callback):
    """``history.history['loss']`` etc.: one value per epoch for every logged quantity.

    ``loss`` and the training metrics are Keras' running means over the epoch's
    batches (each batch before its update, dropout on); ``val_*`` from the
    validation data after the epoch (dropout off). The same on every backend.
    """

    def __init__(self):
        self.history, self.epoch = {}, []

    def on_train_begin(self, logs=None):
        self.history, self.epoch = {}, []

    def on_epoch_end(self, epoch, logs=None):
        self.on_epochs_end(epoch, [logs or {}], None)

    def on_epochs_end(self, first, logs, ends):
        self.epoch.extend(range(first, first + len(logs)))
        for key in logs[0]:
            self.history.setdefault(key, []).extend([epoch_logs[key] for epoch_logs in logs])


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs (Keras' rules)."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        self.monitor, self.patience, self.baseline = monitor, int(patience), baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        if mode == "auto":
            mode = "max" if any(k in monitor for k in ("acc", "auc", "precision", "recall")) else "min"
        self.sign = 1.0 if mode == "min" else -1.0
        self.min_delta = abs(min_delta)
        self.stopped_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait, self.best, self.best_weights, self.best_epoch = 0, np.inf, None, 0
        self.stopped_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None or epoch < self.start_from_epoch:
            return
        score = self.sign * current
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if score < self.best - self.min_delta:
            self.best, self.best_epoch = score, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or score < self.sign * self.baseline:
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_end=None):
        for hook, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end),
                         ("on_train_batch_end", on_train_batch_end)):
            if fn is not None:
                setattr(self, hook, fn)
