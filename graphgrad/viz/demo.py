"""Pictures for ``graphgrad demo``: backprop frames of J = 3(ab + c) and Baydin's graph and tables."""
from pathlib import Path

from ..build import parse
from ..traces import record
from .frames import Frames
from .html import trace_html
from .render import render
from .renderer import RendererError, find, write_atomic

EXAMPLES = {
    "backprop_J": ("u = a*b; v = u + c; J = 3*v", {"a": 5.0, "b": 4.0, "c": 1.0}),
    "baydin": ("y = ln(x1) + x1*x2 - sin(x2)", {"x1": 2.0, "x2": 5.0}),
}


def write_pictures(folder):
    """Write each example's picture (both views), frames (SVG, and HTML stepper) and HTML trace into ``folder``.

    Returns (paths written, a one-line note when no renderer was found: then only DOT files are written).
    """
    folder = Path(folder)
    written, note = [], None
    for name, (program, values) in EXAMPLES.items():
        graph = parse(program)
        written.append(write_atomic(folder / f"{name}_trace.html", trace_html(record(graph, values))))
        frames = Frames(graph, values)
        if find() is None:
            written.append(render(graph, folder / f"{name}.dot", values, view="both"))
            written += frames.write(folder / f"{name}_frames", "dot")
            note = "no Graphviz renderer found, wrote DOT only: pip install graphviz-pure or apt-get install graphviz"
            continue
        for suffix in ("svg", "png"):
            written.append(render(graph, folder / f"{name}.{suffix}", values, view="both"))
        written += frames.write(folder / f"{name}_frames", "svg")
        written += frames.write(folder / f"{name}_frames", "html")
        try:
            written += frames.write(folder / f"{name}_frames", "pdf")
        except RendererError as exc:
            note = str(exc)
    return written, note
