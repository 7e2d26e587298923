"""Matplotlib figures on the Agg canvas (never pyplot's global state) and atomic saving as PNG, SVG or PDF.

A PNG fills a slide as the Graphviz renders do; the broadcasting pictures and ``graphgrad.plots`` draw on these.
"""
import io
import os

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import UnknownNameError
from ..files import atomic_write
from .render import SLIDE

FORMATS = ("png", "svg", "pdf")


def new_figure(width=6.0, height=4.0, ncols=1):
    """A Figure with an Agg canvas and ``ncols`` axes side by side."""
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def save(fig, path, dpi=None):
    """Write ``fig`` to ``path`` (format from the extension: .png, .svg or .pdf) via a temporary file.

    A PNG is ``dpi`` dots per inch, or by default as wide as a full-HD slide (1920 px), like the Graphviz renders.
    """
    fmt = os.path.splitext(str(path))[1].lstrip(".").lower()
    if fmt not in FORMATS:
        raise UnknownNameError(f"unknown figure format '{fmt or path}': the known formats are {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi or SLIDE[0] / fig.get_figwidth())
    return atomic_write(path, buffer.getvalue())
