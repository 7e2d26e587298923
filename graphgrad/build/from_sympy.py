"""SymPy expressions -> graphs, written the way people write them.

SymPy's n-ary sums and products become chains of binary nodes, negative terms
become subtractions, factors with negative powers a division, ``x**(1/2)`` a square
root; numbers (``pi``, ``E``, ``1/3``) become constants. The walk is iterative, so
deep expressions are fine, and equal subexpressions become one node.
"""
import functools

from .. import ops
from ..errors import InputValueError, UnknownNameError
from ..graph import Graph
from ..lazy_sympy import sp


@functools.cache
def _functions():
    """(unary, n-ary): SymPy's functions -> graphgrad's primitives (built at first use: SymPy loads lazily)."""
    return ({sp.log: ops.ln, sp.exp: ops.exp, sp.sin: ops.sin, sp.cos: ops.cos, sp.tan: ops.tan,
             sp.tanh: ops.tanh, sp.Abs: ops.abs, sp.sign: ops.sign, sp.Heaviside: ops.heaviside},
            {sp.Max: ops.maximum, sp.Min: ops.minimum})


def from_sympy(expr, inputs=None, name=None):
    """The graph of a SymPy expression; ``inputs`` (names or symbols) fixes the input order, default by name.

    Functions with no graphgrad primitive raise UnknownNameError naming them.
    """
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        expr = sp.Float(expr) if isinstance(expr, float) else sp.Integer(expr)
    if not isinstance(expr, sp.Expr):
        raise InputValueError(f"from_sympy takes a SymPy expression, got {type(expr).__name__} {expr!r}; "
                              "for program text use graphgrad.parse")
    order = [str(s) for s in (sp.ordered(expr.free_symbols) if inputs is None else inputs)]
    missing = sorted(str(s) for s in expr.free_symbols if str(s) not in order)
    if missing:
        raise UnknownNameError(f"the expression uses {', '.join(missing)}, not among the inputs {', '.join(order)}")
    variables = {n: ops.input(n) for n in order}
    out = _convert(expr, variables)
    return Graph([out.named(name) if name else out], list(variables.values()))


def _convert(expr, variables):
    """Node for ``expr``, built bottom-up with an explicit stack."""
    done, plans, stack = {}, {}, [expr]
    while stack:
        e = stack[-1]
        if e in done:
            stack.pop()
            continue
        if e not in plans:
            plans[e] = _plan(e, variables)
        build, parts = plans[e]
        missing = [p for p in parts if p not in done]
        if missing:
            stack.extend(missing)
            continue
        stack.pop()
        done[e] = build(*(done[p] for p in parts))
    return done[expr]


def _plan(e, variables):
    """(build, parts): the subexpressions ``e`` needs as nodes, and how to combine them."""
    if e.is_Symbol:
        return (lambda: variables[str(e)]), []
    if not e.free_symbols:
        return (lambda: ops.const(_real(e))), []
    if e.is_Add:
        terms = sorted(e.as_ordered_terms(), key=lambda t: t.could_extract_minus_sign())  # y - x, not -x + y
        signs = [t.could_extract_minus_sign() for t in terms]
        if all(signs):
            return ops.neg, [-e]
        return (lambda *nodes: _chain_terms(nodes, signs)), [-t if s else t for t, s in zip(terms, signs)]
    if e.could_extract_minus_sign():
        return ops.neg, [-e]
    if e.is_Mul:
        num, den = [], []
        for f in e.as_ordered_factors():
            if f.is_Rational and f.q != 1:
                num.extend([sp.Integer(f.p)] if f.p != 1 else [])
                den.append(sp.Integer(f.q))
            elif f.is_Pow and f.exp.is_Number and f.exp.is_negative:
                den.append(f.base ** -f.exp)
            else:
                num.append(f)
        if not den:
            return _chain(ops.mul), num
        return (lambda *nodes: _fraction(nodes[:len(num)], nodes[len(num):])), [*num, *den]
    if e.is_Pow:
        base, power = e.args
        if power == sp.S.Half:
            return ops.sqrt, [base]
        if power.is_Number and power.is_negative:
            return (lambda b: ops.div(1, b)), [base ** -power]
        return ops.pow, [base, power]
    unary, nary = _functions()
    if e.func in unary:
        return unary[e.func], list(e.args)
    if e.func in nary:
        return _chain(nary[e.func]), list(e.args)
    known = sorted(["+", "-", "*", "/", "**", "sqrt", "pi", "E"] + [f.__name__ for f in (*unary, *nary)])
    raise UnknownNameError(f"no graphgrad primitive for SymPy's {e.func.__name__} in {e}; "
                           f"known: {', '.join(known)}")


def _real(e):
    value = complex(e)
    if value.imag:
        raise InputValueError(f"{e} is not a real number")
    return value.real


def _chain(op):
    def build(first, *rest):
        for node in rest:
            first = op(first, node)
        return first
    return build


def _chain_terms(nodes, negative):
    """t1 ± t2 ± ...: a sum of terms (the first one positive), subtracting those SymPy wrote with a minus sign."""
    total = nodes[0]
    for node, minus in zip(nodes[1:], negative[1:]):
        total = ops.sub(total, node) if minus else ops.add(total, node)
    return total


def _fraction(num, den):
    top = _chain(ops.mul)(*num) if num else ops.const(1)
    return ops.div(top, _chain(ops.mul)(*den))
