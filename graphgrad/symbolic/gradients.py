"""Closed-form gradients of a graph's output in its inputs, with a size guard and a linear CSE form.

Gradients come from reverse accumulation of local partials (``adjoints.accumulate``),
not from ``sympy.diff`` of one huge expression. Written out as a tree a gradient can
still grow fast (a 32-deep sigmoid chain gives thousands of operations), so
``gradient`` refuses past ``max_ops`` with a SizeError; ``gradient_cse`` gives the
same gradient as a sequence of small assignments, one per node and adjoint, which
stays linear in the graph and works for chains of any depth.
"""
from collections import Counter

import numpy as np

from ..errors import SizeError
from ..graph.printing import split_name
from ..lazy_sympy import sp
from .adjoints import accumulate
from .expressions import expressions, symbol, sympy_forms
from .size import expression_size, simplified

MAX_OPS = 2000     # operations in a written-out gradient before gradient() refuses
INLINE_SIZE = 16   # gradient_cse inlines a once-used value only while expressions stay this small


def wrt_inputs(graph, wrt=None):
    """Input nodes for ``wrt`` (names or nodes; default all inputs); an unknown name raises UnknownNameError."""
    if wrt is None:
        return list(graph.inputs)
    return [graph.input(w) if isinstance(w, str) else w for w in ([wrt] if isinstance(wrt, str) else wrt)]


def _too_large(graph, what, hint):
    return SizeError(f"the closed-form gradient of {graph.label(graph.output)} {what}; use gradient_cse(graph) "
                     f"for the same gradient with shared subexpressions, or adjoint_expressions(graph) / "
                     f"edge_partials(graph) for local partials{hint}")


def gradient(graph, wrt=None, simplify=True, cse=False, max_ops=MAX_OPS):
    """d output / d input for each input in ``wrt``, as closed-form SymPy, by input name.

    The size guard counts the gradient's operations written out as trees (or, with
    ``cse=True``, its distinct subexpressions) and raises SizeError past ``max_ops``.
    ``cse=True`` simplifies piece by piece instead (each common subexpression once),
    which is how large gradients stay tractable. ``simplify`` leaves expressions of
    more than ``size.SIMPLIFY_OPS`` operations as built: SymPy's simplify can take minutes there.
    """
    wrt = wrt_inputs(graph, wrt)
    try:
        adj = accumulate(graph, expressions(graph), wrt)
    except RecursionError:
        raise _too_large(graph, "is nested too deeply for SymPy", "") from None
    grads = {w.name: adj.get(w.id, sp.Integer(0)) for w in wrt}
    tree, shared = expression_size(grads.values())
    size = shared if cse else tree
    if size > max_ops:
        what = "has {} {}operations (limit max_ops={})".format(size, "distinct " if cse else "", max_ops)
        raise _too_large(graph, what, "" if cse else ", or gradient(..., cse=True), or a larger max_ops")
    if not simplify:
        return grads
    try:
        return dict(zip(grads, _simplify_all(list(grads.values()), cse)))
    except RecursionError:
        raise _too_large(graph, "is nested too deeply to simplify", "") from None


def _simplify_all(exprs, cse):
    """Simplify whole expressions, or (``cse``) each common subexpression once and put them back unevaluated.

    The reduced expressions of a CSE are left alone: they are mostly long products
    whose expansion is what makes simplify explode.
    """
    if not cse:
        return [simplified(e) for e in exprs]
    replacements, reduced = sp.cse(exprs)
    values = {sym: simplified(value) for sym, value in replacements}
    with sp.evaluate(False):   # re-evaluating the nested result costs far more than simplifying it
        for sym, _ in reversed(replacements):
            reduced = [e.xreplace({sym: values[sym]}) for e in reduced]
    return reduced


def _node_names(graph):
    """A distinct symbol name per operation node: its label, or its Baydin name if the label is taken."""
    taken = set(graph.input_names)
    names = {}
    for node in graph.operations:
        name = graph.label(node)
        if name in taken:
            name = graph.vnames[node.id]
        while name in taken:
            name += "_"
        taken.add(name)
        names[node.id] = name
    return names


def adjoint_name(name):
    """``v3`` -> ``vbar_3``, ``phi`` -> ``phibar``: SymPy prints these as v̄₃ and φ̄."""
    head, tail = split_name(name)
    return f"{head}bar_{tail}" if head and tail else f"{name}bar"


def gradient_cse(graph, wrt=None, value=False):
    """The gradient as ``(replacements, exprs)`` like ``sympy.cse``: assignments to evaluate in order, then one
    expression per ``wrt`` input (after the output's own, with ``value``). One assignment per node value and
    per adjoint (values used once are inlined while small), so the size is linear in the graph and no
    expression is deep.
    """
    wrt = wrt_inputs(graph, wrt)
    names = _node_names(graph)
    replacements = []

    def assign(node, value):
        replacements.append((symbol(names[node.id]), value))
        return replacements[-1][0]
    at = sympy_forms(graph, lambda node: symbol(node.name) if node.is_input else None, assign)

    def complete(node, adjoint):
        if adjoint.is_Atom:
            return adjoint
        sym = symbol(adjoint_name(names[node.id]))
        replacements.append((sym, adjoint))
        return sym

    adj = accumulate(graph, at, wrt, complete)
    grads = [adj.get(w.id, sp.Integer(0)) for w in wrt]
    return _inline(replacements, [at[graph.output.id], *grads] if value else grads)


def _symbols_in(expr):
    """Symbols of a (shallow) expression, with multiplicity."""
    return [e for e in sp.preorder_traversal(expr) if e.is_Symbol]


def _small(expr):
    """Whether ``expr`` written out has at most INLINE_SIZE parts (stops counting early)."""
    stack, count = [expr], 0
    while stack:
        count += 1
        if count > INLINE_SIZE:
            return False
        stack.extend(stack.pop().args)
    return True


def _inline(replacements, exprs):
    """Drop assignments nothing needs; substitute those used once while the result stays shallow."""
    live = {s for e in exprs for s in e.free_symbols}
    needed = []
    for sym, value in reversed(replacements):
        if sym in live:
            needed.append((sym, value))
            live.update(value.free_symbols)
    needed.reverse()
    uses = Counter(s for e in [*exprs, *(v for _, v in needed)] for s in _symbols_in(e))
    inlined, kept = {}, []
    for sym, value in needed:
        value = value.xreplace(inlined) if inlined else value
        if value.is_Atom or (uses[sym] == 1 and _small(value)):
            inlined[sym] = value
        else:
            kept.append((sym, value))
    return kept, [e.xreplace(inlined) for e in exprs]


def gradient_function(graph, wrt=None, value=False):
    """A NumPy function ``f(**values) -> {name: gradient}`` compiled from ``gradient_cse`` (any depth);
    with ``value``, ``f`` returns ``(output value, gradients)``."""
    wrt = wrt_inputs(graph, wrt)
    replacements, exprs = gradient_cse(graph, wrt, value)
    args = [symbol(n.name) for n in graph.inputs]
    compiled = sp.lambdify(args, exprs, modules="numpy", cse=lambda _: (replacements, exprs))

    def grad(**values):
        out = [np.asarray(e) for e in compiled(*(values[n.name] for n in graph.inputs))]
        grads = {w.name: np.asarray(g, dtype=float) for w, g in zip(wrt, out[1:] if value else out)}
        return (out[0], grads) if value else grads
    grad.__doc__ = f"Symbolic gradient of {graph.label(graph.output)} in {', '.join(w.name for w in wrt)}."
    return grad
