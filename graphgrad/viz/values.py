"""What a picture shows about an evaluated graph: node values, adjoints and per-edge local partials.

Nothing is re-derived here: adjoints are the nodes of ``autodiff.adjoints``,
local partials the primitives' own ``partials`` builders (numeric) and
``symbolic.local_partial`` (SymPy), all evaluated in one run of the NumPy
interpreter.
"""
from dataclasses import dataclass, field

import numpy as np

from ..autodiff import adjoints
from ..backends.numpy_backend import bind, check_derivatives, partial_nodes, run
from ..graph import Graph
from ..graph.printing import latex_name
from ..lazy_sympy import sp
from ..symbolic import SymbolicError, local_partial, plain, symbol, vsymbol


@dataclass
class Evaluated:
    """Values and adjoints by node id, local partials by (node id, argument index)."""
    values: dict = field(default_factory=dict)
    adjoints: dict = field(default_factory=dict)
    partials: dict = field(default_factory=dict)


def evaluate(graph, values, adjoint=True, partials=True):
    """Evaluate ``graph`` at ``values`` (by input name): values, and on request adjoints and edge partials."""
    return evaluate_arrays(graph, bind(graph, values), adjoint, partials)


def evaluate_arrays(graph, arrays, adjoint=True, partials=True):
    """``evaluate`` with the input values given by node id (graphs whose input names may repeat)."""
    adj = adjoints(graph) if adjoint else {}
    edge = {}
    if partials:
        for node in graph.operations:
            edge.update({(node.id, k): p for k, p in partial_nodes(node).items()})
    extra = list(adj.values()) + [p for p in edge.values() if hasattr(p, "op")]
    env = run(graph, arrays)  # domain checks on the graph itself
    if adjoint:
        check_derivatives(graph, env)  # adjoints shown are finite, as every method of differentiation requires
    env = run(Graph(list(graph.outputs) + extra, graph.inputs), env, check=False)
    out = Evaluated()
    out.values = {n.id: env[n.id] for n in graph.nodes}
    out.adjoints = {nid: env[a.id] for nid, a in adj.items()}
    out.partials = {key: env[p.id] if hasattr(p, "op") else np.asarray(float(p)) for key, p in edge.items()}
    return out


def symbolic_partial(graph, node, k, name=None, style="text"):
    """∂node/∂input_k as text (``cos(v0)``, or in ``name(node)``'s names) or LaTeX, or None without a scalar partial."""
    if not (node.op.elementwise and node.op.partials):
        return None
    try:
        expr = local_partial(graph, node, k)
    except SymbolicError:
        return None
    if name is not None:
        nodes = [node, *node.inputs]
        expr = expr.xreplace({vsymbol(graph, n): symbol(name(n)) for n in nodes if not n.is_const})
    if style == "latex":
        return sp.latex(expr, symbol_names={s: latex_name(s.name) for s in expr.free_symbols},
                        fold_short_frac=True)  # 1/v_{-1} at full size, as the PNGs write it
    return plain(expr)
