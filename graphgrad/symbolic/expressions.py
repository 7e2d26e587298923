"""Graph -> SymPy: each node's expression, built from the primitives' ``sympy`` forms.

Leaves become real symbols named after the inputs; a ``leaves`` map can name
any node as a symbol instead (for expressions in terms of intermediate nodes,
like Baydin's ``v̄2·v-1``).
"""
from ..errors import GraphgradError
from ..graph import Graph
from ..graph.printing import definition
from ..lazy_sympy import sp
from ..ops import input as make_input


class SymbolicError(GraphgradError):
    """A graph that has no scalar SymPy form (e.g. softmax of a tensor) or is too large for it."""


def symbol(name):
    """The SymPy symbol for a variable: real, so that simplification knows |x|² = x² and so on."""
    return sp.Symbol(name, real=True)


def as_number(expr):
    """A SymPy truth value as the number the graph computes with it: 1 where it holds, else 0."""
    truth = (sp.core.relational.Relational, sp.logic.boolalg.BooleanFunction, sp.logic.boolalg.BooleanAtom)
    return sp.Piecewise((1, expr), (0, True)) if isinstance(expr, truth) else expr   # (a Symbol is a Boolean too)


def _form(node, operands):
    """``node``'s SymPy form; where SymPy refuses a truth value in arithmetic (the derivative of maximum is
    ``heaviside(x - y) + equal_indicator(x, y)``), the operands are the numbers the graph computes with (True is 1)."""
    try:
        return node.op.sympy(*operands, **node.params)
    except TypeError:
        return node.op.sympy(*map(as_number, operands), **node.params)


def sympy_forms(graph, leaf, name=None):
    """SymPy expression of every node by id, ``leaf(node)`` giving those of inputs (and any node it
    returns one for); ``name(node, expr)``, when given, says what later nodes see instead of an
    operation's expression (a symbol, say). A value that involves no input must be a finite real
    number: ``ln 0`` or ``ln(-e)`` is a SymbolicError naming the node, not SymPy's ``zoo``."""
    exprs, fixed = {}, set()
    for node in graph.nodes:
        expr = leaf(node)
        if expr is None and node.is_const:
            expr = node.op.sympy(**node.params)
            fixed.add(node.id)
        elif expr is None:
            if node.op.sympy is None:
                raise SymbolicError(f"{node.op.name} has no SymPy form (at node {graph.label(node)}); "
                                    "symbolic differentiation works on scalar expressions")
            expr = _form(node, [exprs[i.id] for i in node.inputs])
            if all(i.id in fixed for i in node.inputs):
                fixed.add(node.id)
                if not (expr.is_extended_real and expr.is_finite):
                    raise SymbolicError(f"{definition(graph, node)} is {expr}, not a finite real number: "
                                        "the program is undefined there")
            elif name is not None:
                expr = name(node, expr)
        exprs[node.id] = expr
    return exprs


def expressions(graph, leaves=None):
    """SymPy expression of every node by id; ``leaves`` maps node ids to expressions to stop at."""
    leaves = dict(leaves or {})
    return sympy_forms(graph, lambda node: leaves.get(node.id, symbol(node.name) if node.is_input else None))


def to_sympy(graph, node=None):
    """The closed-form SymPy expression of ``node`` (default: the output) in the inputs."""
    node = graph.output if node is None else node
    return expressions(graph)[node.id]


def vsymbol(graph, node):
    """The symbol of a node in Baydin's numbering (``v-1``); a constant is its value."""
    if node.is_const:
        return node.op.sympy(**node.params)
    return symbol(graph.vnames.get(node.id, graph.label(node)))


def local_partial(graph, node, k, at=None):
    """∂node/∂(its k-th input) as SymPy, in terms of the node symbols (``cos v0`` for sin v0).

    ``at`` maps node ids to the expressions to use instead of the symbols (a closed
    form, or a user's name such as ``phi``), so sigmoid's partial reads ``phi·(1 - phi)``.
    """
    at = at or {}
    template, ans, xs = partial_template(graph, node, k)
    values = {ans: at.get(node.id, vsymbol(graph, node))}
    values.update({x: at.get(i.id, vsymbol(graph, i)) for x, i in zip(xs, node.inputs)})
    return template.xreplace(values)


_templates = {}


def partial_template(graph, node, k):
    """(∂ans/∂x_k in placeholder symbols, ans placeholder, x placeholders), cached per primitive and edge."""
    key = (node.op.name, k, len(node.inputs))
    if key not in _templates:
        partial = node.op.partials[k] if node.op.partials else None
        if partial is None:
            raise SymbolicError(f"{node.op.name} has no scalar local partial (at node {graph.label(node)}): "
                                "symbolic differentiation works on scalar programs of elementwise operations; "
                                "use reverse mode (--method reverse) for the others")
        ans = make_input("__ans", ())
        xs = [make_input(f"__x{i}", ()) for i in range(len(node.inputs))]
        p = partial(ans, *xs)
        syms = [sp.Dummy("ans"), *(sp.Dummy(f"x{i}") for i in range(len(xs)))]
        if hasattr(p, "op"):
            expr = expressions(Graph([p], [ans, *xs]), dict(zip((ans.id, *(x.id for x in xs)), syms)))[p.id]
        else:
            expr = sp.sympify(p)
        _templates[key] = (expr, syms[0], syms[1:])
    return _templates[key]
