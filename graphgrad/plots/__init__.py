"""Matplotlib figures for training (``graphgrad.viz.figures``: no display needed): curves, decision boundaries, frames."""
from ..viz.figures import save
from .curves import plot_history
from .boundary import BoundaryFrames, plot_decision_boundary
