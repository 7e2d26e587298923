"""Evaluated traces of a graph at a point: forward primal, forward tangent and reverse adjoint.

The rows follow Baydin et al.'s tables: ``v1 = ln v-1 = ln 2 = 0.693`` forward,
``v̄0 = v̄0 + v̄2·∂v2/∂v0 = v̄0 + v̄2·v-1 = 1.716`` backward (one row per
accumulation step, in the order computed), then ``x̄1 = v̄-1 = 5.5``.
"""
import warnings
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..autodiff.forward import tangents
from ..autodiff.reverse import steps
from ..backends.numpy_backend import bind, check_differentiable, run
from ..errors import ArgumentError, ShapeError, UnknownNameError
from ..graph import Graph, Node
from ..graph.printing import bar, dot, inline, latex_name, operation, substituted, vname
from ..graph.shapes import fmt
from ..lazy_sympy import sp
from ..ops import const
from ..symbolic import SymbolicError, local_partial, plain, symbol


@dataclass
class Row:
    """One line of a forward trace: ``var = expr = subst = value``; ``tex`` has the same cells in LaTeX."""
    var: str
    expr: str
    subst: str
    value: np.ndarray
    node: Optional[Node] = None
    tex: tuple = ("", "", "")

    @property
    def steps(self):
        """The middle cells, as written between the name and the value."""
        return self.expr, self.subst


@dataclass
class AdjointRow:
    """One line of a reverse trace: ``var = expr = partial = value`` (expr keeps the ∂ form); ``tex`` in LaTeX."""
    var: str
    expr: str
    partial: str
    value: np.ndarray
    node: Optional[Node] = None
    source: Optional[Node] = None
    accumulate: bool = False
    tex: tuple = ("", "", "")

    @property
    def steps(self):
        """The middle cells, as written between the name and the value."""
        return self.expr, self.partial


@dataclass
class Trace:
    """Forward, tangent (when a direction is given) and reverse rows of one graph at one point."""
    graph: Graph
    values: dict
    forward: list = field(default_factory=list)
    tangent: list = field(default_factory=list)
    reverse: list = field(default_factory=list)
    places: int = 3

    def format(self, fmt="text", standalone=False):
        """The trace as ``text``, ``markdown``, ``latex`` (booktabs), ``html`` or ``json``; with ``standalone``
        the LaTeX is a whole document for pdflatex, without it a fragment needing booktabs and amsmath."""
        from .formats import FORMATS, latex_document
        if standalone:
            if fmt != "latex":
                raise ArgumentError(f"a standalone document is in the latex format (--format latex), not {fmt}")
            return latex_document(self)
        return FORMATS[fmt](self)

    def __repr__(self):
        """The text table, not the dataclass's fields: what a notebook's plain-text output and the REPL show."""
        return self.format("text").rstrip("\n")

    def _repr_html_(self):
        from .html import trace_html
        return trace_html(self)


def show(expr):
    """A SymPy expression of trace names as (text, LaTeX), its terms and factors in the order built."""
    text = plain(expr, order="none")
    names = {s: latex_name(s.name) for s in expr.free_symbols}
    return text, sp.latex(expr, order="none", mul_symbol="dot", symbol_names=names)  # · as in every picture


def _partial(graph, node, k, name):
    """∂node/∂(input k) in the trace's names, or None when it is not a scalar elementwise partial."""
    if not (node.op.elementwise and node.op.partials and not node.shape):
        return None
    try:
        return local_partial(graph, node, k, at={n.id: symbol(name(n)) for n in (node, *node.inputs)
                                                 if not n.is_const})
    except SymbolicError:
        return None


def _times(upstream, p):
    """upstream·p kept as written (Baydin's v̄5·1, v̄5·(-1)), with v̄1/v-1 for a reciprocal; a condition
    (``where``'s partial v1 or ~v1) stands for 1 or 0, which SymPy allows in an unevaluated product with a
    deprecation warning that is no concern of the reader's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.utilities.exceptions.SymPyDeprecationWarning)
        return sp.Mul(upstream, p, evaluate=False)


def _inline_with(node, names):
    """``node`` as (text, LaTeX), with the nodes in ``names`` (by id) shown by those names."""
    sub = Graph([node])
    name = lambda n: names.get(n.id, "?")
    return tuple(inline(sub, node, style=style, stop=set(names), name=name) for style in ("text", "latex"))


def _primal_names(graph, name):
    return {n.id: name(n) for n in graph.nodes if not n.is_const}


def _adjoint_cells(graph, step, name):
    """The row's right-hand side, upstream adjoint times the local partial: (text, LaTeX)."""
    upstream = bar(name(step.source))
    p = _partial(graph, step.source, step.index, name)
    if p is not None:
        expr = _times(symbol(upstream), p)
        if step.accumulate:
            expr = sp.Add(symbol(bar(name(step.node))), expr, evaluate=False)
        return show(expr)
    names = _primal_names(graph, name)
    names[step.upstream.id] = upstream
    text, tex = _inline_with(step.contribution, names)
    if step.accumulate:
        own = bar(name(step.node))
        text, tex = f"{own} + {text}", f"{latex_name(own)} + {tex}"
    return text, tex


def _tangent_cells(graph, node, tan, name):
    """``v̇-1·v0 + v̇0·v-1``: the tangent of ``node`` from its inputs' tangents, as (text, LaTeX)."""
    terms = []
    for k, arg in enumerate(node.inputs):
        if arg.id not in tan:
            continue
        p = _partial(graph, node, k, name)
        if p is None:
            names = _primal_names(graph, name)
            names.update({tan[i.id].id: dot(name(i)) for i in node.inputs if i.id in tan})
            return _inline_with(tan[node.id], names)
        t = symbol(dot(name(arg)))
        terms.append(t if p == 1 else sp.Mul(-1, t, evaluate=False) if p == -1 else _times(t, p))
    return show(terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False))


def _derivative(graph, step, name):
    """``v̄2·∂v2/∂v0`` (and ``v̄0 + ...`` when accumulating) as (text, LaTeX)."""
    src, node = name(step.source), name(step.node)
    text = f"{bar(src)}·∂{src}/∂{node}"
    tex = rf"{latex_name(bar(src))} \frac{{\partial {latex_name(src)}}}{{\partial {latex_name(node)}}}"
    if step.accumulate:
        own = bar(node)
        text, tex = f"{own} + {text}", f"{latex_name(own)} + {tex}"
    return text, tex


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
    check_differentiable(graph, arrays)
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

    L = latex_name
    by = lambda g, m: v(m)
    for n in graph.inputs:
        own = n.name if v(n) != n.name else ""
        trace.forward.append(Row(v(n), own, "", env[n.id], n, (L(v(n)), L(own), "")))
    for n in graph.operations:
        trace.forward.append(Row(v(n), operation(graph, n, name=by), substituted(graph, n, env, places),
                                 env[n.id], n, (L(v(n)), operation(graph, n, "latex", name=by),
                                                substituted(graph, n, env, places, "latex"))))
    out = graph.output
    y = out.name or "y"
    if v(out) != y:
        trace.forward.append(Row(y, v(out), "", env[out.id], out, (L(y), L(v(out)), "")))

    if direction is not None:
        for n in graph.inputs:
            own = dot(n.name) if v(n) != n.name else ""
            trace.tangent.append(Row(dot(v(n)), own, "", env[tan[n.id].id], n, (L(dot(v(n))), L(own), "")))
        for n in graph.operations:
            if n.id in tan:
                text, tex = _tangent_cells(graph, n, tan, v)
                trace.tangent.append(Row(dot(v(n)), text, "", env[tan[n.id].id], n, (L(dot(v(n))), tex, "")))
        out_t = env[tan[out.id].id] if out.id in tan else np.zeros(out.shape)
        if v(out) != y:
            trace.tangent.append(Row(dot(y), dot(v(out)), "", out_t, out, (L(dot(y)), L(dot(v(out))), "")))

    for s in all_steps:
        var = adj_name(s.node)
        if s.source is None:
            seed = bar(y) if bar(y) != var else ""
            trace.reverse.append(AdjointRow(var, seed, "1", env[s.total.id], s.node, tex=(L(var), L(seed), "1")))
            continue
        (d, d_tex), (p, p_tex) = _derivative(graph, s, v), _adjoint_cells(graph, s, v)
        trace.reverse.append(AdjointRow(var, d, p, env[s.total.id], s.node, s.source, s.accumulate,
                                        (L(var), d_tex, p_tex)))
    for n in graph.inputs:
        if adj_name(n) != bar(n.name):
            value = env[totals[n.id].id] if n.id in totals else np.zeros(n.shape)
            trace.reverse.append(AdjointRow(bar(n.name), adj_name(n), "", value, n,
                                            tex=(L(bar(n.name)), L(adj_name(n)), "")))
    return trace
