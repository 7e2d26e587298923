"""``keras.callbacks``: graphgrad.nn's callbacks under Keras's names."""
from ..nn.callbacks import Callback, EarlyStopping, History, LambdaCallback  # noqa: F401
