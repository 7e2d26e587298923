"""Symbolic differentiation: graphs as SymPy, per-edge partials, closed-form gradients, checks."""
from .expressions import SymbolicError, expressions, local_partial, symbol, to_sympy, vsymbol
