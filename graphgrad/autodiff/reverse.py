"""Reverse mode: the adjoint graph, built from each primitive's VJP rule.

Adjoints of a node used several times are summed over its uses (one ``add``
node per accumulation, as in the rows ``v̄0 = v̄0 + v̄2·v-1`` of a reverse
trace). The result is an ordinary graph, so it can be evaluated, printed,
rendered, compiled and differentiated again.
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..graph import Graph, Node
from ..errors import ArgumentError
from ..ops import broadcast_to, const, zeros_like as zeros
from ..graph.primitive import is_float


@dataclass(frozen=True)
class Step:
    """One accumulation: ``total = previous + contribution``, the adjoint of ``node`` from ``source``."""
    node: Node                   # whose adjoint this step sets
    source: Optional[Node]       # the consumer it flows back from (None for the output's seed)
    index: int                   # which argument of ``source`` ``node`` is
    upstream: Optional[Node]     # v̄_source, the adjoint that flows back
    contribution: Node           # v̄_source · ∂source/∂node
    total: Node                  # the adjoint of ``node`` after this step
    accumulate: bool             # True when added to an earlier contribution


def depends_on(graph, wrt):
    """For each node id, whether it depends on any node in ``wrt``."""
    targets = {n.id for n in wrt}
    dep = {}
    for node in graph.nodes:
        dep[node.id] = node.id in targets or any(dep[i.id] for i in node.inputs)
    return dep


def seed(node):
    """The adjoint of the output: 1, or ones for a tensor (the gradient of its sum)."""
    return broadcast_to(const(np.ones((), dtype=node.dtype)), node.shape)


def steps(graph, wrt=None, output=None):
    """The accumulation steps of reverse mode, in the order they are computed."""
    output = graph.output if output is None else output
    wrt = graph.inputs if wrt is None else wrt
    dep = depends_on(graph, wrt)
    first = seed(output)
    yield Step(output, None, 0, None, first, first, False)
    adj = {output.id: first}
    for node in reversed(graph.nodes):
        g = adj.get(node.id)
        if g is None or not node.inputs or not node.op.differentiable:
            continue
        needs = tuple(dep[i.id] and is_float(i.dtype) for i in node.inputs)
        if not any(needs):
            continue
        contributions = node.op.vjp(g, node, *node.inputs, needs=needs, **node.params)
        for k, (arg, contribution) in enumerate(zip(node.inputs, contributions)):
            if contribution is None:
                continue
            earlier = adj.get(arg.id)
            adj[arg.id] = contribution if earlier is None else earlier + contribution
            yield Step(arg, node, k, g, contribution, adj[arg.id], earlier is not None)


def adjoints(graph, wrt=None, output=None):
    """Adjoint nodes by id for every node between ``wrt`` (default: all inputs) and the output."""
    return {step.node.id: step.total for step in steps(graph, wrt, output)}


def differentiable(graph, node, role):
    """Refuse a derivative of or with respect to a value that has none (booleans, integers, indices)."""
    if not is_float(node.dtype):
        raise ArgumentError(f"{graph.label(node)} is not differentiable: it is the {role} and its values are "
                            f"{node.dtype} (derivatives exist for float values only)")


def grad_graph(graph, wrt=None):
    """Graph with outputs ``[y, dy/dw for w in wrt]``; y's sum when y is not a scalar."""
    wrt = list(graph.inputs if wrt is None else [graph.input(w) if isinstance(w, str) else w for w in wrt])
    differentiable(graph, graph.output, "output")
    for w in wrt:
        differentiable(graph, w, "variable")
    adj = adjoints(graph, wrt)
    grads = [adj[w.id] if w.id in adj else zeros(w) for w in wrt]
    return Graph([graph.output, *grads], graph.inputs)
