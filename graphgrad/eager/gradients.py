"""Gradients of eager tensors: the core's reverse mode over the recorded graph, evaluated at its values.

``gradients(y, [x1, x2])`` builds the adjoint nodes of ``y``'s recorded graph
with ``autodiff.adjoints`` -- the same transform ``gg.grad`` and ``fit`` use --
and evaluates them with the recorded values. With ``create_graph`` the adjoint
operations are recorded like any other, so they can be differentiated again.
"""
import functools

import numpy as np

from .. import ops
from ..autodiff import adjoints
from ..graph import Graph
from .tensor import Variable, evaluate


def history(*targets, through=None):
    """The recorded tensors behind ``targets`` by node id, following parents only of tensors ``through`` accepts."""
    known, stack = {}, [t.snapshot() for t in targets]
    while stack:
        t = stack.pop()
        if t.node.id in known:
            continue
        known[t.node.id] = t
        if through is None or through(t):
            stack.extend(t.parents)
    return known


def graph_of(*targets, through=None):
    """``(graph, known)``: the recorded graph with ``targets`` as outputs, and its tensors by node id.

    A recorded tensor that ``through`` rejects is cut: it becomes an input of the graph,
    so nothing flows through the operations that made it.
    """
    known = history(*targets, through=through)
    outputs = [t.snapshot().node for t in targets]
    cut = [t for t in known.values() if t.parents and through is not None and not through(t)]
    if not cut:
        return Graph(outputs), known
    leaves = {t.node.id: ops.input(t.node.name or f"cut_{t.node.id}", t.node.shape, t.node.dtype) for t in cut}
    new = dict(leaves)
    for node in Graph(outputs).nodes:
        if node.id not in new and node.inputs:
            args = [new.get(i.id, i) for i in node.inputs]
            if any(a is not i for a, i in zip(args, node.inputs)):
                new[node.id] = ops.apply(node.op, args, node.params, name=node.name)
    graph = Graph([new.get(o.id, o) for o in outputs])
    kept = {nid: t for nid, t in known.items() if nid not in leaves}
    kept.update({leaves[t.node.id].id: type(t)(leaves[t.node.id], t.value) for t in cut})
    return graph, kept


def values_of(graph, known):
    """The value of each input of ``graph`` by name (what renderers and traces take)."""
    return {n.name: np.asarray(known[n.id].value) for n in graph.inputs}


def _differentiable(t):
    return t.node.dtype.kind == "f"


def reads_of(sources, known):
    """For each source, the recorded nodes that stand for it: its own node, or for a variable each value it held
    when an operation read it (a variable changed after a read has several; each read keeps the value it saw)."""
    held = {}
    for t in known.values():
        if not t.parents:
            holder = Variable.holder(t)
            if holder is not None:
                held.setdefault(id(holder), []).append(t.node)
    found = []
    for source in sources:
        if isinstance(source, Variable):
            found.append(held.get(id(source), []))
        else:
            node = source.snapshot().node
            found.append([node] if node.id in known else [])
    return found


def _total(adj, nodes):
    """The sum of the adjoints of ``nodes`` (a node), or None when none of them has one."""
    found = [adj[n.id] for n in nodes if n.id in adj]
    return None if not found else functools.reduce(ops.add, found)


def gradients(target, sources, create_graph=False, through=None):
    """d sum(target) / d source for each source (a tensor, or None where target does not depend on it).

    A variable's gradient sums those of its reads. Integer tensors have no gradient (None), as in TensorFlow.
    """
    graph, known = graph_of(target, through=through)
    output = graph.output
    reads = [r if _differentiable(s) and _differentiable(target) else []
             for s, r in zip(sources, reads_of(sources, known))]
    usable = [n for nodes in reads for n in nodes]
    adj = adjoints(graph, usable, output) if usable else {}
    found = [_total(adj, nodes) for nodes in reads]
    cls = type(target.snapshot())
    present = [a for a in found if a is not None]
    evaluated = dict(zip((a.id for a in present),
                         evaluate(present, dict(known), cls, record=None if create_graph else False)))
    return [None if a is None else _in_dtype(evaluated[a.id], s.node.dtype, create_graph)
            for a, s in zip(found, sources)]


def _in_dtype(gradient, dtype, recorded):
    """A gradient has its source's dtype (a Python constant in a derivative rule can widen it);
    a recorded one keeps its node's dtype."""
    if recorded or gradient.node.dtype == dtype:
        return gradient
    return type(gradient).leaf(gradient.value.astype(dtype))


def jacobian(target, source, through=None):
    """d target / d source with shape ``target.shape + source.shape`` (one reverse pass per target element).

    The result is a leaf: a Jacobian is not recorded for further differentiation.
    """
    graph, known = graph_of(target, through=through)
    output, w = graph.output, source.snapshot().node
    cls = type(target.snapshot())
    reads, = reads_of([source], known)
    if not reads or not (_differentiable(source) and _differentiable(target)):
        return None
    rows = []
    for i in range(output.size):
        basis = np.zeros(output.size, dtype=output.dtype)
        basis[i] = 1
        element = ops.sum(output * ops.const(basis.reshape(output.shape)))
        adj = _total(adjoints(Graph([element]), reads, element), reads)
        if adj is None:
            rows.append(np.zeros(w.shape, dtype=w.dtype))
            continue
        row, = evaluate([adj], dict(known), cls, record=False)
        rows.append(row.value)
    shape = output.shape + w.shape
    stacked = np.stack(rows).reshape(shape) if rows else np.zeros(shape, dtype=w.dtype)
    return cls.leaf(stacked.astype(w.dtype, copy=False))
