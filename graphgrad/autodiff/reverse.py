"""Reverse mode: the adjoint graph, built from each primitive's VJP rule.

Adjoints of a node used several times are summed over its uses (one ``add``
node per accumulation, as in the rows ``v̄0 = v̄0 + v̄2·v-1`` of a reverse
trace). The result is an ordinary graph, so it can be evaluated, printed,
rendered, compiled and differentiated again.
"""
import numpy as np

from ..graph import Graph
from ..ops import broadcast_to, const


def depends_on(graph, wrt):
    """For each node id, whether it depends on any node in ``wrt``."""
    targets = {n.id for n in wrt}
    dep = {}
    for node in graph.nodes:
        dep[node.id] = node.id in targets or any(dep[i.id] for i in node.inputs)
    return dep


def seed(node):
    """The adjoint of the output: 1, or ones for a tensor (the gradient of its sum)."""
    one = const(np.ones((), dtype=node.dtype))
    return broadcast_to(one, node.shape)


def zeros(node):
    """A zero adjoint or tangent of ``node``'s shape (for values that do not depend on the variable)."""
    return broadcast_to(const(np.zeros((), dtype=node.dtype)), node.shape)


def adjoints(graph, wrt=None, output=None):
    """Adjoint nodes by id for every node between ``wrt`` (default: all inputs) and the output."""
    output = graph.output if output is None else output
    wrt = graph.inputs if wrt is None else wrt
    dep = depends_on(graph, wrt)
    adj = {output.id: seed(output)}
    for node in reversed(graph.nodes):
        g = adj.get(node.id)
        if g is None or not node.inputs or not node.op.differentiable:
            continue
        needs = tuple(dep[i.id] for i in node.inputs)
        if not any(needs):
            continue
        for arg, contribution in zip(node.inputs, node.op.vjp(g, node, *node.inputs, needs=needs, **node.params)):
            if contribution is None:
                continue
            adj[arg.id] = adj[arg.id] + contribution if arg.id in adj else contribution
    return adj


def grad_graph(graph, wrt=None):
    """Graph with outputs ``[y, dy/dw for w in wrt]``; y's sum when y is not a scalar."""
    wrt = list(graph.inputs if wrt is None else [graph.input(w) if isinstance(w, str) else w for w in wrt])
    adj = adjoints(graph, wrt)
    grads = [adj[w.id] if w.id in adj else zeros(w) for w in wrt]
    return Graph([graph.output, *grads], graph.inputs)
