"""A model's file: its layers, compile settings, weights and optimizer state in one uncompressed NumPy ``.npz``.

Entries (no pickles):

- ``graphgrad_model``: JSON text -- format name and version, the model's class and
  name, its input shape, each layer's class and constructor arguments, and the
  compile settings (optimizer class and arguments, loss class and ``from_logits``,
  metric names);
- ``weights/<layer>/<weight>``: each weight array (``weights/dense/kernel``);
- ``state/<name>``: the state of ``fit``'s optimizer (slots and step counter).

What a file may name is a ``Spelling``: the layer, optimizer, loss and metric
classes by the names it spells them (only those are ever constructed), how a
layer tells its constructor arguments, and how an empty model is made.
``graphgrad.keras`` saves its models in this format, under ``.keras`` names.
"""
import inspect
import json
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import GraphgradError
from ..files import load_arrays, save_arrays
from . import optimizers as nn_optimizers, regularizers
from .errors import WeightsFileError
from .losses import LossFunction
from .model import checked_arrays

FORMAT, VERSION = "graphgrad.keras", 1   # the format's name, as the files of version 1 spell it


@dataclass(frozen=True)
class Spelling:
    """What a model file may name, and how models are described and made again."""
    layers: dict              # class name -> layer class (likewise optimizers, losses, metrics)
    optimizers: dict
    losses: dict
    metrics: dict
    arguments: Callable       # layer -> (args, kwargs) to construct it again, besides its name
    new_model: Callable       # (name, input shape) -> an empty model for samples of that shape


def classes_in(module, base):
    """The subclasses of ``base`` that ``module`` offers, by the names a model file spells them."""
    return {name: cls for name, cls in vars(module).items()
            if isinstance(cls, type) and issubclass(cls, base) and cls is not base}


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
    """A constructor argument read back: JSON, with L1/L2 regularizers rebuilt (see ``_encode``)."""
    if isinstance(value, dict):
        return _construct(_REGULARIZERS, _field(value, "regularizer", str), _field(value, "factor", _NUMBER))
    return value


def _arguments(optimizer):
    """The optimizer's constructor arguments (its hyperparameters), by name."""
    accepted = inspect.signature(nn_optimizers.OPTIMIZERS[optimizer.name]).parameters
    return {k: v for k, v in optimizer.config().items() if k in accepted}


def _metric_spec(spec):
    return {"class": type(spec).__name__, "name": spec.name} if hasattr(spec, "update") else str(spec)


def save_model(model, filepath, spelling, overwrite=True):
    """Write ``model`` to ``filepath``, its layers' arguments as ``spelling`` tells them."""
    if os.path.exists(filepath) and not overwrite:
        raise WeightsFileError(f"'{filepath}' exists and overwrite=False")
    model._require_built()
    layer_entries = []
    for layer in model.layers:
        args, kwargs = spelling.arguments(layer)
        layer_entries.append({"class": type(layer).__name__, "name": layer.name,
                              "args": _encode(list(args), f"layer '{layer.name}'"),
                              "kwargs": {k: _encode(v, f"{layer.name}: {k}") for k, v in kwargs.items()}})
    description = {"format": FORMAT, "version": VERSION, "class": type(model).__name__, "name": model.name,
                   "input_shape": list(model.input_shape), "layers": layer_entries, "compile": None}
    if model.loss is not None:
        description["compile"] = {
            "optimizer": {"class": type(model.optimizer).__name__, "config": _arguments(model.optimizer)},
            "loss": {"function": model.loss.name} if isinstance(model.loss, LossFunction) else
                    {"class": type(model.loss).__name__, "from_logits": model.loss.from_logits},
            "metrics": [_metric_spec(m) for m in model.metric_specs]}
    arrays = {"graphgrad_model": np.array(json.dumps(description))}
    arrays.update({f"weights/{k}": v for k, v in model._weights.items()})
    arrays.update({f"state/{k}": v for k, v in model._state.items()})
    save_arrays(filepath, arrays)


def _read(filepath):
    if not os.path.exists(filepath):
        raise WeightsFileError(f"no model file at '{filepath}'")
    try:
        entries = load_arrays(filepath)
    except Exception as exc:  # zip, format and value errors all mean "not our file"
        raise WeightsFileError(f"'{filepath}' is not a graphgrad model file ({exc})") from None
    if "graphgrad_model" not in entries:
        raise WeightsFileError(f"'{filepath}' is not a graphgrad model file (Keras's own .keras files keep "
                               "HDF5 weights, which graphgrad does not read)")
    try:
        description = json.loads(str(entries.pop("graphgrad_model")))
    except ValueError as exc:
        raise WeightsFileError(f"'{filepath}': the model description is not JSON ({exc})") from None
    if not isinstance(description, dict) or description.get("format") != FORMAT \
            or description.get("version") != VERSION:
        found = description if not isinstance(description, dict) else \
            f"{description.get('format')} version {description.get('version')}"
        raise WeightsFileError(f"'{filepath}': unknown model format {found}")
    return description, entries


class _Damaged(Exception):
    """A part of the model description that is missing or of the wrong type (``_Part`` words it)."""


_NUMBER = (int, float)
_REGULARIZERS = {"L1": regularizers.L1, "L2": regularizers.L2}


def _field(entry, key, kind):
    """``entry[key]``, checked to be a ``kind``; else _Damaged."""
    if not isinstance(entry, dict) or key not in entry:
        raise _Damaged(f"'{key}' is missing")
    if not isinstance(entry[key], kind) or isinstance(entry[key], bool) and kind is not bool:
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise _Damaged(f"'{key}' is {entry[key]!r}, not a {names}")
    return entry[key]


def _construct(classes, class_name, /, *args, **kwargs):
    """``classes[class_name](*args, **kwargs)``: only the classes a model file may name, never any other attribute."""
    if class_name not in classes:
        raise _Damaged(f"unknown class '{class_name}' (the known ones are {', '.join(sorted(classes))})")
    return classes[class_name](*args, **kwargs)


class _Part:
    """``with _Part(filepath, where):`` turns what a damaged description makes go wrong while it is read back
    (a missing field, an unknown class or keyword, a value a constructor refuses) into one WeightsFileError
    naming the file and the place, e.g. ``layers[0] (Dense)``."""

    def __init__(self, filepath, where):
        self.filepath, self.where = filepath, where

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, (_Damaged, GraphgradError, TypeError, ValueError)):
            detail = " ".join(str(exc).split())
            raise WeightsFileError(f"'{self.filepath}': damaged model description at {self.where}: {detail}") \
                from None


def _add_layer(filepath, spelling, model, i, entry):
    """Add to ``model`` the layer described by ``entry``, the ``i``-th of the description's layers."""
    with _Part(filepath, f"layers[{i}]") as place:
        name = _field(entry, "class", str)
        place.where = f"layers[{i}] ({name})"
        args = [_decode(v) for v in _field(entry, "args", list)]
        kwargs = {k: _decode(v) for k, v in _field(entry, "kwargs", dict).items()}
        model.add(_construct(spelling.layers, name, *args, name=_field(entry, "name", str), **kwargs))


def _compile(filepath, spelling, model, settings):
    """Compile ``model`` as the description's ``compile`` settings say."""
    with _Part(filepath, "compile.optimizer"):
        spec = _field(settings, "optimizer", dict)
        optimizer = _construct(spelling.optimizers, _field(spec, "class", str), **_field(spec, "config", dict))
    spec = settings.get("loss")
    if isinstance(spec, dict) and isinstance(spec.get("function"), str):   # its author's code, which no file holds
        raise WeightsFileError(f"'{filepath}' was compiled with the loss function {spec['function']!r} of its "
                               "author's code: load it with compile=False, then compile it with that function")
    with _Part(filepath, "compile.loss"):
        spec = _field(settings, "loss", dict)
        loss = _construct(spelling.losses, _field(spec, "class", str), from_logits=_field(spec, "from_logits", bool))
    with _Part(filepath, "compile.metrics"):
        metrics = [m if isinstance(m, str) else _construct(spelling.metrics, _field(m, "class", str),
                                                           name=_field(m, "name", str))
                   for m in _field(settings, "metrics", list)]
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)


def load_model(filepath, spelling, compile=True):
    """The model saved in ``filepath``: same layers, names and weights, compiled as it was when ``compile``.

    A damaged description is refused with one WeightsFileError naming what is wrong and where; only the
    classes ``spelling`` names are ever constructed."""
    description, entries = _read(filepath)
    with _Part(filepath, "the top level"):
        layer_entries = _field(description, "layers", list)
        name, input_shape = _field(description, "name", str), _field(description, "input_shape", list)
        settings = _field(description, "compile", (dict, type(None)))
    with _Part(filepath, "input_shape"):
        model = spelling.new_model(name, tuple(input_shape))
    for i, entry in enumerate(layer_entries):
        _add_layer(filepath, spelling, model, i, entry)
    model._weights = checked_arrays(filepath, _group(entries, "weights/"), model._weights)
    if compile and settings is not None:
        _compile(filepath, spelling, model, settings)
        model._state = checked_arrays(filepath, _group(entries, "state/"), model._state, "optimizer state")
    return model


def _group(entries, prefix):
    """The entries named ``prefix...``, by the rest of their name."""
    return {k[len(prefix):]: v for k, v in entries.items() if k.startswith(prefix)}
