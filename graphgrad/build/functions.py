"""Graphs from Python code: variables with operator overloading, and function transforms.

``a, b, c = gg.vars("a b c"); J = 3*(a*b + c)`` builds a graph by running
Python; ``gg.grad(f)`` does the same with fresh variables for ``f``'s arguments,
then differentiates, in the spirit of TensorFlow's GradientTape.
"""
import inspect

import numpy as np

from ..autodiff import grad_graph
from ..backends.numpy_backend import bind, check_overflow, run
from ..graph import Graph
from ..ops import input as make_input


def vars(names, shape=(), dtype=np.float64):
    """Input variables named by a space- or comma-separated string (one variable: the node itself)."""
    names = names.replace(",", " ").split() if isinstance(names, str) else list(names)
    nodes = tuple(make_input(n, shape, dtype) for n in names)
    return nodes[0] if len(nodes) == 1 else nodes


def trace(f, *args):
    """The graph of ``f`` applied to variables shaped like ``args`` (named after f's parameters)."""
    try:
        params = list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        params = []
    names = params[:len(args)] + [f"x{i}" for i in range(len(params), len(args))]
    arrays = [np.asarray(a, dtype=np.result_type(np.asarray(a).dtype, np.float32)) for a in args]
    inputs = [make_input(n, a.shape, a.dtype) for n, a in zip(names, arrays)]
    return Graph([f(*inputs)], inputs), arrays


def value_and_grad(f, argnums=0):
    """``f`` -> function returning (f(*args), df/d args[argnums]) by reverse mode; a value that overflows on
    the way (``np.std`` of 1e200s) is refused, where its gradient would come out 0 or NaN."""
    many = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if many else (argnums,)

    def wrapped(*args):
        graph, arrays = trace(f, *args)
        gg = grad_graph(graph, [graph.inputs[i] for i in nums])
        env = run(gg, bind(gg, {n.name: a for n, a in zip(graph.inputs, arrays)}))
        check_overflow(graph, env)
        value, *grads = [np.asarray(env[o.id], dtype=o.dtype) for o in gg.outputs]
        grads = [g[()] if g.ndim == 0 else g for g in grads]
        return (value[()] if value.ndim == 0 else value), (tuple(grads) if many else grads[0])
    wrapped.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return wrapped


def grad(f, argnums=0):
    """``f`` -> its gradient function: ``grad(lambda x: 2*x*x + 3)(3.0) == 12.0``."""
    vg = value_and_grad(f, argnums)

    def wrapped(*args):
        return vg(*args)[1]
    wrapped.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return wrapped
