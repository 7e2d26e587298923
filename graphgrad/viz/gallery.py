"""Pictures for ``graphgrad demo``: each example's graph, backprop frames and HTML trace tables."""
from pathlib import Path

from ..build import parse
from ..traces import record
from .frames import Frames
from ..traces.html import trace_html
from .render import render
from ..files import atomic_write
from .renderer import INSTALL_HINT, find


def write_pictures(folder, examples):
    """Write each example's picture (both views), frames (SVG, and HTML stepper) and HTML trace into ``folder``.

    ``examples`` maps a file stem to ``(program, values)``.

    The frames go into a PDF too when the renderer writes PDF (Graphviz's dot); graphviz-pure's SVG and
    PNG are enough for the demo, so no PDF is no news.

    Returns (paths written, a one-line note when no renderer was found: then only DOT files are written).
    """
    folder = Path(folder)
    written, note = [], None
    renderer = find()
    for name, (program, values) in examples.items():
        graph = parse(program)
        written.append(atomic_write(folder / f"{name}_trace.html", trace_html(record(graph, values))))
        frames = Frames(graph, values)
        if renderer is None:
            written.append(render(graph, folder / f"{name}.dot", values, view="both"))
            written += frames.write(folder / f"{name}_frames", "dot")
            note = f"no Graphviz renderer found, wrote DOT only: {INSTALL_HINT}"
            continue
        for suffix in ("svg", "png"):
            written.append(render(graph, folder / f"{name}.{suffix}", values, view="both"))
        written += frames.write(folder / f"{name}_frames", "svg")
        written += frames.write(folder / f"{name}_frames", "html")
        if "pdf" in renderer.formats:
            written += frames.write(folder / f"{name}_frames", "pdf")
    return written, note
