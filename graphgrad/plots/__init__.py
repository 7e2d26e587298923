"""Matplotlib figures for training (Agg canvas, no display needed): curves, decision boundaries, frames."""
from .figures import save
from .curves import plot_history
from .boundary import BoundaryFrames, plot_decision_boundary
