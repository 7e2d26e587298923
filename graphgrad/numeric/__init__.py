"""Numeric differentiation by finite differences, and the four-way comparison of methods."""
from .finite_differences import default_step, error_vs_step, gradient
from .compare import METHODS, Comparison, compare, differentiate
