"""Symbolic differentiation: graphs as SymPy, per-edge partials, closed-form gradients, checks."""
from .expressions import SymbolicError, expressions, local_partial, symbol, to_sympy, vsymbol
from .adjoints import EdgePartial, accumulate, adjoint_expressions, edge_partials, kept_nodes
from .gradients import expression_size, gradient, gradient_cse, gradient_function
from .check import CheckReport, ClaimCheck, check
