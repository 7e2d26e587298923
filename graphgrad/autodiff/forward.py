"""Forward mode: the tangent graph, built from each primitive's JVP rule.

Every input x gets a tangent input ``x_dot`` (``x_dot2``, ... when that name is
taken, as it is when forward mode is applied to a tangent graph); the output's
tangent is the directional derivative along them. Jacobians come from one pass per input
coordinate.
"""
import numpy as np

from ..backends.numpy_backend import bind, check_overflow, evaluate, run
from ..graph import Graph
from ..ops import input as make_input
from ..graph.primitive import is_float
from .reverse import differentiable, zeros


def tangent_names(graph):
    """A tangent input name per input id, distinct from every name in the graph: x -> x_dot, or x_dot2, ..."""
    taken = set(graph.input_names)
    names = {}
    for node in graph.inputs:
        base = name = f"{node.name}_dot"
        k = 2
        while name in taken:
            name, k = f"{base}{k}", k + 1
        taken.add(name)
        names[node.id] = name
    return names


def tangents(graph, seeds):
    """Tangent nodes by id, given tangent nodes for some inputs (by input id)."""
    tan = dict(seeds)
    for node in graph.nodes:
        if node.id in tan or not node.inputs or not node.op.differentiable or not is_float(node.dtype):
            continue
        ts = [tan.get(i.id) for i in node.inputs]
        if any(t is not None for t in ts):
            t = node.op.jvp(ts, node, *node.inputs, **node.params)
            if t is not None:
                tan[node.id] = t
    return tan


def _varied(graph):
    """The inputs that have tangents: the float ones."""
    return [n for n in graph.inputs if is_float(n.dtype)]


def jvp_graph(graph):
    """Graph with outputs ``[y, ẏ]`` and inputs ``[x..., x_dot...]``."""
    differentiable(graph, graph.output, "output")
    names = tangent_names(graph)
    dots = {n.id: make_input(names[n.id], n.shape, n.dtype) for n in _varied(graph)}
    tan = tangents(graph, dots)
    y = graph.output
    y_dot = tan[y.id] if y.id in tan else zeros(y)
    return Graph([y, y_dot], list(graph.inputs) + list(dots.values()))


def _no_overflow(graph, values):
    """Refuse a point where a value overflows (``check_overflow``): a tangent through it is inf/inf, NaN."""
    check_overflow(graph, run(graph, bind(graph, values)))


def directional(graph, values, direction):
    """(y, ẏ) at ``values`` along ``direction`` (a dict by input name; missing inputs get 0)."""
    _no_overflow(graph, values)
    jg, names = jvp_graph(graph), tangent_names(graph)
    full = dict(values)
    for n in _varied(graph):
        full[names[n.id]] = direction.get(n.name, np.zeros(n.shape))
    y, y_dot = evaluate(jg, full)
    return y, y_dot


def jacobian(graph, values):
    """dy/dx for each input, shape ``y.shape + x.shape``, one forward pass per coordinate of x."""
    _no_overflow(graph, values)
    jg, names = jvp_graph(graph), tangent_names(graph)
    zero = {names[n.id]: np.zeros(n.shape, dtype=n.dtype) for n in _varied(graph)}
    out = {}
    for n in _varied(graph):
        columns = []
        for k in range(n.size):
            basis = np.zeros(n.size, dtype=n.dtype)
            basis[k] = 1
            _, col = evaluate(jg, {**values, **zero, names[n.id]: basis.reshape(n.shape)})
            columns.append(col)
        y_shape = graph.output.shape
        out[n.name] = np.stack(columns, axis=-1).reshape(y_shape + n.shape) if columns else np.zeros(y_shape + n.shape)
    return out
