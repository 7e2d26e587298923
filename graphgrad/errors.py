"""The exceptions graphgrad raises: one base class, one subclass per kind of mistake; and its one warning.

Every message names the problem and where it is (a node, a position, a name),
so the command line can print it on one line without a traceback.
"""


class GraphgradError(Exception):
    """Base class of every error graphgrad raises on bad input."""


class ParseError(GraphgradError):
    """A program string is not in graphgrad's grammar (the message has the position)."""


class NotationWarning(UserWarning):
    """A program that reads two ways (``ab``: a name, or a·b); the message says which reading was taken."""


class UnknownNameError(GraphgradError):
    """A function, variable, loss, optimizer or method name that graphgrad does not know."""


class MissingInputError(GraphgradError):
    """An input of the graph was given no value."""


class InputValueError(GraphgradError):
    """A value given for an input is not a number or array of numbers."""


class ArgumentError(GraphgradError):
    """A function or primitive called with the wrong number of arguments."""


class ShapeError(GraphgradError):
    """Operand shapes that do not conform (the message shows both and the rule)."""


class DomainError(GraphgradError):
    """A primitive evaluated outside its domain, e.g. ln of a negative number at node v3."""


class SizeError(GraphgradError):
    """A graph or expression too large for the requested operation."""


class DivergenceError(GraphgradError):
    """The loss or a weight became NaN or infinite during training (the weights are kept finite)."""

    def __init__(self, message, epoch=None, step=None, history=None):
        super().__init__(message)
        self.epoch, self.step, self.history = epoch, step, history


class InPlaceError(GraphgradError, RuntimeError):
    """An in-place change that would lose or falsify recorded history (PyTorch raises RuntimeError here too)."""


class NoGradientError(GraphgradError, ValueError):
    """An optimizer step given no gradient for any of its variables (Keras raises ValueError here too)."""
