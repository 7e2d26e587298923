"""Symbolic differentiation: graphs as SymPy, per-edge partials, closed-form gradients, checks."""
from .expressions import SymbolicError, expressions, local_partial, symbol, to_sympy, vsymbol
from .adjoints import EdgePartial, accumulate, adjoint_expressions, edge_partials, kept_nodes
from .gradients import adjoint_name, gradient, gradient_cse, gradient_function, wrt_inputs
from .size import expression_size, simplified
from .check import CheckReport, ClaimCheck, check
from .text import plain
