"""``model.save`` / ``load_model``: graphgrad.nn's model file (``graphgrad.nn.saving``) under a ``.keras`` name.

Keras's own ``.keras`` files (HDF5 weights inside) and ``.h5`` files are refused
with a message; graphgrad writes and reads only its own.
"""
from pathlib import Path

from ..nn import saving
from ..nn.errors import WeightsFileError
from . import layers as keras_layers, losses, metrics as keras_metrics, models, optimizers


def _check_name(filepath):
    suffix = Path(filepath).suffix.lower()
    if suffix in (".h5", ".hdf5"):
        raise WeightsFileError(f"'{filepath}': graphgrad does not write or read HDF5 (.h5) files; "
                               "use a name ending in .keras")
    if suffix != ".keras":
        raise WeightsFileError(f"'{filepath}': model files are named *.keras (e.g. 'model.keras')")


def _arguments(layer):
    """A Keras layer's constructor arguments, without its initializers (the file keeps the weights they drew)."""
    args, kwargs = layer.init_args
    return args, {k: v for k, v in kwargs.items() if not k.endswith("_initializer")}


def _new_model(name, input_shape):
    return models.Sequential([keras_layers.Input(shape=input_shape)], name=name)


SPELLING = saving.Spelling(layers=saving.classes_in(keras_layers, keras_layers.KerasLayer),
                           optimizers=saving.classes_in(optimizers, optimizers.KerasOptimizer),
                           losses=saving.classes_in(losses, losses.KerasLoss),
                           metrics=saving.classes_in(keras_metrics, keras_metrics.KerasMetric),
                           arguments=_arguments, new_model=_new_model)


def save_model(model, filepath, overwrite=True):
    """Write ``model`` to ``filepath`` (a ``.keras`` name) in graphgrad's format."""
    _check_name(filepath)
    saving.save_model(model, filepath, SPELLING, overwrite)


def load_model(filepath, compile=True):
    """The model saved in ``filepath`` (see ``graphgrad.nn.saving.load_model``)."""
    _check_name(filepath)
    return saving.load_model(filepath, SPELLING, compile)
