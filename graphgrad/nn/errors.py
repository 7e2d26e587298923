"""The errors of graphgrad.nn: subclasses of the core's, so ``except GraphgradError`` catches them all."""
from ..datasets.checks import LabelError
from ..errors import DivergenceError, GraphgradError, InputValueError, ShapeError, UnknownNameError


class DataError(InputValueError):
    """Training or evaluation data that cannot be used: NaN or Inf, wrong type, empty."""


class NotCompiledError(GraphgradError):
    """A model used before ``compile`` (or before its input shape is known)."""


class WeightsFileError(GraphgradError):
    """A weights file that is missing, unreadable or made for another model."""


def lookup(kind, kinds, name, table):
    """``table[name]`` (case- and dash-insensitive), or an UnknownNameError naming the ``kind`` and listing
    the known ones (``kinds`` is the plural, e.g. "loss", "losses")."""
    key = str(name).lower().replace("-", "_")
    if key in table:
        return table[key]
    known = ", ".join(sorted(table))
    raise UnknownNameError(f"unknown {kind} '{name}': the known {kinds} are {known}")


__all__ = ["LabelError", "DataError", "DivergenceError", "NotCompiledError", "WeightsFileError",
           "ShapeError", "UnknownNameError", "lookup"]
