"""Pictures for ``graphgrad demo``: each example's graph, backprop frames and HTML trace tables."""
from pathlib import Path

from ..build import parse
from ..traces import record
from .frames import Frames
from .html import trace_html
from .render import render
from ..files import atomic_write
from .renderer import RendererError, find

def write_pictures(folder, examples):
    """Write each example's picture (both views), frames (SVG, and HTML stepper) and HTML trace into ``folder``.

    ``examples`` maps a file stem to ``(program, values)``.

    Returns (paths written, a one-line note when no renderer was found: then only DOT files are written).
    """
    folder = Path(folder)
    written, note = [], None
    for name, (program, values) in examples.items():
        graph = parse(program)
        written.append(atomic_write(folder / f"{name}_trace.html", trace_html(record(graph, values))))
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
