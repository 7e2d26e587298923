"""Pictures of neural networks: layer level (tensor ops, shapes, parameter counts) and neuron level.

Input is a plain description, so any model code can call it: a list of layers,
each a ``Layer(name, units, activation, weights)`` or a tuple in that order,
the first being the input layer (``weights`` None). ``weights`` is a kernel of
shape (inputs, units), or a pair (kernel, bias). A graph whose nodes are named
``layer/...`` gets the same layer picture from ``graph_layers``.
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..errors import GraphgradError, SizeError
from .dot import Digraph, Html, esc
from .draw import SMALL, _font, group_of, table
from .placing import label_size
from .style import Style

MAX_NEURONS = 64


@dataclass
class Layer:
    """One layer of a plain network description."""
    name: str
    units: int
    activation: Optional[str] = None
    weights: object = None  # kernel (inputs, units), or (kernel, bias)

    @property
    def kernel(self):
        w = self.weights
        return None if w is None else np.asarray(w[0] if isinstance(w, (tuple, list)) else w)

    @property
    def bias(self):
        w = self.weights
        return np.asarray(w[1]) if isinstance(w, (tuple, list)) and len(w) > 1 and w[1] is not None else None


def as_layers(layers):
    """Layers from Layer objects, tuples ``(name, units, activation, weights)`` or dicts; checked."""
    out = []
    for i, item in enumerate(layers):
        layer = item if isinstance(item, Layer) else Layer(**item) if isinstance(item, dict) else Layer(*item)
        if int(layer.units) < 1:
            raise GraphgradError(f"layer {i} ('{layer.name}') has {layer.units} units; a layer needs at least 1")
        if i and layer.kernel is not None and layer.kernel.shape != (out[-1].units, layer.units):
            raise GraphgradError(f"layer {i} ('{layer.name}'): kernel shape {layer.kernel.shape} does not match "
                                 f"({out[-1].units}, {layer.units}) = (units of '{out[-1].name}', units)")
        out.append(layer)
    if len(out) < 2:
        raise GraphgradError("a network picture needs an input layer and at least one more layer")
    return out


def _params(prev, layer):
    return prev.units * layer.units + layer.units


def layer_dot(layers, style=None, batch="None"):
    """DOT source of a layer-level picture: each layer a cluster of x @ W + b → activation, with shapes."""
    style = style or Style(direction="TB")
    layers = as_layers(layers)
    c = style.colour
    dot = Digraph("network")
    dot.attr(rankdir=style.rankdir("TB"), fontname=style.font, nodesep="0.25", ranksep="0.35", pad="0.2")
    dot.attr("node", fontname=style.font, fontsize=str(style.fontsize), shape="box", style="rounded,filled",
             fillcolor=c("op"), color=c("op_border"), penwidth="1.3")
    dot.attr("edge", fontname=style.font, fontsize=str(style.fontsize * 0.8), color=c("edge"), fontcolor=c("const"))
    first = layers[0]
    dot.node("in", table([_font(first.name, bold=True), esc(f"({batch}, {first.units})")]),
             fillcolor=c("input"), color=c("input_border"))
    prev, total = "in", 0
    for i, (before, layer) in enumerate(zip(layers, layers[1:]), 1):
        n = _params(before, layer)
        total += n
        sub = Digraph(f"cluster_{i}")
        sub.attr(label=f"{layer.name} · {layer.units} units{', ' + layer.activation if layer.activation else ''}"
                       f" · {n:,} params", style="rounded,filled", fillcolor=c("cluster"),
                 color=c("cluster_border"), fontcolor=c("const"), labeljust="l")
        sub.node(f"W{i}", table([_font("W", bold=True), esc(f"({before.units}, {layer.units})")]),
                 fillcolor=c("input"), color=c("input_border"), fontsize=str(style.fontsize * 0.9))
        sub.node(f"b{i}", table([_font("b", bold=True), esc(f"({layer.units},)")]),
                 fillcolor=c("input"), color=c("input_border"), fontsize=str(style.fontsize * 0.9))
        sub.node(f"mm{i}", "@")
        sub.node(f"add{i}", "+")
        last = f"add{i}"
        if layer.activation and layer.activation not in ("linear", "identity"):
            sub.node(f"act{i}", layer.activation)
            sub.edge(f"add{i}", f"act{i}", label=f" ({batch}, {layer.units}) ")
            last = f"act{i}"
        sub.edge(f"W{i}", f"mm{i}")
        sub.edge(f"mm{i}", f"add{i}", label=f" ({batch}, {layer.units}) ")
        sub.edge(f"b{i}", f"add{i}")
        dot.subgraph(sub)
        dot.edge(prev, f"mm{i}", label=f" ({batch}, {before.units}) ")
        prev = last
    dot.node("out", table([_font("output", bold=True), esc(f"({batch}, {layers[-1].units})")]),
             fillcolor=c("output"), color=c("output_border"))
    dot.edge(prev, "out")
    dot.attr(label=f"{len(layers) - 1} layers · {total:,} trainable parameters", labelloc="b",
             fontcolor=c("const"), fontsize=str(style.fontsize))
    return dot.source


def layer_index(j):
    """``⁽²⁾``: the superscript naming layer j."""
    return f"({j})".translate(str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾"))


def neuron_name(i, j):
    """``a₁⁽²⁾``: activation of unit i in layer j (the feedforward-network lectures' notation, with Unicode sub/superscripts)."""
    return f"a{str(i).translate(str.maketrans('0123456789', '₀₁₂₃₄₅₆₇₈₉'))}{layer_index(j)}"


MATRIX_LIMIT = 8      # a layer's weights are listed as a matrix up to this many rows and columns
GAP = 70.0            # pt between neighbouring columns of neurons besides the width of the matrix below them


def weight_matrix(style, rows, columns, values, title):
    """An HTML-like table: ``title`` in the corner, a column per unit it feeds, a row per unit (or +1) feeding it.

    Each weight is coloured by its sign, as its edge is, so a number is matched to its line by row and column.
    """
    c, small = style.colour, style.fontsize * SMALL
    cell = '<TD ALIGN="RIGHT">{}</TD>'
    head = "".join(f"<TD>{_font(name, colour=c('const'), size=small)}</TD>" for name in columns)
    body = [f"<TR><TD>{_font(title, bold=True)}</TD>{head}</TR>"]
    for name, row in zip(rows, values):
        numbers = "".join(cell.format(_font(style.number(w), colour=c("positive") if w >= 0 else c("negative")))
                          for w in row)
        body.append(f"<TR><TD>{_font(name, colour=c('const'), size=small)}</TD>{numbers}</TR>")
    return Html('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4">' + "".join(body) + "</TABLE>")


def neuron_dot(layers, style=None, weights=True, bias=None):
    """DOT source (for ``neato -n2``) of a neuron-level picture: a circle per unit ``a_i^(j)``, one line per weight.

    Lines are coloured by the weight's sign and as wide as its size. With ``weights``, each layer's
    weights are listed under the lines they label as a matrix ``W^(j)``: a row per unit feeding the
    layer, a column per unit fed, so every number is found by its two neurons (layers wider than
    ``MATRIX_LIMIT`` are not listed). ``bias`` (by default: when a layer has one) draws each layer's
    bias as textbooks do, a +1 unit whose weights are the matrix's +1 row. Positions are computed
    here, so the picture is the same with every renderer.
    """
    style = style or Style(precision=2)  # weights with 2 decimals stay legible
    layers = as_layers(layers)
    count = sum(layer.units for layer in layers)
    if count > MAX_NEURONS:
        raise SizeError(f"the network has {count} units; neuron-level pictures are for small nets "
                        f"(at most {MAX_NEURONS} units): draw a layer-level picture instead")
    if bias is None:
        bias = any(layer.bias is not None for layer in layers[1:])
    c = style.colour
    radius, dy, arrow = 22.0, 64.0, 6.0
    column = [([0] if bias and j < len(layers) - 1 else []) + list(range(1, layer.units + 1))
              for j, layer in enumerate(layers)]
    edges = []   # (layer j, unit i, unit k of layer j + 1, weight or None)
    for j, layer in enumerate(layers[1:]):
        kernel, b = layer.kernel, layer.bias
        for i in column[j]:
            for k in range(1, layer.units + 1):
                w = (b[k - 1] if b is not None else None) if i == 0 else (kernel[i - 1, k - 1] if kernel is not None else None)
                edges.append((j, i, k, w))
    matrices, too_many = {}, False
    for j, layer in enumerate(layers[1:]):
        if not weights or layer.kernel is None:
            continue
        rows = [i for i in column[j] if i == 0 and layer.bias is not None or i > 0]
        if len(rows) > MATRIX_LIMIT + 1 or layer.units > MATRIX_LIMIT:
            too_many = True
            continue
        values = [[w for (jj, i, k, w) in edges if jj == j and i == r] for r in rows]
        names = ["+1" if r == 0 else neuron_name(r, j + 1) for r in rows]
        matrices[j] = (weight_matrix(style, names, [neuron_name(k, j + 2) for k in range(1, layer.units + 1)],
                                     values, f"W{layer_index(j + 1)}"), len(rows) + 1, layer.units + 1)
    cell_w, cell_h = label_size("-0.00", style.fontsize)[0] + 8, style.fontsize * 1.25 + 8
    widest = max((n_cols * cell_w for _, _, n_cols in matrices.values()), default=0)
    below = max((n_rows * cell_h for _, n_rows, _ in matrices.values()), default=0) + (20 if matrices else 0)
    dx = max(2 * radius + GAP, widest + 30)
    tallest = max(len(col) for col in column)
    pos = {}
    for j, col in enumerate(column):
        top = below + 30 + (tallest - 1) * dy / 2 + (len(col) - 1) * dy / 2
        for r, i in enumerate(col):
            pos[(j, i)] = (40 + j * dx, top - r * dy)
    height = below + 30 + (tallest - 1) * dy + 60
    dot = Digraph("neurons")
    dot.attr(fontname=style.font, bb=f"0,0,{80 + (len(layers) - 1) * dx:.0f},{height:.0f}", pad="0.2")
    dot.attr("node", fontname=style.font, fontsize=str(style.fontsize), shape="circle", style="filled",
             width=f"{2 * radius / 72:.3f}", fixedsize="true", penwidth="1.4")
    dot.attr("edge", arrowsize="0.6", penwidth="1")
    if too_many:
        dot.attr(label=f"(layers of more than {MATRIX_LIMIT} units: too many weights to list; colour shows "
                       "the sign and width the size)", labelloc="b", fontcolor=c("const"),
                 fontsize=str(style.fontsize * SMALL))
    for j, layer in enumerate(layers):
        kind = "input" if j == 0 else "output" if j == len(layers) - 1 else "op"
        x = 40 + j * dx
        title = layer.name + (f" ({layer.activation})" if layer.activation else "")
        dot.node(f"t{j}", title, shape="plaintext", pos=f"{x:.1f},{height - 18:.1f}!", fixedsize="false",
                 style="", fontcolor=c("const"))
        for i in column[j]:
            x, y = pos[(j, i)]
            label, fill, line = ("+1", "#F1F5F9", c("const")) if i == 0 else \
                (neuron_name(i, j + 1), c(kind), c(f"{kind}_border"))
            dot.node(f"u{j}_{i}", label, id=f"u{j}_{i}", pos=f"{x:.1f},{y:.1f}!", fillcolor=fill, color=line)
    for j, (label, n_rows, _) in matrices.items():
        dot.node(f"W{j + 1}", label, id=f"W{j + 1}", shape="plaintext", style="", fixedsize="false",
                 pos=f"{40 + (j + 0.5) * dx:.1f},{below - 10 - n_rows * cell_h / 2:.1f}!")  # tops aligned
    largest = max((np.abs(layer.kernel).max() for layer in layers[1:] if layer.kernel is not None), default=1) or 1
    for j, i, k, w in edges:
        attrs = {"color": c("edge")}
        if w is not None:
            attrs.update(color=c("positive") if w >= 0 else c("negative"),
                         penwidth=f"{0.6 + 2.4 * min(abs(w) / largest, 1):.2f}")
        (x0, y0), (x1, y1) = pos[(j, i)], pos[(j + 1, k)]
        ux, uy = (x1 - x0), (y1 - y0)
        d = (ux * ux + uy * uy) ** 0.5
        ux, uy = ux / d, uy / d
        sx, sy = x0 + ux * radius, y0 + uy * radius
        tip = (x1 - ux * radius, y1 - uy * radius)
        ex, ey = tip[0] - ux * arrow, tip[1] - uy * arrow
        pts = [(sx + (ex - sx) * t / 3, sy + (ey - sy) * t / 3) for t in range(4)]
        attrs["pos"] = f"e,{tip[0]:.1f},{tip[1]:.1f} " + " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        dot.edge(f"u{j}_{i}", f"u{j + 1}_{k}", id=f"e{j}_{i}_{k}", **attrs)
    return dot.source


def feature_map(shape):
    """A sample's shape as lectures write feature maps: ``26×26×6``; a vector as ``120``."""
    return "×".join(str(d) for d in shape) if shape else "1"


def stack_dot(rows, style=None):
    """DOT source of a layer stack: one box per layer (name, type and settings, parameters), the arrows
    between them labelled with the feature-map shape that flows (``26×26×6 → 13×13×6 → …``).

    ``rows`` are ``(name, description, params, output_shape)``, the first the input (params 0).
    """
    style = style or Style(direction="TB")
    c = style.colour
    dot = Digraph("stack")
    dot.attr(rankdir=style.direction, fontname=style.font, pad="0.2", nodesep="0.3", ranksep="0.35")
    dot.attr("node", fontname=style.font, fontsize=str(style.fontsize), shape="box", style="rounded,filled",
             penwidth="1.3", fillcolor=c("cluster"), color=c("cluster_border"))
    dot.attr("edge", fontname=style.font, fontsize=str(style.fontsize * 0.8), color=c("edge"), fontcolor=c("const"))
    total = 0
    for i, (name, description, params, shape) in enumerate(rows):
        total += params
        cells = [_font(name, bold=True), esc(description)]
        if i:
            cells.append(_font(f"{params:,} params", colour=c("const"), size=style.fontsize * 0.85))
            dot.node(f"l{i}", table(cells))
            dot.edge(f"l{i - 1}", f"l{i}", label=f" {feature_map(rows[i - 1][3])} ")
        else:
            dot.node("l0", table(cells), fillcolor=c("input"), color=c("input_border"))
    dot.node("out", table([_font("output", bold=True), esc(feature_map(rows[-1][3]))]),
             fillcolor=c("output"), color=c("output_border"))
    dot.edge(f"l{len(rows) - 1}", "out")
    dot.attr(label=f"{len(rows) - 1} layers · {total:,} parameters", labelloc="b", fontcolor=c("const"),
             fontsize=str(style.fontsize))
    return dot.source


def graph_layers(graph, style=None):
    """DOT source of one box per layer of ``graph`` (nodes named ``layer/...``): its ops, output shape, parameters."""
    style = style or Style(direction="TB")
    groups = group_of(graph)
    if not groups:
        raise GraphgradError("the graph has no layers: name nodes 'layer/...' (as graphgrad.nn does) to group them")
    c = style.colour
    dot = Digraph("layers")
    dot.attr(rankdir=style.rankdir("TB"), fontname=style.font, pad="0.2", nodesep="0.3", ranksep="0.4")
    dot.attr("node", fontname=style.font, fontsize=str(style.fontsize), shape="box", style="rounded,filled",
             penwidth="1.3")
    dot.attr("edge", fontname=style.font, fontsize=str(style.fontsize * 0.8), color=c("edge"), fontcolor=c("const"))
    key = {n.id: groups.get(n.id, f"n{n.id}") for n in graph.nodes}
    members = {}
    for node in graph.nodes:
        members.setdefault(key[node.id], []).append(node)
    shown = set()
    for name, nodes in members.items():
        if name not in groups.values():
            node = nodes[0]
            if node.is_const:
                continue
            kind = "input" if node.is_input else "output" if any(node is o for o in graph.outputs) else "op"
            dot.node(name, table([_font(graph.label(node), bold=True), esc(str(node.shape))]),
                     fillcolor=c(kind), color=c(f"{kind}_border"))
        else:
            params = sum(n.size for n in nodes if n.is_input)
            ops = [n.op.name for n in nodes if not (n.is_input or n.is_const)]
            last = [n for n in nodes if not (n.is_input or n.is_const)][-1:] or nodes[-1:]
            rows = [_font(name, bold=True), esc(" → ".join(dict.fromkeys(ops))),
                    _font(f"out {last[0].shape} · {params:,} params", colour=c("const"),
                          size=style.fontsize * 0.85)]
            dot.node(name, table(rows), fillcolor=c("cluster"), color=c("cluster_border"))
        shown.add(name)
    for node in graph.nodes:
        for arg in node.inputs:
            a, b = key[arg.id], key[node.id]
            if a != b and a in shown and b in shown and (a, b) not in shown:
                shown.add((a, b))
                label = f" {arg.shape} " if arg.shape and not arg.is_input else None
                dot.edge(a, b, label=label)
    return dot.source


def network_picture(layers, level="auto", style=None, **options):
    """A network picture that shows in notebooks and saves to files: ``level`` is layer, neuron or auto.

    ``auto`` draws neurons for nets of at most 64 units and layers otherwise.
    ``options`` go to ``neuron_dot`` (weights, bias) or ``layer_dot`` (batch).
    """
    from .jupyter import Shown
    from .render import PINNED
    layers = as_layers(layers)
    if level == "auto":
        level = "neuron" if sum(layer.units for layer in layers) <= MAX_NEURONS else "layer"
    if level == "neuron":
        return Shown(neuron_dot(layers, style, **options), *PINNED)
    if level == "layer":
        return Shown(layer_dot(layers, style, **options))
    raise GraphgradError(f"unknown network picture level '{level}'; choose layer, neuron or auto")
