"""graphgrad: a symbolic computation-graph compiler and visualizer for teaching and small nets."""
import importlib.abc
import importlib.machinery
import importlib.util
import sys

from .errors import (ArgumentError, DivergenceError, DomainError, GraphgradError, InputValueError,
                     MissingInputError, NotationWarning, ParseError, ShapeError, SizeError, UnknownNameError)
from .graph import Graph, Node
from .ops import (abs, broadcast_to, const, cos, e, exp, ln, log, log_softmax, matmul, max, mean, pi,
                  relu, reshape, sigmoid, sin, softmax, sqrt, sum, tan, tanh, transpose)
from .build import from_sympy, grad, parse, trace, value_and_grad, vars
from .autodiff import directional, grad_graph, jacobian, jvp_graph

__version__ = "0.1.0"


def _repr_svg_(self):
    """Jupyter shows a graph, and a node as the graph computing it, as a picture (text when no renderer is
    installed). Installed here, above every layer, because viz loads on first use."""
    from .viz import repr_svg
    return repr_svg(self if isinstance(self, Graph) else Graph([self]))


Graph._repr_svg_ = Node._repr_svg_ = _repr_svg_


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``graphgrad.tensorflow.keras`` and each module under it are ``graphgrad.keras``'s own modules, as TensorFlow's
    ``tf.keras`` is Keras, so ``from graphgrad.tensorflow.keras.layers import Dense`` runs. Installed here, above
    both spellings: Keras's is built on TensorFlow's, which names it only by this alias."""

    ALIASES = {"graphgrad.tensorflow.keras": "graphgrad.keras"}

    def find_spec(self, name, path=None, target=None):
        for alias, real in self.ALIASES.items():
            if name == alias or name.startswith(alias + "."):
                target = real + name[len(alias):]
                if importlib.util.find_spec(target) is None:      # no such module under the alias either
                    return None
                return importlib.machinery.ModuleSpec(name, self, loader_state=target)
        return None

    def exec_module(self, module):
        """Put the real module in the alias's place, which the import system then returns (the real module's
        own ``__spec__`` and ``__name__`` stay as they are)."""
        sys.modules[module.__name__] = importlib.import_module(module.__spec__.loader_state)


sys.meta_path.insert(0, _Alias())


def compile(graph, *args, **kwargs):
    """The graph as a Numba-compiled callable (see ``graphgrad.compiler.compile``)."""
    from .compiler import compile as compile_graph
    return compile_graph(graph, *args, **kwargs)


_SUBPACKAGES = {"nn", "datasets", "plots", "viz", "traces", "symbolic", "numeric", "compiler", "autodiff", "ops",
                "export"}


def __getattr__(name):
    """``gg.nn``, ``gg.viz``, ...: subpackages load on first use, so ``import graphgrad`` stays quick."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'graphgrad' has no attribute '{name}'")
