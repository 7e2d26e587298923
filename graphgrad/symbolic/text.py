"""Formulas as text both ways: a user's formula (a claimed derivative, an assumption) read as SymPy, and
SymPy written as a slide writes it (``3·b``, ``x^2``).

The text goes through ``graphgrad.build.parse`` (Python's ``ast``, a fixed grammar),
never through ``sympify`` or ``eval``; its variables must be names of the program.
"""
from ..build import parse
from ..errors import ParseError, UnknownNameError
from ..lazy_sympy import sp
from .expressions import to_sympy


def plain(expr, order=None):
    """``expr`` as one line of slide text: ``3·b``, ``x^2`` (``order="none"`` keeps terms as built)."""
    return sp.sstr(expr, order=order).replace("**", "^").replace("*", "·")


def formula(text, names, where=None):
    """SymPy form of ``text``; every variable in it must be one of ``names`` (else UnknownNameError)."""
    graph = parse(text)
    unknown = [n for n in graph.input_names if n not in names]
    if unknown:
        raise UnknownNameError(f"unknown variable '{unknown[0]}' in {where or repr(text)}: the program's "
                               f"variables are {', '.join(names) or 'none'}")
    return to_sympy(graph)


def equation(text, names, where="assumption"):
    """(lhs, rhs) as SymPy from ``'lhs = rhs'``, e.g. ``'y1 + y2 + y3 = 1'``."""
    sides = text.split("=")
    if len(sides) != 2 or not all(s.strip() for s in sides):
        raise ParseError(f"{where} '{text}' is not an equation: write it as 'lhs = rhs', e.g. 'y1 + y2 + y3 = 1'")
    return tuple(formula(s, names, where=f"{where} '{text}'") for s in sides)
