"""Pictures that display themselves in Jupyter: ``show(graph)`` and ``repr_svg`` for ``Graph._repr_svg_``.

A notebook draws an SVG at its own size; ``fit`` lets a wide picture shrink to the cell instead of running off it.
"""
import functools
import html
import re

from ..errors import GraphgradError
from .draw import to_dot
from .html import inline_svg
from .render import render_source, svg


def fit(text):
    """An SVG document that scales down to the width it is shown in (its viewBox keeps the proportions)."""
    return re.sub(r"<svg\b", '<svg style="max-width:100%;height:auto"', text, count=1)


class Shown:
    """A drawn graph: DOT source that shows as SVG in a notebook and saves to any picture format."""

    def __init__(self, source, engine="dot", args=()):
        self.source, self.engine, self.args = source, engine, tuple(args)

    def _repr_svg_(self):
        return fit(svg(self.source, self.engine, self.args))

    def save(self, path, fmt=None, dpi=None):
        """Write the picture (DOT, SVG, PNG or PDF by the file's suffix; a PNG at ``dpi``, or filling a slide)."""
        return render_source(self.source, path, fmt, self.engine, self.args, dpi=dpi)

    def __str__(self):
        return self.source


def show(graph, values=None, **options):
    """``graph`` as a notebook picture; ``values`` (by input name) adds values and adjoints."""
    from .render import slide_dot
    return Shown(slide_dot(graph, values, **options))


def repr_svg(graph):
    """SVG of a bare graph for ``Graph._repr_svg_`` (None when no renderer is installed, so text shows)."""
    from .renderer import RendererError
    try:
        return fit(svg(to_dot(graph)))
    except RendererError:
        return None


def stepper(graph, values, **options):
    """A notebook widget stepping through the backprop frames of ``graph`` at ``values`` (needs ipywidgets).

    A play button and a slider choose the frame; the frame's picture and its trace row show below.
    ``options`` go to ``Frames`` (naming, precision, ...). Where the live widget cannot run (a saved
    notebook, a docs page) its output shows the first frame instead of ``VBox(...)``.
    """
    try:
        import ipywidgets as widgets
    except ImportError:
        raise GraphgradError("viz.stepper needs ipywidgets (pip install ipywidgets); without it, "
                             "Frames(graph, values).write(folder, 'html') writes a stepper page") from None
    from .frames import Frames
    from .renderer import require
    frames = Frames(graph, values, **options)
    renderer = require("svg")
    pictures = [fit(frames.render(i, "svg", renderer).decode("utf-8")) for i in range(len(frames))]
    play = widgets.Play(min=0, max=len(frames) - 1, interval=1200)
    slider = widgets.IntSlider(min=0, max=len(frames) - 1, description="step")
    widgets.jslink((play, "value"), (slider, "value"))
    shown = widgets.HTML(pictures[0])

    def turn(change):
        shown.value = pictures[change["new"]]
    slider.observe(turn, names="value")
    caption = html.escape(frames.frames[0].reveal.caption)
    still = f"<figure>{inline_svg(pictures[0])}<figcaption>{caption}</figcaption></figure>"
    return _with_still(widgets.VBox)([widgets.HBox([play, slider]), shown], still)


@functools.cache
def _with_still(box):
    """A subclass of the widget class ``box`` whose notebook output also carries a static HTML picture."""
    class Stepper(box):
        def __init__(self, children, still):
            super().__init__(children)
            self.still = still

        def _repr_mimebundle_(self, **kwargs):
            """The live widget's view, and ``still`` as text/html for whatever cannot run the widget."""
            return {**(super()._repr_mimebundle_(**kwargs) or {}), "text/html": self.still}
    return Stepper
