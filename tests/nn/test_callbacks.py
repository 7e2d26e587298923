"""The CallbackList fit tells: every callback in Keras' order, and which of them make training stop to be told."""
from graphgrad.nn.callbacks import Callback, CallbackList, History, LambdaCallback


class Log(Callback):
    """Records the hooks it is told, under its name, in a shared list."""

    def __init__(self, name, seen):
        self.name, self.seen = name, seen

    def on_epochs_end(self, first, logs, ends):
        self.seen.append((self.name, first, len(logs), ends))


def test_hooks_reach_history_then_the_users_then_the_bar_with_the_model_set():
    seen, model = [], object()
    history, user, bar = History(), Log("user", seen), Log("bar", seen)
    callbacks = CallbackList([user], model, history, bar)
    callbacks.on_train_begin()
    callbacks.on_epochs_end(3, [{"loss": 1.0}, {"loss": 0.5}], [1.0, 2.0])
    assert seen == [("user", 3, 2, [1.0, 2.0]), ("bar", 3, 2, [1.0, 2.0])]
    assert history.epoch == [3, 4] and history.history == {"loss": [1.0, 0.5]}
    assert all(cb.model is model for cb in (history, user, bar))


def test_only_a_users_callback_acting_in_a_hook_makes_training_stop_for_it():
    def flags(*user):
        callbacks = CallbackList(list(user), None, History(), Log("bar", []))
        return callbacks.per_batch, callbacks.between_epochs

    assert flags() == (False, False)                      # History and the bar only record
    assert flags(Log("user", [])) == (False, False)       # on_epochs_end alone is told after a chunk
    assert flags(LambdaCallback(on_train_batch_end=lambda batch, logs: None)) == (True, False)
    assert flags(LambdaCallback(on_epoch_begin=lambda epoch, logs=None: None)) == (False, True)
