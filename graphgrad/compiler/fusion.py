"""Elementwise fusion: chains of elementwise operations become one ``fused`` node, one loop.

A fused node holds its expression as a small graph over fresh inputs (one per
operand) and, optionally, a reduction (sum, mean or max over axes) applied to
the expression as it is computed, so ``mean((ŷ - y)²)`` is one loop with one
accumulator. The NumPy interpreter can still run a fused graph (the ``fused``
primitive evaluates its expression), so fusion is checked against it alone.

Which nodes fuse is read from their primitives' declarations: ``pointwise``
ones (elementwise ops, broadcasts) are computed one element at a time, and a
``reduction`` can end a loop.
"""
import numpy as np

from ..backends.numpy_backend import run
from ..graph import Graph, shapes
from ..graph.node import Node
from ..ops import apply, input as make_input
from ..graph.primitive import Primitive


def _fused_impl(*args, expr, reduce, shape):
    env = run(expr, {leaf.id: a for leaf, a in zip(expr.inputs, args)}, check=False)
    value = np.broadcast_to(env[expr.output.id], expr.output.shape)
    if reduce is None:
        return value
    prim, axis, keepdims = reduce
    return prim.impl(value, axis=axis, keepdims=keepdims)


def _fused_shape(*shapes, expr, reduce, shape):
    return shape


# Compiler-internal: made only by ``fuse`` and kept out of the ops REGISTRY (it is no operation a
# user builds graphs from); the interpreter still runs it through ``impl``.
FUSED = Primitive("fused", impl=_fused_impl, shape=_fused_shape, differentiable=False,
                  text="fused", latex=r"\operatorname{{fused}}", lowering="loop", register=False)


def reduction_of(node):
    """``(primitive, axes, keepdims)`` of a reduction node, its axes normalised (sorted, non-negative)."""
    axes = shapes.normalize_axis(node.params["axis"], node.inputs[0].ndim)
    return node.op, axes, node.params["keepdims"]


def fusable(node):
    """Whether ``node`` is computed one element at a time (its primitive is declared ``pointwise``)."""
    return node.op.pointwise


def expression(root, members, built):
    """The graph of ``root`` over fresh inputs ``a0, a1, ...`` standing for the group's operands."""
    leaves, fresh, new = [], {}, {}
    order = sorted(members, key=lambda n: n.id)
    for node in order:
        args = []
        for arg in node.inputs:
            if arg.id in new:
                args.append(new[arg.id])
                continue
            if arg.is_const and arg.ndim == 0:
                args.append(arg)
                continue
            if arg.id not in fresh:
                fresh[arg.id] = make_input(f"a{len(leaves)}", arg.shape, arg.dtype)
                leaves.append(built[arg.id])
            args.append(fresh[arg.id])
        new[node.id] = apply(node.op, args, node.params)
    expr = Graph([new[root.id]], [fresh[k] for k in fresh])
    return expr, leaves


def fuse(graph):
    """Group elementwise chains (and a reduction that ends one) into ``fused`` nodes.

    A node joins its consumer's loop when that consumer is its only user, it is
    not an output, and it has the consumer loop's full shape (a smaller operand
    would be recomputed for every element, so it stays a loop of its own).
    """
    uses = graph.consumers()
    outputs = {o.id for o in graph.outputs}
    by_id = {n.id: n for n in graph.nodes}
    group_of = {}     # node id -> root id of the loop it is computed in
    domain = {}       # root id -> shape the loop runs over
    for node in reversed(graph.nodes):
        if node.is_input or node.is_const:
            continue
        users = {u.id for u, _ in uses[node.id]}
        if (fusable(node) and node.id not in outputs and len(users) == 1):
            (user_id,) = users
            root = group_of.get(user_id)
            if root is not None and domain[root] == node.shape:
                group_of[node.id] = root
                continue
        if fusable(node):
            group_of[node.id] = node.id
            domain[node.id] = node.shape
        elif node.op.reduction:
            group_of[node.id] = node.id
            domain[node.id] = node.inputs[0].shape
    members = {}
    for node_id, root in group_of.items():
        members.setdefault(root, []).append(node_id)
    built = {}
    for node in graph.nodes:
        if not node.inputs:
            built[node.id] = node
        elif group_of.get(node.id, node.id) != node.id:
            continue  # computed inside its consumer's loop
        else:
            built[node.id] = _loop(node, [by_id[i] for i in members.get(node.id, [])], built)
    return Graph([built[o.id] for o in graph.outputs], graph.inputs)


def _loop(node, group, built):
    """The fused node for a loop rooted at ``node``, or ``node`` itself rebuilt when nothing fuses."""
    if node.op.reduction and len(group) > 1:
        expr, leaves = expression(node.inputs[0], [n for n in group if n is not node], built)
        reduce = reduction_of(node)
    elif fusable(node) and (len(group) > 1 or node.op.elementwise):   # a lone broadcast stays itself
        expr, leaves = expression(node, group, built)
        reduce = None
    else:
        args = [built[i.id] for i in node.inputs]
        same = all(a is i for a, i in zip(args, node.inputs))
        return node if same else apply(node.op, args, node.params, name=node.name)
    params = {"expr": expr, "reduce": reduce, "shape": node.shape}
    # Made directly (not by ``apply``) to keep the dtype of the node it replaces: the
    # operands alone need not determine it when the expression holds constants.
    return Node(FUSED, leaves, params, node.shape, node.dtype, node.name)
