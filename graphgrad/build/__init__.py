"""Builders: program strings, Python functions and variables, SymPy expressions -> graphs."""
from .program import output_name, parse
from .functions import grad, trace, value_and_grad, vars
from .from_sympy import from_sympy
