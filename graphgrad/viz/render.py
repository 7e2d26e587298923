"""Writing pictures to files: DOT source always works; SVG, PNG and PDF go through a Graphviz program.

When no program can make the format asked for, the DOT source is still written
next to the requested file and the error says, in one line, how to get one.
"""
import json
import math
from pathlib import Path

from .draw import LARGE, Layout, in_ranks, to_dot
from ..files import atomic_write
from .renderer import FORMATS, RendererError, find, require


def format_of(path, fmt=None, formats=FORMATS):
    """The output format: ``fmt`` if given, else the file's suffix (``.gv`` counts as DOT)."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    fmt = "dot" if fmt == "gv" else fmt
    if fmt not in formats:
        raise RendererError(f"unknown picture format '{fmt}' for {path}; use one of: {', '.join(formats)}")
    return fmt


PINNED = ("neato", ("-n2",))  # engine and arguments for sources whose nodes and edges carry positions
SLIDE = (1920, 1080)          # a full-HD slide: by default a PNG is scaled to fill it
MAX_DPI = 1200


def raster_args(fmt, dpi=None):
    """Graphviz arguments for ``fmt``: a PNG at ``dpi`` dots per inch, or (None) scaled to fill a 1920×1080 slide."""
    if fmt != "png":
        return ()
    if dpi is None:
        return ("-Gdpi=96", f"-Gsize={SLIDE[0] / 96:g},{SLIDE[1] / 96:g}!")
    if not isinstance(dpi, (int, float)) or not 0 < dpi <= MAX_DPI:
        raise RendererError(f"dpi must be a number above 0 and at most {MAX_DPI}, got {dpi!r}")
    return (f"-Gdpi={dpi:g}",)


def render_source(source, path, fmt=None, engine="dot", args=(), dpi=None):
    """Write DOT ``source`` to ``path`` as DOT, SVG, PNG or PDF; returns the path written.

    A PNG is drawn at ``dpi`` dots per inch, or by default scaled to fill a 1920×1080 slide.
    """
    fmt = format_of(path, fmt)
    path = Path(path)
    if fmt == "dot":
        return atomic_write(path, source)
    extra = raster_args(fmt, dpi)
    try:
        renderer = require(fmt)
    except RendererError as exc:
        fallback = path.with_suffix(".dot")
        atomic_write(fallback, source)
        raise RendererError(f"{exc} (wrote the DOT source to {fallback})") from None
    try:
        drawn = renderer.run(source, fmt, engine, (*args, *extra))
    except RendererError as exc:
        raise RendererError(f"cannot draw {path}: {exc}") from None
    return atomic_write(path, drawn)


def layout_of(source, renderer):
    """Positions of every node and edge (by DOT ``id``) from one ``dot`` layout of ``source``."""
    data = json.loads(renderer.run(source, "json"))
    objects = data.get("objects", [])
    nodes = {o["id"]: (o["pos"], o["width"], o["height"]) for o in objects if "pos" in o and "id" in o}
    edges = {e["id"]: (e["pos"], e.get("lp")) for e in data.get("edges", []) if "pos" in e and "id" in e}
    return Layout(nodes, edges, data["bb"])


def svg(source, engine="dot", args=()):
    """The SVG text of DOT ``source``."""
    return require("svg").run(source, "svg", engine, args).decode("utf-8")


def render(graph, path, values=None, fmt=None, dpi=None, **options):
    """Draw ``graph`` (evaluated at ``values`` if given) to ``path``; options as for ``to_dot``/``Style``.

    The format is the file's suffix: SVG, PNG, PDF, DOT, or ``.tex`` for a TikZ picture on Graphviz's
    layout. ``dpi`` sets a PNG's resolution; by default a PNG fills a 1920×1080 slide.
    """
    if format_of(path, fmt, (*FORMATS, "tex")) == "tex":
        from .tikz import tikz
        return atomic_write(Path(path), tikz(graph, values, **options))
    return render_source(slide_dot(graph, values, **options), path, fmt, dpi=dpi)


def aspect_miss(source, renderer):
    """How far (as a log ratio) the layout of DOT ``source`` is from a 16:9 slide."""
    x0, y0, x1, y1 = (float(v) for v in json.loads(renderer.run(source, "json"))["bb"].split(","))
    return abs(math.log((x1 - x0) / max(y1 - y0, 1.0) / (SLIDE[0] / SLIDE[1])))


def slide_dot(graph, values=None, **options):
    """DOT of ``graph``; a large graph in ranks whose direction is left to graphgrad goes the way (LR or TB)
    nearer 16:9."""
    style = options.get("style")
    chosen = options.get("direction") or (style.direction if style is not None else "auto")
    renderer = find()
    if chosen != "auto" or len(graph.nodes) <= LARGE or renderer is None or not in_ranks(graph):
        return to_dot(graph, values, **options)
    sources = [to_dot(graph, values, **{**options, "direction": d}) for d in ("LR", "TB")]
    return min(sources, key=lambda source: aspect_miss(source, renderer))
