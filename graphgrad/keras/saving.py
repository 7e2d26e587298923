"""``model.save`` / ``load_model``: graphgrad's ``.keras`` file, an uncompressed NumPy ``.npz`` archive.

Entries (no pickles):

- ``graphgrad_model``: JSON text -- format name and version, the model's class and
  name, its input shape, each layer's class and constructor arguments, and the
  compile settings (optimizer class and arguments, loss class and ``from_logits``,
  metric names);
- ``weights/<layer>/<weight>``: each weight array (``weights/dense/kernel``);
- ``state/<name>``: the state of ``fit``'s optimizer (slots and step counter).

Keras's own ``.keras`` files (HDF5 weights inside) and ``.h5`` files are refused
with a message; graphgrad writes and reads only its own.
"""
import inspect
import json
import os
from pathlib import Path

import numpy as np

from ..files import load_arrays, save_arrays
from ..nn import optimizers as nn_optimizers, regularizers
from ..nn.errors import WeightsFileError
from ..nn.model import checked_arrays
from . import layers as keras_layers, losses, metrics as keras_metrics, optimizers

FORMAT, VERSION = "graphgrad.keras", 1


def _check_name(filepath):
    suffix = Path(filepath).suffix.lower()
    if suffix in (".h5", ".hdf5"):
        raise WeightsFileError(f"'{filepath}': graphgrad does not write or read HDF5 (.h5) files; "
                               "use a name ending in .keras")
    if suffix != ".keras":
        raise WeightsFileError(f"'{filepath}': model files are named *.keras (e.g. 'model.keras')")


def _encode(value, where):
    """A constructor argument as JSON, or a WeightsFileError naming what cannot be saved."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_encode(v, where) for v in value]
    if isinstance(value, (regularizers.L1, regularizers.L2)):
        return {"regularizer": type(value).__name__, "factor": value.l1 if hasattr(value, "l1") else value.l2}
    raise WeightsFileError(f"cannot save {where} = {value!r}: only names, numbers and L1/L2 regularizers "
                           "are saved; pass the activation or initializer by name")


def _decode(value):
    if isinstance(value, dict) and "regularizer" in value:
        return getattr(regularizers, value["regularizer"])(value["factor"])
    return value


def _arguments(optimizer):
    """The optimizer's constructor arguments (its hyperparameters), by name."""
    accepted = inspect.signature(nn_optimizers.OPTIMIZERS[optimizer.name]).parameters
    return {k: v for k, v in optimizer.config().items() if k in accepted}


def _metric_spec(spec):
    return {"class": type(spec).__name__, "name": spec.name} if hasattr(spec, "update") else str(spec)


def save_model(model, filepath, overwrite=True):
    """Write ``model`` to ``filepath`` (a ``.keras`` name) in graphgrad's format."""
    _check_name(filepath)
    if os.path.exists(filepath) and not overwrite:
        raise WeightsFileError(f"'{filepath}' exists and overwrite=False")
    model._require_built()
    layer_entries = []
    for layer in model.layers:
        args, kwargs = layer.init_args
        kwargs = {k: v for k, v in kwargs.items() if not k.endswith("_initializer")}
        layer_entries.append({"class": type(layer).__name__, "name": layer.name,
                              "args": _encode(list(args), f"layer '{layer.name}'"),
                              "kwargs": {k: _encode(v, f"{layer.name}: {k}") for k, v in kwargs.items()}})
    description = {"format": FORMAT, "version": VERSION, "class": type(model).__name__, "name": model.name,
                   "input_shape": list(model.input_shape), "layers": layer_entries, "compile": None}
    if model.loss is not None:
        description["compile"] = {
            "optimizer": {"class": type(model.optimizer).__name__, "config": _arguments(model.optimizer)},
            "loss": {"class": type(model.loss).__name__, "from_logits": model.loss.from_logits},
            "metrics": [_metric_spec(m) for m in model.metric_specs]}
    arrays = {"graphgrad_model": np.array(json.dumps(description))}
    arrays.update({f"weights/{k}": v for k, v in model._weights.items()})
    arrays.update({f"state/{k}": v for k, v in model._state.items()})
    save_arrays(filepath, arrays)


def _read(filepath):
    _check_name(filepath)
    if not os.path.exists(filepath):
        raise WeightsFileError(f"no model file at '{filepath}'")
    try:
        entries = load_arrays(filepath)
    except Exception as exc:  # zip, format and value errors all mean "not our file"
        raise WeightsFileError(f"'{filepath}' is not a graphgrad model file ({exc})") from None
    if "graphgrad_model" not in entries:
        raise WeightsFileError(f"'{filepath}' is not a graphgrad model file (Keras's own .keras files keep "
                               "HDF5 weights, which graphgrad does not read)")
    description = json.loads(str(entries.pop("graphgrad_model")))
    if description.get("format") != FORMAT or description.get("version") != VERSION:
        raise WeightsFileError(f"'{filepath}': unknown model format {description.get('format')} "
                               f"version {description.get('version')}")
    return description, entries


def load_model(filepath, compile=True):
    """The model saved in ``filepath``: same layers, names and weights, compiled as it was when ``compile``."""
    from . import models
    description, entries = _read(filepath)
    layers = [getattr(keras_layers, e["class"])(*e["args"], name=e["name"],
                                                **{k: _decode(v) for k, v in e["kwargs"].items()})
              for e in description["layers"]]
    model = models.Sequential([keras_layers.Input(shape=tuple(description["input_shape"])), *layers],
                              name=description["name"])
    model._weights = checked_arrays(filepath, _group(entries, "weights/"), model._weights)
    settings = description["compile"]
    if compile and settings is not None:
        optimizer = getattr(optimizers, settings["optimizer"]["class"])(**settings["optimizer"]["config"])
        loss = getattr(losses, settings["loss"]["class"])(from_logits=settings["loss"]["from_logits"])
        metrics = [m if isinstance(m, str) else getattr(keras_metrics, m["class"])(name=m["name"])
                   for m in settings["metrics"]]
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
        model._state = checked_arrays(filepath, _group(entries, "state/"), model._state, "optimizer state")
    return model


def _group(entries, prefix):
    """The entries named ``prefix...``, by the rest of their name."""
    return {k[len(prefix):]: v for k, v in entries.items() if k.startswith(prefix)}
