"""Evaluated traces of a graph at a point: forward primal, forward tangent and reverse adjoint.

The rows follow Baydin et al.'s tables: ``v1 = ln v-1 = ln 2 = 0.693`` forward,
``v̄0 = v̄0 + v̄2·∂v2/∂v0 = v̄0 + v̄2·v-1 = 1.716`` backward (one row per
accumulation step, in the order computed), then ``x̄1 = v̄-1 = 5.5``.
"""
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import sympy as sp

from ..autodiff.forward import tangents
from ..autodiff.reverse import steps
from ..backends.numpy_backend import bind, run
from ..graph import Graph, Node
from ..graph.printing import inline, operation, substituted, vname
from ..ops import const
from ..errors import ShapeError, UnknownNameError
from ..graph.shapes import fmt
from ..symbolic import SymbolicError, local_partial, symbol

BAR, DOT = "\u0304", "\u0307"


def bar(name):
    """The adjoint's name: v0 -> v̄0 (NFC, so a -> ā is one character)."""
    return unicodedata.normalize("NFC", name[0] + BAR + name[1:])


def dot(name):
    """The tangent's name: v0 -> v̇0."""
    return unicodedata.normalize("NFC", name[0] + DOT + name[1:])


@dataclass
class Row:
    """One line of a forward trace: ``var = expr = subst = value``."""
    var: str
    expr: str
    subst: str
    value: np.ndarray
    node: Optional[Node] = None


@dataclass
class AdjointRow:
    """One line of a reverse trace: ``var = expr = partial = value`` (expr keeps the ∂ form)."""
    var: str
    expr: str
    partial: str
    value: np.ndarray
    node: Optional[Node] = None
    source: Optional[Node] = None
    accumulate: bool = False


@dataclass
class Trace:
    """Forward, tangent (when a direction is given) and reverse rows of one graph at one point."""
    graph: Graph
    values: dict
    forward: list = field(default_factory=list)
    tangent: list = field(default_factory=list)
    reverse: list = field(default_factory=list)
    places: int = 3

    def format(self, fmt="text"):
        """The trace as ``text``, ``markdown``, ``latex`` (booktabs) or ``json``."""
        from .formats import FORMATS
        return FORMATS[fmt](self)

    def _repr_html_(self):
        return self.format("html")


def _times_partial(graph, node, k, upstream, name):
    """``upstream·∂node/∂input_k`` written out (``v̄2·v-1``, ``v̄1/v-1``), or None for tensor ops."""
    if not (node.op.elementwise and node.op.partials and not node.shape):
        return None
    try:
        p = local_partial(graph, node, k, at={n.id: symbol(name(n)) for n in (node, *node.inputs) if not n.is_const})
    except SymbolicError:
        return None
    if isinstance(p, sp.Pow) and p.exp == -1:  # Baydin writes v̄1/v-1, not v̄1·(1/v-1)
        return f"{upstream}/{sp.sstr(p.base)}"
    text = sp.sstr(p)
    return f"{upstream}·({text})" if isinstance(p, sp.Add) or p.could_extract_minus_sign() else f"{upstream}·{text}"


def _inline_with(graph, node, names):
    """``node`` printed with the nodes in ``names`` (by id) shown by those names."""
    return inline(Graph([node]), node, stop=set(names), name=lambda n: names.get(n.id, "?"))


def _primal_names(graph, name):
    return {n.id: name(n) for n in graph.nodes if not n.is_const}


def _adjoint_text(graph, step, name):
    """The row's right-hand side: the upstream adjoint times the local partial."""
    upstream = bar(name(step.source))
    text = _times_partial(graph, step.source, step.index, upstream, name)
    if text is None:
        names = _primal_names(graph, name)
        names[step.upstream.id] = upstream
        text = _inline_with(graph, step.contribution, names)
    return text


def _tangent_text(graph, node, tan, name):
    """``v̇-1·v0 + v̇0·v-1``: the tangent of ``node`` from its inputs' tangents."""
    terms = []
    for k, arg in enumerate(node.inputs):
        if arg.id not in tan:
            continue
        t = _times_partial(graph, node, k, dot(name(arg)), name)
        if t is None:
            names = _primal_names(graph, name)
            names.update({tan[i.id].id: dot(name(i)) for i in node.inputs if i.id in tan})
            return _inline_with(graph, tan[node.id], names)
        if t.endswith("·1"):
            t = t[:-2]
        elif t.endswith("·(-1)"):
            t = "-" + t[:-5]
        terms.append(t)
    text = terms[0]
    for t in terms[1:]:
        text += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
    return text


NAMINGS = ("baydin", "user")


def _direction(node, value):
    """The tangent of input ``node`` along the direction: its value broadcast to the input's shape."""
    value = np.asarray(value, dtype=node.dtype)
    try:
        return np.broadcast_to(value, node.shape).copy()
    except ValueError:
        raise ShapeError(f"the direction for '{node.name}' has shape {fmt(value.shape)} but the input has shape "
                         f"{fmt(node.shape)}") from None


def record(graph, values, direction=None, places=3, naming="baydin"):
    """The trace of ``graph`` at ``values``; ``direction`` (by input name) adds a tangent trace.

    ``naming``: "baydin" numbers every value (v-1, v0, v1, ...); "user" writes the
    program's own names (u, z, J) and numbers only the unnamed values.
    """
    if naming not in NAMINGS:
        raise UnknownNameError(f"unknown naming '{naming}': choose {' or '.join(NAMINGS)}")
    arrays = bind(graph, values)
    trace = Trace(graph, dict(values), places=places)
    v = (lambda n: vname(graph, n)) if naming == "baydin" else graph.label
    adj_name = lambda n: bar(v(n))

    all_steps = list(steps(graph))
    totals = {s.node.id: s.total for s in all_steps}
    extra = [s.total for s in all_steps]
    tan = {}
    if direction is not None:
        unknown = set(direction) - set(graph.input_names)
        if unknown:
            raise UnknownNameError(f"unknown variable '{sorted(unknown)[0]}' in the direction: the graph's inputs "
                                   f"are {', '.join(graph.input_names)}")
        seeds = {n.id: const(_direction(n, direction.get(n.name, 0.0))) for n in graph.inputs}
        tan = tangents(graph, seeds)
        extra += list(tan.values())
    env = run(Graph(list(graph.outputs) + extra, graph.inputs), arrays)

    for n in graph.inputs:
        trace.forward.append(Row(v(n), n.name if v(n) != n.name else "", "", env[n.id], n))
    for n in graph.operations:
        trace.forward.append(Row(v(n), operation(graph, n, name=lambda g, m: v(m)),
                                 substituted(graph, n, env, places), env[n.id], n))
    out = graph.output
    if v(out) != (out.name or "y"):
        trace.forward.append(Row(out.name or "y", v(out), "", env[out.id], out))

    if direction is not None:
        for n in graph.inputs:
            trace.tangent.append(Row(dot(v(n)), dot(n.name) if v(n) != n.name else "", "", env[tan[n.id].id], n))
        for n in graph.operations:
            if n.id in tan:
                trace.tangent.append(Row(dot(v(n)), _tangent_text(graph, n, tan, v), "", env[tan[n.id].id], n))
        out_t = env[tan[out.id].id] if out.id in tan else np.zeros(out.shape)
        if v(out) != (out.name or "y"):
            trace.tangent.append(Row(dot(out.name or "y"), dot(v(out)), "", out_t, out))

    for s in all_steps:
        if s.source is None:
            seed = bar(out.name or "y")
            trace.reverse.append(AdjointRow(adj_name(s.node), seed if seed != adj_name(s.node) else "", "1",
                                            env[s.total.id], s.node))
            continue
        d = f"{adj_name(s.source)}·∂{v(s.source)}/∂{v(s.node)}"
        p = _adjoint_text(graph, s, v)
        if s.accumulate:
            d, p = f"{adj_name(s.node)} + {d}", f"{adj_name(s.node)} + {p}"
        trace.reverse.append(AdjointRow(adj_name(s.node), d, p, env[s.total.id], s.node, s.source, s.accumulate))
    for n in graph.inputs:
        if adj_name(n) != bar(n.name):
            value = env[totals[n.id].id] if n.id in totals else np.zeros(n.shape)
            trace.reverse.append(AdjointRow(bar(n.name), adj_name(n), "", value, n))
    return trace
