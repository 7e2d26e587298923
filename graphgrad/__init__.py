"""graphgrad: a symbolic computation-graph compiler and visualizer for teaching and small nets."""
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


def compile(graph, *args, **kwargs):
    """The graph as a Numba-compiled callable (see ``graphgrad.compiler.compile``)."""
    from .compiler import compile as compile_graph
    return compile_graph(graph, *args, **kwargs)


_SUBPACKAGES = {"nn", "datasets", "plots", "viz", "traces", "symbolic", "numeric", "compiler", "autodiff", "ops",
                "export"}


def __getattr__(name):
    """``gg.nn``, ``gg.viz``, ...: subpackages load on first use, so ``import graphgrad`` stays quick."""
    if name in _SUBPACKAGES:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'graphgrad' has no attribute '{name}'")
