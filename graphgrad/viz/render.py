"""Writing pictures to files: DOT source always works; SVG, PNG and PDF go through a Graphviz program.

When no program can make the format asked for, the DOT source is still written
next to the requested file and the error says, in one line, how to get one.
"""
from pathlib import Path

from .draw import to_dot
from ..files import atomic_write
from .renderer import FORMATS, RendererError, require


def format_of(path, fmt=None):
    """The output format: ``fmt`` if given, else the file's suffix (``.gv`` counts as DOT)."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    fmt = "dot" if fmt == "gv" else fmt
    if fmt not in FORMATS:
        raise RendererError(f"unknown picture format '{fmt}' for {path}; use one of: {', '.join(FORMATS)}")
    return fmt


PINNED = ("neato", ("-n2",))  # engine and arguments for sources whose nodes and edges carry positions


def render_source(source, path, fmt=None, engine="dot", args=()):
    """Write DOT ``source`` to ``path`` as DOT, SVG, PNG or PDF; returns the path written."""
    fmt = format_of(path, fmt)
    path = Path(path)
    if fmt == "dot":
        return atomic_write(path, source)
    try:
        renderer = require(fmt)
    except RendererError as exc:
        fallback = path.with_suffix(".dot")
        atomic_write(fallback, source)
        raise RendererError(f"{exc} (wrote the DOT source to {fallback})") from None
    return atomic_write(path, renderer.run(source, fmt, engine, args))


def svg(source, engine="dot", args=()):
    """The SVG text of DOT ``source``."""
    return require("svg").run(source, "svg", engine, args).decode("utf-8")


def render(graph, path, values=None, fmt=None, **options):
    """Draw ``graph`` (evaluated at ``values`` if given) to ``path``; options as for ``to_dot``/``Style``."""
    return render_source(to_dot(graph, values, **options), path, fmt)
