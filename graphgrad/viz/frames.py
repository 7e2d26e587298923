"""Step-by-step pictures of backprop: the forward pass node by node, then the backward pass adjoint by adjoint.

The steps are the rows of ``graphgrad.traces.record`` (so the captions read
like Baydin et al.'s table, accumulation rows included). The graph is laid
out once, with every field and edge label shown; each frame pins nodes and
edges where that layout put them (``neato -n2``), so slides do not jump.
Frames are written as numbered SVG/PNG/DOT files, one multi-page PDF, or one
self-contained HTML page that steps through them.
"""
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import GraphgradError
from ..traces import record
from ..traces.formats import cells
from .draw import Reveal, to_dot
from ..files import atomic_write
from .render import PINNED, layout_of, raster_args
from .renderer import require
from .style import Style
from .values import evaluate

FRAME_FORMATS = ("svg", "png", "pdf", "html", "gif", "beamer", "dot")
MAX_FRAMES = 400
GIF_DPI = 96           # an animated GIF for web pages and chat: natural size, not slide size
GIF_SECONDS = 1.2      # how long each frame shows


@dataclass
class Frame:
    """One picture: what it reveals, the trace row it shows and that row's place in the trace."""
    reveal: Reveal
    phase: str        # "forward" or "backward"
    row: object       # a traces Row or AdjointRow
    index: int        # the row's index in trace.forward or trace.reverse


def row_text(trace, row):
    """``v1 = ln v-1 = ln 2 = 0.693``: a trace row on one line."""
    return " = ".join(c for c in cells(trace, row) if c)


def steps(trace):
    """Forward rows that compute a node (each node once), then reverse rows that set an adjoint."""
    seen, forward = set(), []
    for i, row in enumerate(trace.forward):
        if row.node is not None and row.node.id not in seen and not row.node.is_const:
            seen.add(row.node.id)
            forward.append((i, row))
    backward = [(j, row) for j, row in enumerate(trace.reverse) if j == 0 or row.source is not None]
    return forward, backward


def build(trace):
    """The frames of ``trace``: what each one reveals and its caption."""
    forward, backward = steps(trace)
    total = len(forward) + len(backward)
    if total > MAX_FRAMES:
        raise GraphgradError(f"{total} steps is too many frames to step through (at most {MAX_FRAMES}); "
                             "draw a smaller graph or use `graphgrad render` for one picture")
    frames, known = [], set()
    for step, (i, row) in enumerate(forward, 1):
        known.add(row.node.id)
        edges = {(row.node.id, k) for k in range(len(row.node.inputs))}
        caption = f"Step {step}/{total} · forward: {row_text(trace, row)}"
        frames.append(Frame(Reveal(set(known), {}, row.node.id, edges, set(), caption, "forward"),
                            "forward", row, i))
    adjoint, labelled, used = {}, set(), {}
    for step, (j, row) in enumerate(backward, len(forward) + 1):
        adjoint[row.node.id] = row.value
        edges = set()
        if row.source is not None:
            k = _argument_index(row, used)
            edges = {(row.source.id, k)}
            labelled |= edges
        caption = f"Step {step}/{total} · backward: {row_text(trace, row)}"
        frames.append(Frame(Reveal(set(known), dict(adjoint), row.node.id, edges, set(labelled), caption,
                                   "backward"), "backward", row, j))
    return frames


def _argument_index(row, used):
    """Which argument of ``row.source`` the row's node is (the n-th use when it is used twice)."""
    key = (row.source.id, row.node.id)
    ks = [k for k, arg in enumerate(row.source.inputs) if arg is row.node]
    n = used.get(key, 0)
    used[key] = n + 1
    return ks[min(n, len(ks) - 1)]


class Frames:
    """The step-by-step pictures of ``graph`` at ``values``; ``write`` puts them into a folder."""

    def __init__(self, graph, values, style=None, places=None, naming="baydin", **options):
        self.style = (style or Style()).but(view="both", **options)
        if self.style.notation == "partial":
            raise GraphgradError("frames write adjoints as their captions and trace table do, barred (v̄2, or ū "
                                 "with naming='user'); the partial notation (dJ/du) is for single pictures")
        self.style = self.style.but(notation="bar", naming=naming)  # one notation: the nodes say what captions say
        places = self.style.precision if places is None else places
        self.style = self.style.but(precision=places)
        self.graph = graph
        self.trace = record(graph, values, places=places, naming=naming)  # captions: v1 = ... or u = ...
        self.data = evaluate(graph, values)
        self.frames = build(self.trace)
        self._layout = None

    def __len__(self):
        return len(self.frames)

    def layout(self, renderer):
        """The one layout every frame uses: the fullest picture, with the longest caption's room."""
        if self._layout is None:
            full = self.everything(max((f.reveal.caption for f in self.frames), key=len))
            layout = layout_of(to_dot(self.graph, self.data, self.style, reveal=full), renderer)
            back = self.style.but(view="backward", fields=self.style.shown)
            layout.back_edges = layout_of(to_dot(self.graph, self.data, back, reveal=full), renderer).edges
            self._layout = layout
        return self._layout

    def everything(self, caption=""):
        """A reveal of every value, adjoint and edge label: the fullest picture, which fixes the layout."""
        return Reveal(set(self.data.values), dict(self.data.adjoints), None, set(),
                      {(n.id, k) for n in self.graph.nodes for k in range(len(n.inputs))}, caption)

    def dot(self, i, renderer=None):
        """DOT source of frame ``i`` (pinned to the shared layout when a renderer is given)."""
        layout = self.layout(renderer) if renderer is not None else None
        return to_dot(self.graph, self.data, self.style, reveal=self.frames[i].reveal, layout=layout)

    def render(self, i, fmt, renderer, dpi=None):
        engine, args = PINNED
        return renderer.run(self.dot(i, renderer), fmt, engine, (*args, *raster_args(fmt, dpi)))

    def write(self, folder, fmt="svg", stem="frame", dpi=None):
        """Write the frames into ``folder`` as ``fmt``; returns the paths written (PNGs at ``dpi``, or slide-sized)."""
        if fmt not in FRAME_FORMATS:
            raise GraphgradError(f"unknown frame format '{fmt}'; use one of: {', '.join(FRAME_FORMATS)}")
        folder = Path(folder)
        width = len(str(len(self.frames)))
        if fmt == "dot":
            sources = [self.dot(i) for i in range(len(self))]
            _remove_numbered(folder, stem)
            return [atomic_write(folder / f"{stem}_{i + 1:0{width}d}.dot", s) for i, s in enumerate(sources)]
        renderer = require("pdf" if fmt == "pdf" else "svg")
        if fmt == "pdf":
            return [atomic_write(folder / f"{stem}s.pdf", self._pdf(renderer))]
        if fmt == "beamer":
            from .tikz import beamer
            return [atomic_write(folder / f"{stem}s.tex", beamer(self, renderer))]
        if fmt == "gif":
            return [atomic_write(folder / f"{stem}s.gif", self._gif(renderer, GIF_DPI if dpi is None else dpi))]
        if fmt == "html":
            from .html import stepper
            svgs = [self.render(i, "svg", renderer).decode("utf-8") for i in range(len(self))]
            page = stepper(svgs, [f.reveal.caption for f in self.frames], self.trace,
                           [(f.phase, f.index) for f in self.frames])
            return [atomic_write(folder / f"{stem}s.html", page)]
        blobs = [self.render(i, fmt, renderer, dpi) for i in range(len(self))]
        _remove_numbered(folder, stem)
        return [atomic_write(folder / f"{stem}_{i + 1:0{width}d}.{fmt}", b) for i, b in enumerate(blobs)]

    def _gif(self, renderer, dpi):
        """One animated GIF with a frame per step, looping (PNGs from Graphviz, joined with Pillow)."""
        from PIL import Image
        images = [Image.open(io.BytesIO(self.render(i, "png", renderer, dpi))).convert("RGB") for i in range(len(self))]
        out = io.BytesIO()
        images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=int(GIF_SECONDS * 1000), loop=0)
        return out.getvalue()

    def _pdf(self, renderer):
        """One PDF with a page per frame (each page from ``dot -Tpdf``, joined with pypdf)."""
        from pypdf import PdfReader, PdfWriter
        writer = PdfWriter()
        for i in range(len(self)):
            writer.append(PdfReader(io.BytesIO(self.render(i, "pdf", renderer))))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def _remove_numbered(folder, stem):
    """Remove the numbered frames (``frame_07.svg``) an earlier run left in ``folder``, and nothing else, so
    a shorter run does not leave a mix; called once the new frames are made."""
    numbered = re.compile(rf"{re.escape(stem)}_\d+\.(?:svg|png|dot)")
    if folder.is_dir():
        for path in folder.iterdir():
            if numbered.fullmatch(path.name) and path.is_file() and not path.is_symlink():
                path.unlink()


def write_frames(graph, values, folder, fmt="svg", dpi=None, **options):
    """Step-by-step frames of ``graph`` at ``values`` written into ``folder``; returns the paths."""
    return Frames(graph, values, **options).write(folder, fmt, dpi=dpi)
