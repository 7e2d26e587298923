"""Graph -> DOT: nodes labelled with the fields a lecturer asks for, edges with local partials.

Labels come from the primitives' own ``text`` templates (through
``graph.printing``), values and adjoints from ``values.evaluate``; this module
only arranges them. A ``Reveal`` says what one frame of a step-by-step
picture shows, and a ``Layout`` pins every node and edge where a first layout
put them, so frames do not jump.
"""
import html
from dataclasses import dataclass, field
from typing import Optional

import graphviz

from ..errors import SizeError
from ..graph.printing import bar, inline, operation, vname
from .style import Style
from .values import Evaluated, evaluate, symbolic_partial

MAX_NODES = 5000     # above this, rendering takes minutes: refuse unless asked
RICH_LIMIT = 150     # above this, plain one-line labels (table labels lay out slowly)
EDGE_LABEL_LIMIT = 60  # above this, no edge labels unless asked (they make layout ~10x slower)
EXPR_WIDTH = 40      # longest symbolic form shown in a node


@dataclass
class Reveal:
    """What one frame shows: known values and adjoints, the current node and the edges carrying flow."""
    values: set = field(default_factory=set)
    adjoints: dict = field(default_factory=dict)
    current: Optional[int] = None
    edges: set = field(default_factory=set)     # (consumer id, argument index)
    partials: set = field(default_factory=set)  # edges whose partial label is shown
    caption: str = ""
    flow: str = "backward"  # the highlighted edges carry values forward or adjoints back


@dataclass
class Layout:
    """Positions from a first layout: node id -> (pos, width, height); edge id -> (pos, label pos).

    ``back_edges`` are the same edges laid out with their arrow at the tail, for adjoints flowing back.
    """
    nodes: dict
    edges: dict
    bb: str
    back_edges: dict = field(default_factory=dict)


def esc(text):
    return html.escape(str(text), quote=False)


def _font(text, colour=None, size=None, bold=False):
    attrs = (f' COLOR="{colour}"' if colour else "") + (f' POINT-SIZE="{size}"' if size else "")
    body = f"<B>{esc(text)}</B>" if bold else esc(text)
    return f"<FONT{attrs}>{body}</FONT>" if attrs else body


def table(rows):
    """An HTML-like label: one centred cell per row (rows are already-marked-up strings)."""
    cells = "".join(f"<TR><TD>{r}</TD></TR>" for r in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'


class Picture:
    """Everything needed to label one graph: names, evaluated data and the style."""

    def __init__(self, graph, style, data=None):
        self.graph, self.style, self.data = graph, style, data or Evaluated()
        named_ops = sum(1 for n in graph.operations if n.name)
        self.user_names = named_ops > 1
        out = graph.output
        notation = style.notation
        if notation == "auto":
            notation = "partial" if out.name and self.user_names else "bar"
        self.notation = notation

    # --- names ---------------------------------------------------------------------------
    def vname(self, node):
        return vname(self.graph, node)

    def title(self, node):
        """The bold name of a node and, in grey, its other name (``x₁ v₋₁``, ``u v₁``)."""
        main = node.name if (node.name and (node.is_input or self.user_names)) else self.vname(node)
        other = self.vname(node) if main != self.vname(node) else (node.name or "")
        return self.style.name(main), self.style.name(other) if other and other != main else ""

    def expr(self, node):
        """The node's operation on its inputs, by user names when the program gave them."""
        if node.is_input or node.is_const:
            return ""
        if self.user_names:
            return operation(self.graph, node, name=lambda g, n: g.label(n))
        return operation(self.graph, node)

    def adjoint_name(self, node):
        if self.notation == "partial":
            out = self.graph.output
            return f"∂{self.style.name(out.name)}/∂{self.style.name(self.title(node)[0])}"
        return self.style.name(bar(self.vname(node)))

    # --- labels -----------------------------------------------------------------------
    def rich_label(self, node, reveal=None):
        st, c = self.style, self.style.colour
        shown = st.shown
        dim = c("dim")
        main, other = self.title(node)
        head = _font(main, bold=True) + (" " + _font(other, colour=c("const"), size=st.fontsize * 0.8) if other else "")
        rows = []
        if "name" in shown:
            rows.append(head)
        if "expr" in shown and not node.is_input:
            rows.append(esc(st.name(self.expr(node))))
        if "symbolic" in shown and not node.is_input:
            text = inline(self.graph, node)
            rows.append(_font(st.name(text if len(text) <= EXPR_WIDTH else text[:EXPR_WIDTH - 1] + "…"),
                              colour=c("const"), size=st.fontsize * 0.85))
        if ("shape" in shown or (st.fields is None and node.shape)) and node.shape:
            rows.append(_font(str(node.shape), colour=c("const"), size=st.fontsize * 0.8))
        if "value" in shown and node.id in self.data.values:
            if reveal is None or node.id in reveal.values:
                rows.append(_font("= " + st.number(self.data.values[node.id]), colour=c("value"), bold=True))
            else:
                rows.append(_font("= ?", colour=dim))
        if "adjoint" in shown and node.id in self.data.adjoints:
            value = self.data.adjoints[node.id] if reveal is None else reveal.adjoints.get(node.id)
            known = value is not None
            rows.append(_font(f"{self.adjoint_name(node)} = " + (st.number(value) if known else "?"),
                              colour=c("adjoint") if known else dim, bold=known))
        if not rows:
            rows.append(head)
        return table(rows)

    def plain_label(self, node):
        """One or two short lines for big graphs: name, op and (when known) the value."""
        main, _ = self.title(node)
        what = "" if node.is_input else node.op.name
        value = self.data.values.get(node.id)
        shown = f" = {self.style.number(value)}" if value is not None and value.size <= 6 else ""
        return f"{main} {what}".strip() + shown

    def edge_label(self, node, k):
        """``∂v₂/∂v₀ = v₋₁ = 2``: the local partial, symbolic, numeric or both."""
        mode = self.style.edges
        parts = []
        if mode in ("symbolic", "partial"):
            sym = symbolic_partial(self.graph, node, k, name=self.graph.label if self.user_names else None)
            if sym is not None:
                label = self.graph.label if self.user_names else self.vname
                parts.append(f"∂{label(node)}/∂{label(node.inputs[k])} = {sym}")
        if mode in ("numeric", "partial") and (node.id, k) in self.data.partials:
            value = self.style.number(self.data.partials[(node.id, k)])
            if not parts or parts[-1].split(" = ")[-1] != value:
                parts.append(value)
        return self.style.name(" = ".join(parts))


def _default_edges(style, n_nodes, has_data):
    if style.edges is not None:
        return style.edges
    if n_nodes > EDGE_LABEL_LIMIT:
        return "none"
    return {"forward": "none", "backward": "partial" if has_data else "symbolic",
            "both": "partial" if has_data else "symbolic"}[style.view]


def group_of(graph):
    """Node id -> layer name, from names like ``dense_1/kernel``; unnamed nodes join their layer's ops."""
    prefix = {n.id: n.name.rsplit("/", 1)[0] for n in graph.nodes if n.name and "/" in n.name}
    if not prefix:
        return {}
    uses = graph.consumers()
    for node in reversed(graph.nodes):  # an unnamed node used only inside one layer belongs to it
        if node.id in prefix or node.is_input or node.is_const:
            continue
        groups = {prefix.get(c.id) for c, _ in uses[node.id]}
        if len(groups) == 1 and None not in groups:
            prefix[node.id] = groups.pop()
    for node in graph.nodes:  # x @ kernel, + bias, then the activation of a layer
        if node.id in prefix or node.is_input or node.is_const:
            continue
        leaves = {prefix[i.id] for i in node.inputs if i.is_input and i.id in prefix}
        inner = {prefix.get(i.id) for i in node.inputs if not i.is_const}
        if len(leaves) == 1:
            prefix[node.id] = leaves.pop()
        elif len(node.inputs) == 1 and len(inner) == 1 and None not in inner:
            prefix[node.id] = inner.pop()
    return prefix


def to_dot(graph, values=None, style=None, reveal=None, layout=None, group=None, max_nodes=MAX_NODES, **options):
    """DOT source of ``graph``; ``values`` (by input name) adds values, adjoints and numeric partials."""
    style = (style or Style()).but(**options)
    n = len(graph.nodes)
    if max_nodes is not None and n > max_nodes:
        raise SizeError(f"the graph has {n:,} nodes, more than the {max_nodes:,} that render in reasonable time; "
                        "group its layers (name nodes 'layer/...' and use a layer picture) or pass "
                        "max_nodes=None (--max-nodes 0) to render it anyway")
    data = values if isinstance(values, Evaluated) else (
        evaluate(graph, values, adjoint=style.view != "forward" or "adjoint" in (style.fields or ()),
                 partials=n <= EDGE_LABEL_LIMIT) if values is not None else None)
    style = style.but(edges=_default_edges(style, n, data is not None))
    pic = Picture(graph, style, data)
    rich = n <= RICH_LIMIT
    c = style.colour

    dot = graphviz.Digraph("graphgrad", strict=False)
    dot.attr(rankdir=style.direction, fontname=style.font, fontsize=str(style.fontsize), bgcolor="white",
             nodesep="0.3" if rich else "0.15", ranksep="0.45" if rich else "0.3", pad="0.2")
    dot.attr("node", fontname=style.font, fontsize=str(style.fontsize), penwidth="1.4", margin="0.12,0.06")
    dot.attr("edge", fontname=style.font, fontsize=str(style.fontsize * 0.8), color=c("edge"),
             fontcolor=c("edge"), arrowsize="0.8", penwidth="1.2")
    caption = reveal.caption if reveal is not None else options.get("title")
    if caption:
        dot.attr(label=style.name(caption), labelloc="t", labeljust="l", fontsize=str(style.fontsize * 1.15))
    if layout is not None:
        dot.attr(bb=layout.bb, splines="true")

    groups = group_of(graph) if group in (None, True) else {}
    clusters = {}
    for name in dict.fromkeys(groups.values()):
        sub = graphviz.Digraph(f"cluster_{name}")
        sub.attr(label=style.name(name), style="rounded,filled", fillcolor=c("cluster"), color=c("cluster_border"),
                 fontcolor=c("const"), labeljust="l")
        clusters[name] = sub

    for node in graph.nodes:
        attrs = {"id": f"n{node.id}"}
        if node.is_const:
            attrs.update(shape="plaintext", label=style.number(node.params["value"]) if node.size <= 6
                         else f"const {node.shape}", fontcolor=c("const"), fontsize=str(style.fontsize * 0.9),
                         margin="0.02")
        else:
            kind = "output" if any(node is o for o in graph.outputs) else "input" if node.is_input else "op"
            label = pic.rich_label(node, reveal) if rich else pic.plain_label(node)
            attrs.update(label=label, shape="box", style="rounded,filled", fillcolor=c(kind),
                         color=c(f"{kind}_border"))
            if reveal is not None and reveal.current == node.id:
                attrs.update(color=c("current"), fillcolor=c("current_fill"), penwidth="3.2")
        if layout is not None and f"n{node.id}" in layout.nodes:
            pos, width, height = layout.nodes[f"n{node.id}"]
            attrs.update(pos=pos, width=width, height=height, fixedsize="true")
        (clusters[groups[node.id]] if node.id in groups else dot).node(f"n{node.id}", **attrs)

    backward = style.view == "backward"
    for node in graph.nodes:
        for k, arg in enumerate(node.inputs):
            eid = f"e{node.id}_{k}"
            attrs = {"id": eid}
            show_label = style.edges != "none" and not arg.is_const and (reveal is None or (node.id, k) in reveal.partials)
            if show_label:
                text = pic.edge_label(node, k)
                if text:
                    attrs["label"] = " " + text + " "
            if arg.is_const:
                attrs.update(style="dotted", arrowhead="none")
            if backward:
                attrs.update(dir="back", color=c("back_edge"), fontcolor=c("back_edge"), style="dashed")
            back = backward
            if reveal is not None and (node.id, k) in reveal.edges:
                back = reveal.flow == "backward"
                hue = c("back_edge") if back else c("value")
                attrs.update(color=hue, fontcolor=hue, penwidth="3", dir="back" if back else "forward", style="solid")
            pinned = layout and (layout.back_edges if back and eid in layout.back_edges else layout.edges)
            if pinned and eid in pinned:
                pos, lp = pinned[eid]
                attrs["pos"] = pos
                if lp and "label" in attrs:
                    attrs["lp"] = lp
            dot.edge(f"n{arg.id}", f"n{node.id}", **attrs)
    for sub in clusters.values():
        dot.subgraph(sub)
    return dot.source
