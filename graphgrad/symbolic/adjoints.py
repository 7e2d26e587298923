"""Symbolic reverse mode: adjoints as SymPy, accumulated from each edge's local partial.

The local partials use each node's own value (sigmoid's is ``ans·(1 - ans)``), so
when a node the user named (``phi = sigmoid(z)``) stays a symbol, the adjoints come
out in the textbook's terms: ``dL/dz = phi - y`` (a sigmoid unit under binary cross-entropy),
``p_i - y_i`` (softmax under cross-entropy).
"""
from __future__ import annotations

from typing import NamedTuple

from ..autodiff.reverse import depends_on
from ..errors import UnknownNameError
from ..lazy_sympy import sp
from ..graph.primitive import is_float
from .expressions import SymbolicError, as_number, expressions, local_partial, symbol
from .size import simplified
from .text import equation


class EdgePartial(NamedTuple):
    """One edge of the graph: ``consumer`` uses ``input`` as argument ``index``; ``expr`` = ∂consumer/∂input."""
    consumer: object
    input: object
    expr: sp.Expr
    index: int


def edge_partials(graph):
    """Every edge's local partial derivative, in graph order, in Baydin's node symbols (``cos(v0)``)."""
    return [EdgePartial(node, arg, local_partial(graph, node, k), k)
            for node in graph.operations for k, arg in enumerate(node.inputs)
            if node.op.differentiable and carries(node, k)]


def carries(node, k):
    """Whether an adjoint flows from ``node`` to its input k: a float input, with a partial (not where's
    condition)."""
    partials = node.op.partials
    return is_float(node.inputs[k].dtype) and not (partials and partials[k] is None)


def accumulate(graph, at, wrt=None, complete=None):
    """Adjoint of the output by node id, as SymPy: the sum over uses of adjoint × local partial.

    ``at`` maps node ids to the expressions standing for their values inside the
    partials (closed forms, or symbols of kept nodes). Only nodes between ``wrt``
    (default: the inputs) and the output get an adjoint. ``complete(node, adjoint)``,
    if given, is called once a node's adjoint is summed and returns what its users
    propagate (e.g. a symbol ``vbar_3``, which keeps the result linear in size).
    """
    output = graph.output
    if output.shape != ():
        raise SymbolicError(f"symbolic gradients need a scalar output; {graph.label(output)} has shape {output.shape}")
    conditions = [n for n in graph.nodes if not (is_float(n.dtype) or n.is_const)]
    if conditions:
        raise SymbolicError(f"symbolic gradients work on float expressions; {graph.label(conditions[0])} is "
                            f"{conditions[0].dtype} (a condition or a count): use reverse or forward mode")
    dep = depends_on(graph, graph.inputs if wrt is None else wrt)
    adj = {output.id: sp.Integer(1)}
    for node in reversed(graph.nodes):
        g = adj.get(node.id)
        if g is None or not node.inputs or not node.op.differentiable:
            continue
        if complete is not None:
            g = complete(node, g)
        for k, arg in enumerate(node.inputs):
            if dep[arg.id]:
                term = g * as_number(local_partial(graph, node, k, at))   # clip's is a truth value
                adj[arg.id] = adj[arg.id] + term if arg.id in adj else term
    return adj


def kept_nodes(graph, keep=None):
    """The operation nodes to keep as symbols: those named in ``keep`` (labels or nodes), default the user-named ones."""
    if keep is None:
        return [n for n in graph.operations if n.name is not None]
    by_label = {graph.label(n): n for n in graph.operations}
    by_label.update({graph.vnames[n.id]: n for n in graph.operations})
    nodes = []
    for k in ([keep] if isinstance(keep, str) else keep):
        if not isinstance(k, str):
            nodes.append(k)
        elif k in by_label:
            nodes.append(by_label[k])
        elif k not in graph.input_names:
            raise UnknownNameError(f"unknown node '{k}' in keep: the graph's named nodes are "
                                   f"{', '.join(sorted(by_label)) or 'none'}")
    return nodes


def adjoint_expressions(graph, keep=None, given=(), simplify=True):
    """dOutput/dNode for the inputs and the ``keep`` nodes, in terms of the inputs and the kept nodes' symbols.

    Nodes not kept are substituted by their expressions; the results are tidied by
    putting kept names back where their definitions appear and dropping a kept name
    where its definition makes the result shorter (``y3 = 1 - y1 - y2``). ``given``
    lists assumptions as equations (``"y1 + y2 + y3 = 1"``), each used to eliminate
    the last input in it. Returns a dict by label, in graph order.
    """
    kept = kept_nodes(graph, keep)
    leaves = {n.id: symbol(graph.label(n)) for n in kept}
    at = expressions(graph, leaves)
    adj = accumulate(graph, at)
    definitions = [assumption(graph, text, [graph.label(n) for n in kept]) for text in given]
    definitions += [(leaves[n.id], n.op.sympy(*(at[i.id] for i in n.inputs), **n.params)) for n in kept]
    wanted = [n for n in graph.nodes if n.is_input or n.id in leaves]
    result = {}
    for node in wanted:
        expr = adj.get(node.id, sp.Integer(0))
        result[graph.label(node)] = tidy(expr, definitions) if simplify else expr
    return result


def assumption(graph, text, names=()):
    """(input symbol, its value) from an equation such as ``"y1 + y2 + y3 = 1"``, solved for its last input."""
    lhs, rhs = equation(text, [*graph.input_names, *names])
    free = (lhs - rhs).free_symbols
    unknowns = [symbol(n) for n in reversed(graph.input_names) if symbol(n) in free]
    solutions = sp.solve(lhs - rhs, unknowns[0]) if unknowns else []
    if len(solutions) != 1:
        raise SymbolicError(f"cannot use assumption '{text}': it must determine one of the program's inputs "
                            "uniquely, e.g. 'y1 + y2 + y3 = 1'")
    return unknowns[0], solutions[0]


def tidy(expr, definitions):
    """Simplify ``expr`` given ``definitions`` [(symbol, its expression)], preferring the shortest form.

    Definitions are first folded back into their names (``exp(z1)/s`` -> ``p1``); then
    each name is expanded or folded again where that shortens the result.
    """
    for sym, definition in reversed(definitions):
        expr = expr.subs(definition, sym)
    expr = simplified(expr)
    for sym, definition in reversed(definitions):
        if sym in expr.free_symbols:
            expr = _shorter(simplified(expr.xreplace({sym: definition})), expr)
    for sym, definition in reversed(definitions):
        expr = _shorter(expr.subs(definition, sym), expr)
    return expr


def _shorter(candidate, current):
    return candidate if sp.count_ops(candidate) < sp.count_ops(current) else current
