"""``graphgrad.tensorflow.keras`` is ``graphgrad.keras``, so ``from graphgrad.tensorflow.keras.optimizers
import SGD`` works as ``from tensorflow.keras.optimizers import SGD`` does: this module puts graphgrad.keras
and its submodules in its own place in ``sys.modules``."""
import importlib
import sys

from ... import keras

for _sub in keras.SUBMODULES:
    sys.modules[f"{__name__}.{_sub}"] = importlib.import_module(f"{keras.__name__}.{_sub}")
sys.modules[__name__] = keras
