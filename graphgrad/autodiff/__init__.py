"""Automatic differentiation as graph transforms: reverse (adjoint) and forward (tangent)."""
from .reverse import adjoints, grad_graph
from .forward import directional, jacobian, jvp_graph
