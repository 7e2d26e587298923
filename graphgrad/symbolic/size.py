"""How big a SymPy expression is, measured without recursion, and simplification that knows when to stop."""
from ..lazy_sympy import sp

SIMPLIFY_OPS = 100  # sympy.simplify's time grows exponentially past about this many operations


def expression_size(exprs):
    """(operations written out as trees, distinct operations when shared), counted without recursion."""
    tree = {}
    stack = list(exprs)
    while stack:
        e = stack[-1]
        if e in tree:
            stack.pop()
            continue
        pending = [a for a in e.args if a not in tree]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        tree[e] = (1 if e.args else 0) + sum(tree[a] for a in e.args)
    return sum(tree[e] for e in exprs), sum(1 for e in tree if e.args)


def simplified(expr):
    """``sympy.simplify(expr)`` when it is small enough to finish quickly, else ``expr`` as it is."""
    return sp.simplify(expr) if expression_size([expr])[0] <= SIMPLIFY_OPS else expr
