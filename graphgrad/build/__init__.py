"""Builders: program strings, Python functions and variables, SymPy expressions -> graphs."""
from .program import parse
from .functions import grad, trace, value_and_grad, vars
