"""Graph -> graph optimisation passes: CSE, constant folding, dead-code elimination, simplification.

Every pass builds a new graph with ``graphgrad.ops.apply`` (nodes are never
mutated) and keeps each node's shape and dtype, so a pass can be tested alone by
evaluating the graph before and after it with the NumPy interpreter.
"""
import numpy as np

from ..graph import Graph
from ..ops import apply, broadcast_to, const, neg, reshape, transpose


def rewrite(graph, rule=None, outputs=None, leaf=None):
    """``graph.replay`` with ``rule(node, args)``; ``leaf(node)`` may replace inputs and constants, and
    ``outputs`` (indices) keeps only some outputs."""
    leaves = {n.id: leaf(n) for n in graph.nodes if not n.inputs} if leaf else None
    rebuilt = graph.replay(leaves, rule)
    kept = rebuilt.outputs if outputs is None else [rebuilt.outputs[k] for k in outputs]
    return Graph(kept, rebuilt.inputs)


def param_key(value):
    """A hashable stand-in for a parameter value (arrays by dtype, shape and bytes; slices by their fields)."""
    if isinstance(value, slice):
        return ("slice", value.start, value.stop, value.step)
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, Graph):
        return ("graph", id(value))
    if isinstance(value, (list, tuple)):
        return tuple(param_key(v) for v in value)
    return value


def node_key(node, args):
    """Two nodes with equal keys compute the same value."""
    return (node.op.name, tuple(a.id for a in args),
            tuple(sorted((k, param_key(v)) for k, v in node.params.items())), node.dtype.str, node.weak)


def common_subexpressions(graph):
    """Merge nodes that apply the same primitive with the same parameters to the same arguments."""
    seen = {}

    def rule(node, args):
        key = node_key(node, args)
        if key in seen:
            return seen[key]
        same = all(a is i for a, i in zip(args, node.inputs))
        seen[key] = node if same else apply(node.op, args, node.params, name=node.name)
        return seen[key]

    def leaf(node):
        return seen.setdefault(node_key(node, []), node) if node.is_const else node

    return rewrite(graph, rule, leaf=leaf)


FOLD_LIMIT = 64  # constants folded only up to this many elements (or no larger than their inputs)


def fold_constants(graph):
    """Evaluate at compile time every operation whose arguments are all constants.

    A result larger than both ``FOLD_LIMIT`` and its largest argument is left
    alone, so ``broadcast_to(0, (512, 784))`` stays a cheap broadcast.
    """
    def rule(node, args):
        if node.is_input or not all(a.is_const for a in args) or node.op.impl is None:
            return None
        if node.size > max(FOLD_LIMIT, *(a.size for a in args)):
            return None
        with np.errstate(all="ignore"):
            value = np.array(node.op.impl(*(a.params["value"] for a in args), **node.params), dtype=node.dtype)
        if value.size > 1 and np.all(value == value.flat[0]):  # keep a uniform array a broadcast scalar
            return broadcast_to(const(value.flat[0], dtype=node.dtype), node.shape)
        return const(value, dtype=node.dtype)
    return rewrite(graph, rule)


def eliminate_dead_code(graph, outputs=None):
    """Keep only the outputs listed (by position; all by default) and the nodes they need."""
    return rewrite(graph, None, outputs)


# --- algebraic simplification ----------------------------------------------------------

def constant_value(node):
    """The single value of a constant (or a broadcast constant) whose elements are all equal, else None."""
    while node.op.name in ("broadcast_to", "reshape"):
        node = node.inputs[0]
    if not node.is_const:
        return None
    value = node.params["value"]
    if value.size == 0 or not np.all(value == value.flat[0]):
        return None
    return float(value.flat[0])


def filled(node, number):
    """A node of ``node``'s shape and dtype whose elements all equal ``number``."""
    return broadcast_to(const(np.array(number, dtype=node.dtype), dtype=node.dtype), node.shape)


def _is(node, number):
    return constant_value(node) == number


def _add(node, x, y):
    if _is(y, 0):
        return x
    if _is(x, 0):
        return y
    return None


def _sub(node, x, y):
    if _is(y, 0):
        return x
    if x is y:
        return filled(node, 0.0)
    if _is(x, 0):
        return neg(y)
    return None


def _mul(node, x, y):
    for a, b in ((x, y), (y, x)):
        if _is(b, 1):
            return a
        if _is(b, -1):
            return neg(a)
        if _is(b, 0):
            return filled(node, 0.0)
    return None


def _div(node, x, y):
    if _is(y, 1):
        return x
    if x is y:
        return filled(node, 1.0)
    return None


def _inverse_of(inner):
    def rule(node, x):
        return x.inputs[0] if x.op.name == inner else None
    return rule


def _pow(node, x, y):
    if _is(y, 1):
        return x
    if _is(y, 0):
        return filled(node, 1.0)
    return None


def _reshape(node, x):
    if x.op.name == "reshape":
        return reshape(x.inputs[0], node.shape)
    return x if x.shape == node.shape else None


def _broadcast_to(node, x):
    if x.op.name == "broadcast_to":
        return broadcast_to(x.inputs[0], node.shape)
    return x if x.shape == node.shape else None


def _transpose(node, x):
    if x.op.name != "transpose":
        return None
    inner = tuple(reversed(range(x.ndim))) if x.params["axes"] is None else x.params["axes"]
    outer = tuple(reversed(range(node.ndim))) if node.params["axes"] is None else node.params["axes"]
    axes = tuple(inner[a] for a in outer)
    source = x.inputs[0]
    return source if axes == tuple(range(source.ndim)) else transpose(source, axes)


def _sum(node, x):
    axis = node.params["axis"]
    return reshape(x, node.shape) if axis is not None and len(axis) == 0 else None


SIMPLIFY = {
    "add": _add, "sub": _sub, "mul": _mul, "div": _div, "pow": _pow,
    "neg": _inverse_of("neg"),           # --x = x
    "exp": _inverse_of("ln"),            # exp(ln x) = x for x > 0
    "ln": _inverse_of("exp"),            # ln(exp x) = x
    "reshape": _reshape, "broadcast_to": _broadcast_to, "transpose": _transpose,
    "sum": _sum, "mean": _sum, "max": _sum, "min": _sum, "prod": _sum,   # over no axes: the operand
}


def _fits(node, out):
    """``out`` made to stand for ``node``: broadcast to its shape, or None if the dtype differs."""
    if out.dtype != node.dtype:
        return None
    if out.shape != node.shape:
        try:
            out = broadcast_to(out, node.shape)
        except Exception:
            return None
    return out


def simplify(graph):
    """Apply the identities x·1 = x, x+0 = x, x−x = 0, −(−x) = x, exp(ln x) = x, ... until none applies.

    Rules keep values wherever the original is defined (exp∘ln assumes x > 0,
    as the interpreter's domain check does; x−x = 0 assumes x is finite).
    """
    def rule(node, args):
        rule_for = SIMPLIFY.get(node.op.name)
        if rule_for is None:
            return None
        out = rule_for(node, *args)
        return None if out is None else _fits(node, out)

    while True:
        new = rewrite(graph, rule)
        if [n.id for n in new.nodes] == [n.id for n in graph.nodes]:
            return new
        graph = new


def deduplicated(graph):
    """The passes that change no value, not even by a rounding: merge common subexpressions, drop dead code
    (what the interpreter runs of a graph it runs many times: ``compiler.TieredGraph``)."""
    return eliminate_dead_code(common_subexpressions(graph))


def optimize(graph):
    """The standard pipeline: simplify, fold constants, merge common subexpressions, drop dead code."""
    graph = simplify(graph)
    graph = fold_constants(graph)
    graph = common_subexpressions(graph)
    graph = simplify(graph)
    return eliminate_dead_code(graph)


__all__ = ["common_subexpressions", "fold_constants", "eliminate_dead_code", "simplify", "deduplicated", "optimize",
           "rewrite", "constant_value"]
