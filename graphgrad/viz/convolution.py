"""A small convolution drawn neuron by neuron: input and output pixels as nodes, one edge per weight use.

Which input pixels feed an output pixel, and through which kernel weight, is read off
conv2d's own SymPy form (each output pixel is a sum of ``w_ab * x_rc``), so the picture
follows the op's definition for any stride, padding and dilation.
"""
import numpy as np

from .. import ops
from ..errors import GraphgradError, SizeError
from ..lazy_sympy import sp
from .dot import Digraph
from .network import MAX_NEURONS
from .placing import label_size, spread_columns
from .style import Style


def _pixel(name, r, c, shape):
    return f"{name}{r}{c}" if max(shape) <= 10 else f"{name}{r},{c}"


def one_channel(kernel):
    """A 1-channel kernel as a 2-D array: given (kh, kw) or conv2d's (kh, kw, 1, 1)."""
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim == 4 and kernel.shape[2:] == (1, 1):
        kernel = kernel[:, :, 0, 0]
    if kernel.ndim != 2:
        raise GraphgradError(f"a neuron-by-neuron convolution picture needs a 1-channel kernel, (kh, kw) or "
                             f"(kh, kw, 1, 1); got shape {kernel.shape}")
    return kernel


def receptive_fields(kernel, size, **conv):
    """For each output pixel (i, j), ``{(r, c): (a, b)}``: the input pixels feeding it and the kernel entry
    each meets; and the output's (height, width).

    ``kernel`` is 2-D, ``size`` the input's (height, width), ``conv`` conv2d's strides, padding and dilation.
    """
    h, w = (int(n) for n in size)
    node = ops.conv2d(ops.input("x", (1, h, w, 1)), ops.input("w", kernel.shape + (1, 1)), **conv)
    oh, ow = node.shape[1:3]
    if h * w + oh * ow > MAX_NEURONS:
        raise SizeError(f"the convolution has {h * w} input and {oh * ow} output pixels; neuron-by-neuron pictures "
                        f"are for at most {MAX_NEURONS} pixels: draw a smaller input")
    xs = {sp.Symbol(f"x_{r}_{c}"): (r, c) for r in range(h) for c in range(w)}
    ws = {sp.Symbol(f"w_{a}_{b}"): (a, b) for a in range(kernel.shape[0]) for b in range(kernel.shape[1])}
    y = node.op.sympy(sp.Array(list(xs)).reshape(1, h, w, 1), sp.Array(list(ws)).reshape(*kernel.shape, 1, 1),
                      **node.params)
    fields = {}
    for i in range(oh):
        for j in range(ow):
            field = fields.setdefault((i, j), {})
            for term in sp.Add.make_args(y[0, i, j, 0]):
                if term == 0:                          # a pixel of padding alone
                    continue
                x, wt = sorted(term.free_symbols, key=lambda s: s in ws)   # each term is one w_ab * x_rc
                field[xs[x]] = ws[wt]
    return fields, (oh, ow)


def convolution_dot(kernel, size, strides=1, padding="valid", dilation=1, highlight=None, names=("x", "y"),
                    style=None):
    """DOT source (for ``neato -n2``) of a 1-channel convolution, pixel by pixel: a column of input pixels, a
    column of output pixels, an edge from each input pixel to each output pixel it feeds, labelled with the
    kernel weight. ``highlight=(i, j)`` marks that output pixel's receptive field and greys the other edges.
    """
    style = style or Style(precision=2)
    kernel = one_channel(kernel)
    fields, (oh, ow) = receptive_fields(kernel, size, strides=strides, padding=padding, dilation=dilation)
    highlight = None if highlight is None else tuple(highlight)
    if highlight is not None and highlight not in fields:
        raise GraphgradError(f"highlight {highlight} is not an output pixel; the output is {oh}x{ow}")
    h, w = (int(n) for n in size)
    chosen = fields[highlight] if highlight is not None else None
    c = style.colour
    radius, dy = 18.0, 44.0
    label_font = style.fontsize * 0.7
    columns = {"x": [(r, col) for r in range(h) for col in range(w)],
               "y": [(i, j) for i in range(oh) for j in range(ow)]}
    edges = [(rc, ij, kernel[ab]) for ij, field in fields.items() for rc, ab in sorted(field.items())]
    labelled = [n for n, e in enumerate(edges) if chosen is None or e[1] == highlight]
    tallest = max(len(pixels) for pixels in columns.values())
    pos, centres, dx = spread_columns(
        [[(prefix, ij) for ij in pixels] for prefix, pixels in columns.items()],
        lambda pos: [(pos[("x", edges[n][0])], pos[("y", edges[n][1])],
                      label_size(style.number(edges[n][2]), label_font)) for n in labelled],
        radius, dy, 220.0)
    spots = dict(zip(labelled, centres)) if centres is not None else {}
    height = 30 + (tallest - 1) * dy + 50
    dot = Digraph("convolution")
    dot.attr(fontname=style.font, bb=f"0,0,{80 + dx:.0f},{height:.0f}", pad="0.2", outputorder="edgesfirst")
    dot.attr("node", fontname=style.font, fontsize=str(style.fontsize * 0.85), shape="circle", style="filled",
             width=f"{2 * radius / 72:.3f}", fixedsize="true")
    dot.attr("edge", arrowsize="0.5")
    if labelled and not spots:
        dot.attr(label="(too many weights to label: colour shows the sign)", labelloc="b", fontcolor=c("const"),
                 fontsize=str(label_font))
    for k, ((prefix, pixels), name, kind, (rows, cols)) in enumerate(
            zip(columns.items(), names, ("input", "output"), ((h, w), (oh, ow)))):
        dot.node(f"t{prefix}", f"{name}: {rows}×{cols}", shape="plaintext", fixedsize="false", style="",
                 pos=f"{40 + k * dx:.1f},{height - 14:.1f}!", fontcolor=c("const"))
        for ij in pixels:
            marked = chosen is not None and (ij in chosen if prefix == "x" else ij == highlight)
            x, y = pos[(prefix, ij)]
            dot.node(f"{prefix}{ij[0]}_{ij[1]}", _pixel(name, *ij, (rows, cols)), id=f"{prefix}{ij[0]}_{ij[1]}",
                     pos=f"{x:.1f},{y:.1f}!", fillcolor=c(kind if marked or chosen is None else "cluster"),
                     color=c(f"{kind}_border"), penwidth="2.4" if marked else "1.2")
    for n, (rc, ij, wt) in enumerate(edges):
        on = chosen is None or ij == highlight
        colour = (c("positive") if wt >= 0 else c("negative")) if on else c("dim")
        dot.edge(f"x{rc[0]}_{rc[1]}", f"y{ij[0]}_{ij[1]}", id=f"x{rc[0]}_{rc[1]}-y{ij[0]}_{ij[1]}", color=colour,
                 penwidth="1.8" if chosen is not None and on else "0.8")
        if n in spots:
            (cx, cy), (w_pt, h_pt) = spots[n], label_size(style.number(wt), label_font)
            dot.node(f"w{n}", style.number(wt), id=f"w-x{rc[0]}_{rc[1]}-y{ij[0]}_{ij[1]}", shape="box",
                     style="filled", fillcolor="white", color="white", penwidth="0", fontcolor=colour,
                     fontsize=f"{label_font:.1f}", pos=f"{cx:.1f},{cy:.1f}!", width=f"{w_pt / 72:.3f}",
                     height=f"{h_pt / 72:.3f}", margin="0")
    return dot.source


def convolution_picture(kernel, size, **options):
    """``convolution_dot`` as a picture that shows in notebooks and saves to files (SVG, PNG, PDF, DOT)."""
    from .jupyter import Shown
    from .render import PINNED
    return Shown(convolution_dot(kernel, size, **options), *PINNED)
