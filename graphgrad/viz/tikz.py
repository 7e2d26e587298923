r"""TikZ and Beamer: a graph as a TikZ picture on Graphviz's layout, and backprop as one Beamer frame.

Graphviz lays out the same DOT that ``render`` draws; node boxes, edge curves,
colours and label places are copied into TikZ, and every label is typeset in
LaTeX math (v̄ as ``\bar{v}``, partials as ``\frac{\partial v_5}{\partial v_4}``).
Each file compiles alone with pdflatex, and can also be ``\input`` into a document
(or a Beamer deck) that loads TikZ.
"""
import json

from ..errors import GraphgradError
from ..graph.printing import decimals, inline, latex_name, latex_text
from .draw import SMALL, Reveal, picture, tex_number, to_dot
from .renderer import require

# The file is a whole document when compiled alone, and only its picture when \input by a document.
STANDALONE = r"""%% {what}
%% Compile it alone with pdflatex, or \input it in a document that loads tikz (and the arrows.meta library).
\expandafter\ifx\csname @twoclasseserror\endcsname\documentclass
\let\ggbegin\relax\let\ggend\relax
\else
\documentclass{cls}
\usepackage{{tikz}}
\usetikzlibrary{{arrows.meta}}
{preamble}\def\ggbegin{{{begin}}}
\def\ggend{{{end}}}
\fi
\ggbegin
{body}
\ggend
"""
# A page exactly the size of the picture (as the standalone class makes, without needing it).
TIGHT_PAGE = (r"\begin{document}\setbox0=\hbox\bgroup",
              r"\egroup\pdfpagewidth=\wd0 \pdfpageheight=\ht0 \advance\pdfpageheight by \dp0 "
              r"\pdfhorigin=0pt \pdfvorigin=0pt \shipout\box0 \end{document}")
# A 16:9 Beamer frame is 453.5 × 255.1 bp; the picture may span it less 10 bp a side, under the title and
# above a two-line caption.
SLIDE_BOX = (433.0, 175.0)
# The smallest text of a picture on a slide: 6.5 pt on a 453.5 bp-wide frame is 14 pt on a 13.33-inch
# PowerPoint slide, the usual floor for projected text (node text is then 8.1 pt, i.e. 17.5 pt there).
MIN_TEXT = 6.5
FIT_TRIES = 4     # layouts tried, each with a font 25% larger, until the smallest text is MIN_TEXT on the slide


def _xy(text):
    x, y = text.split(",")[:2]
    return float(x), float(y)


def _pt(p):
    return f"({p[0]:.1f},{p[1]:.1f})"


def _curve(pos):
    """A Graphviz spline (``s,x,y e,x,y p0 p1 ...``) as a TikZ path, and its arrow tips (``{Stealth}-`` ...)."""
    start = end = None
    points = []
    for item in pos.split():
        if item.startswith("s,"):
            start = _xy(item[2:])
        elif item.startswith("e,"):
            end = _xy(item[2:])
        else:
            points.append(_xy(item))
    path = _pt(points[0]) + "".join(f" .. controls {_pt(a)} and {_pt(b)} .. {_pt(c)}"
                                    for a, b, c in zip(points[1::3], points[2::3], points[3::3]))
    if start:
        path = f"{_pt(start)} -- {path}"
    if end:
        path = f"{path} -- {_pt(end)}"
    return path, ("{Stealth}" if start else "") + "-" + ("{Stealth}" if end else "")


def _tie(edge, colour):
    """The line Graphviz draws under an edge's label and on to its edge (``decorate``), as a TikZ path, or ""."""
    lines = [op["points"] for op in edge.get("_ldraw_", []) if op.get("op") == "L"]
    return "".join(rf" \draw[draw={colour}, line width=0.6bp] " + " -- ".join(_pt(p) for p in points) + ";"
                   for points in lines)


class Colours:
    """The colours a picture uses, each defined once as ``\\definecolor{ggN}{HTML}{...}``."""

    def __init__(self):
        self.names = {}

    def __call__(self, hex_colour):
        key = hex_colour.lstrip("#").upper()[:6]
        return self.names.setdefault(key, f"gg{len(self.names)}")

    def definitions(self):
        return "\n".join(rf"\definecolor{{{n}}}{{HTML}}{{{k}}}" for k, n in self.names.items())


def _font_size(points):
    r"""``\fontsize{11.2}{13.4}\selectfont``: text of ``points`` points (before the picture is scaled)."""
    return rf"\fontsize{{{points:.1f}}}{{{points * 1.2:.1f}}}\selectfont"


def _line(line, colours, style):
    """One label line in LaTeX, coloured and sized as the DOT picture draws it."""
    c = style.colour
    if line.kind == "name":
        aside = (rf"\ {{\color{{{colours(c('const'))}}}{_font_size(style.fontsize * SMALL)}${line.aside_tex}$}}"
                 if line.aside_tex else "")
        return rf"{{\boldmath${line.tex}$}}{aside}"
    if line.kind == "expr":
        return f"${line.tex}$"
    hue = {"symbolic": "const", "shape": "const", "value": "value", "adjoint": "adjoint"}[line.kind]
    bold = r"\boldmath" if line.known and line.kind in ("value", "adjoint") else ""
    return rf"{{\color{{{colours(c(hue if line.known else 'dim'))}}}{bold}${line.tex}$}}"


def _lines(pic, node, colours, steps=None):
    r"""A node's label lines joined by ``\\``; with ``steps`` (line kind -> overlay) unknown values wait for theirs."""
    out = []
    for known, hidden in zip(pic.lines(node), pic.lines(node, Reveal())):
        text = _line(known, colours, pic.style)
        if steps and known.kind in steps:
            text = rf"\alt<{steps[known.kind]}->{{{text}}}{{{_line(hidden, colours, pic.style)}}}"
        out.append(text)
    return r" \\ ".join(out)


class TikzPicture:
    """A graph laid out by Graphviz and drawn in TikZ (``source()``), optionally with Beamer overlays."""

    def __init__(self, pic, title=None, reveal=None, renderer=None, highlight=()):
        """Lay ``pic`` out as ``render`` would (as ``reveal`` shows it, when given) with ``title`` above."""
        self.pic, self.title, self.colours = pic, title, Colours()
        source = to_dot(pic.graph, pic.data, pic.style, reveal=reveal, title=title, highlight=highlight)
        self.layout = json.loads((renderer or require("json")).run(source, "json"))

    @property
    def bb(self):
        x0, y0, x1, y1 = (float(v) for v in self.layout["bb"].split(","))
        return x1 - x0, y1 - y0

    def objects(self):
        """Graphviz's laid-out nodes by DOT id, with their attributes."""
        return {o["id"]: o for o in self.layout.get("objects", []) if "id" in o and "pos" in o}

    def node_commands(self, steps=None):
        """One ``\\node`` per graph node, at Graphviz's place and size, in its colours."""
        pic, out, objects = self.pic, [], self.objects()
        for node in pic.graph.nodes:
            o = objects.get(f"n{node.id}")
            if o is None:
                continue
            x, y = _xy(o["pos"])
            w, h = float(o["width"]) * 72, float(o["height"]) * 72
            if node.is_const:
                value = pic.style.number(node.params["value"]) if node.size <= 6 else f"const {node.shape}"
                colour = self.colours(o.get("fontcolor", "#000000"))
                out.append(rf"\node[text={colour}] (n{node.id}) at ({x:.1f},{y:.1f}) {{${tex_number(value)}$}};")
                continue
            fill, line = self.colours(o["fillcolor"]), self.colours(o["color"])
            label = _lines(pic, node, self.colours, steps=(steps or {}).get(node.id))
            out.append(rf"\node[gg box, fill={fill}, draw={line}, line width={float(o.get('penwidth', 1.2)):.1f}bp, "
                       rf"minimum width={w:.1f}bp, minimum height={h:.1f}bp] "
                       rf"(n{node.id}) at ({x:.1f},{y:.1f}) {{{label}}};")
        return out

    def edge_commands(self, label_from=None):
        """One ``\\draw`` per edge along Graphviz's spline, with its local partial in LaTeX at Graphviz's label place."""
        pic, out = self.pic, []
        edges = {e["id"]: e for e in self.layout.get("edges", []) if "id" in e and "pos" in e}
        for node in pic.graph.nodes:
            for k, arg in enumerate(node.inputs):
                e = edges.get(f"e{node.id}_{k}")
                if e is None:
                    continue
                path, tip = _curve(e["pos"])
                dash = {"dashed": ", dashed", "dotted": ", dotted"}.get(e.get("style", ""), "")
                colour = self.colours(e.get("color", "#000000"))
                out.append(rf"\draw[{tip}, draw={colour}, line width={float(e.get('penwidth', 1)):.1f}bp{dash}] "
                           f"{path};")
                text = pic.edge_label(node, k, "latex") if "lp" in e and not arg.is_const else ""
                if text and (label_from is None or (node.id, k) in label_from):
                    hue = self.colours(e.get('fontcolor', '#000000'))
                    command = (rf"\node[gg label, text={hue}] "
                               rf"at ({_xy(e['lp'])[0]:.1f},{_xy(e['lp'])[1]:.1f}) {{${text}$}};" + _tie(e, hue))
                    if label_from is not None:
                        command = rf"\uncover<{label_from[(node.id, k)]}->{{{command}}}"
                    out.append(command)
        return out

    def title_command(self):
        if not self.title or "lp" not in self.layout:
            return []
        x, y = _xy(self.layout["lp"])
        return [rf"\node[anchor=west, font=\large] at ({x - float(self.layout.get('lwidth', 0)) * 36:.1f},{y:.1f}) "
                rf"{{{latex_text(self.title)}}};"]

    def styles(self):
        font = self.pic.style.fontsize
        return (rf"x=1bp, y=1bp, gg box/.style={{rounded corners=4bp, line width=1.2bp, align=center, inner sep=1bp, "
                rf"font={_font_size(font)}}}, "
                rf"gg label/.style={{font={_font_size(font * SMALL)}, inner sep=1bp, "
                rf"fill=white, fill opacity=0.85, text opacity=1}}")

    def source(self, scale=None, steps=None, label_from=None, extra=()):
        """The ``tikzpicture`` environment: nodes, edges, labels and the title (``extra`` commands drawn last)."""
        body = self.edge_commands(label_from) + self.node_commands(steps) + self.title_command() + list(extra)
        options = self.styles() + (f", scale={scale:.3f}, every node/.append style={{transform shape}}" if scale else "")
        return "\n".join([rf"\begin{{tikzpicture}}[{options}]", *body, r"\end{tikzpicture}%"])


def tikz(graph, values=None, title=None, highlight=(), **options):
    """A standalone TikZ picture of ``graph`` (LaTeX source): compiles with pdflatex, \\input-able in a slide."""
    pic = picture(graph, values, **options)
    drawing = TikzPicture(pic, title, highlight=highlight)
    body = drawing.source()
    return STANDALONE.format(what="A graphgrad picture (TikZ, laid out by Graphviz).", cls="{article}",
                             preamble="", begin=TIGHT_PAGE[0], end=TIGHT_PAGE[1],
                             body=drawing.colours.definitions() + "\n" + body)


BEAMER_PREAMBLE = r"""\setbeamertemplate{navigation symbols}{}
"""


def _caption(trace, frame, step, total):
    r"""``Step 3/12, forward: $v_{1} = \ln v_{-1} = \ln 2 = 0.693$``: a frame's trace row in LaTeX."""
    row = frame.row
    value = tex_number(decimals(row.value, trace.places))
    cells = [row.tex[0], *(c for c in row.tex[1:] if c and c != value), value]
    return rf"Step {step}/{total}, {frame.phase}: ${' = '.join(cells)}$"


def _fit(frames, renderer):
    """The frames' fullest picture and the scale that fits it to ``SLIDE_BOX`` with no text under ``MIN_TEXT``.

    Shrinking a wide graph to the frame shrinks its text too; a larger font grows the boxes but not the
    space between them, so the layout is redone with a larger font until the smallest text (edge labels)
    is ``MIN_TEXT`` on the slide. A graph too large for that is refused, not drawn unreadably small.
    """
    for i in range(FIT_TRIES):
        style = frames.style.but(fontsize=frames.style.fontsize * 1.25 ** i)
        drawing = TikzPicture(picture(frames.graph, frames.data, style), reveal=frames.everything(), renderer=renderer)
        width, height = drawing.bb
        scale = min(SLIDE_BOX[0] / width, SLIDE_BOX[1] / height)
        smallest = style.fontsize * SMALL * scale
        if smallest >= MIN_TEXT:
            return drawing, scale
    raise GraphgradError(f"the graph is too large for one Beamer frame with text of at least {MIN_TEXT:g} pt "
                         f"(its labels would be {smallest:.1f} pt); step through it as a PDF or HTML instead "
                         "(--format pdf or html)")


def _as_written(graph):
    r"""The graph's program as the user typed it (``\texttt{J = 3*(a*b + c)}``), else its output's formula."""
    if graph.source:
        return rf"\texttt{{{latex_text(graph.source)}}}"
    out = graph.output
    return rf"${latex_name(graph.label(out))} = {inline(graph, out, 'latex')}$"


def beamer(frames, renderer=None):
    """One Beamer frame whose overlays step through ``frames`` (a ``Frames``): forward, then backward.

    Slide n shows frame n on one fixed layout: values and adjoints appear when computed,
    the current node is ringed, the edges carrying the step are drawn bold, and the
    step's trace row is the caption.
    """
    drawing, scale = _fit(frames, renderer)
    steps, label_from, extra, captions = {}, {}, [], []
    edges = {e["id"]: e for e in drawing.layout.get("edges", []) if "id" in e and "pos" in e}
    current = frames.style.colour("current")
    total = len(frames)
    for n, frame in enumerate(frames.frames, 1):
        reveal = frame.reveal
        for nid in reveal.values:
            steps.setdefault(nid, {}).setdefault("value", n)
        for nid in reveal.adjoints:
            steps.setdefault(nid, {}).setdefault("adjoint", n)
        for key in reveal.partials:
            label_from.setdefault(key, n)
        if reveal.current is not None:
            extra.append(rf"\only<{n}>{{\draw[draw={drawing.colours(current)}, line width=2.5bp, rounded corners=4bp] "
                         rf"(n{reveal.current}.south west) rectangle (n{reveal.current}.north east);}}")
        hue = frames.style.colour("back_edge" if reveal.flow == "backward" else "value")
        for nid, k in sorted(reveal.edges):
            if f"e{nid}_{k}" in edges:
                path, _ = _curve(edges[f"e{nid}_{k}"]["pos"])
                tip = "{Stealth}-" if reveal.flow == "backward" else "-{Stealth}"
                extra.append(rf"\only<{n}>{{\draw[{tip}, draw={drawing.colours(hue)}, line width=2.5bp] {path};}}")
        captions.append(rf"\only<{n}>{{{_caption(frames.trace, frame, n, total)}}}")
    body = drawing.source(scale, steps, label_from, extra)
    frame = "\n".join([rf"\begin{{frame}}{{Backprop step by step: {_as_written(frames.graph)}}}", r"\centering",
                       drawing.colours.definitions(), r"\vfill\makebox[\textwidth][c]{%", body, "}",
                       r"\par\vfill", r"{\small " + "%\n".join(captions) + "}", r"\end{frame}"])
    return STANDALONE.format(what="Backprop step by step: one Beamer frame, a slide per step (graphgrad).",
                             cls="[aspectratio=169]{beamer}",
                             preamble=BEAMER_PREAMBLE, begin=r"\begin{document}", end=r"\end{document}", body=frame)
