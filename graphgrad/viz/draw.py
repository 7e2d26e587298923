"""Graph -> DOT: nodes labelled with the fields a lecturer asks for, edges with local partials.

Labels come from the primitives' own ``text`` templates (through
``graph.printing``), values and adjoints from ``values.evaluate``; this module
only arranges them. A ``Reveal`` says what one frame of a step-by-step
picture shows, and a ``Layout`` pins every node and edge where a first layout
put them, so frames do not jump.
"""
from dataclasses import dataclass, field
from typing import Optional

from ..errors import SizeError, UnknownNameError
from ..graph.printing import bar, inline, latex_name, operation, vname
from .dot import Digraph, Html, esc
from .style import Style
from .values import Evaluated, evaluate, symbolic_partial

MAX_NODES = 5000     # above this, rendering takes minutes: refuse unless asked
RICH_LIMIT = 150     # above this, plain one-line labels (table labels lay out slowly)
LARGE = 40           # above this, the inputs go in their order on the first rank (if that crosses few ranks)
RANK_CROSSINGS = 1000  # most ranks the edges may cross in a layout in ranks (``crossings``); beyond, sfdp lays out
EDGE_LABEL_LIMIT = 60  # above this, no edge labels unless asked (they make layout ~10x slower)
EXPR_WIDTH = 40      # longest symbolic form shown in a node
SMALL = 0.8          # edge labels and a name's grey second name, relative to the node font


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


@dataclass
class Line:
    """One line of a node's label as text and as LaTeX; ``aside`` is a name's grey second name."""
    kind: str        # name, expr, symbolic, shape, value or adjoint
    text: str
    tex: str
    known: bool = True
    aside: str = ""
    aside_tex: str = ""


def tex_number(text):
    """A number as a picture shows it (``0.693``, ``3×2 in [0, 1]``), in LaTeX math."""
    return text.replace("×", r"\times ").replace(" in ", r"\ \textrm{in}\ ")


def _font(text, colour=None, size=None, bold=False):
    attrs = (f' COLOR="{esc(colour)}"' if colour else "") + (f' POINT-SIZE="{size}"' if size else "")
    body = f"<B>{esc(text)}</B>" if bold else esc(text)
    return f"<FONT{attrs}>{body}</FONT>" if attrs else body


def table(rows):
    """An HTML-like label: one centred cell per row (rows are markup whose text went through ``esc``)."""
    cells = "".join(f"<TR><TD>{r}</TD></TR>" for r in rows)
    return Html(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>')


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

    def names(self, node):
        """The node's main name and its other one, unstyled (``x1``, ``v-1``; ``u``, ``v1``; ``v3``, "")."""
        main = node.name if (node.name and (node.is_input or self.user_names)) else self.vname(node)
        other = self.vname(node) if main != self.vname(node) else (node.name or "")
        return main, other if other != main else ""

    def title(self, node):
        """The bold name of a node and, in grey, its other name (``x₁ v₋₁``, ``u v₁``)."""
        return tuple(self.style.name(n) if n else "" for n in self.names(node))

    def expr(self, node, style="text"):
        """The node's operation on its inputs (text or LaTeX), by user names when the program gave them."""
        if node.is_input or node.is_const:
            return ""
        if self.user_names:
            return operation(self.graph, node, style, name=lambda g, n: g.label(n))
        return operation(self.graph, node, style)

    def adjoint_name(self, node, style="text"):
        """``v̄₂`` (or ``ū`` with naming='user'), or ``dJ/du`` in the partial notation; as text or LaTeX.

        An adjoint is a total derivative, written with d, so that it never reads like an edge's
        local partial ∂z/∂u (in ``J = x*x`` the edge's ∂J/∂x is x, the adjoint dJ/dx is 2x).
        """
        if self.notation == "partial":
            out, wrt = self.graph.label(self.graph.output), self.names(node)[0]
            if style == "latex":
                return rf"\mathrm{{d}}{latex_name(out)}/\mathrm{{d}}{latex_name(wrt)}"
            return f"d{self.style.name(out)}/d{self.style.name(wrt)}"
        name = bar(self.graph.label(node) if self.style.naming == "user" else self.vname(node))
        return latex_name(name) if style == "latex" else self.style.name(name)

    # --- labels -----------------------------------------------------------------------
    def lines(self, node, reveal=None):
        """The lines of a node's label, as text and LaTeX; a value or adjoint ``reveal`` hides is unknown."""
        st, shown = self.style, self.style.shown
        main, other = self.names(node)
        head = Line("name", st.name(main), latex_name(main), aside=st.name(other) if other else "",
                    aside_tex=latex_name(other) if other else "")
        out = []
        if "name" in shown:
            out.append(head)
        if "expr" in shown and not node.is_input:
            out.append(Line("expr", st.name(self.expr(node)), self.expr(node, "latex")))
        if "symbolic" in shown and not node.is_input:
            text = inline(self.graph, node)
            out.append(Line("symbolic", st.name(text if len(text) <= EXPR_WIDTH else text[:EXPR_WIDTH - 1] + "…"),
                            inline(self.graph, node, "latex")))
        if ("shape" in shown or (st.fields is None and node.shape)) and node.shape:
            out.append(Line("shape", str(node.shape), rf"\textrm{{{node.shape}}}"))
        if "value" in shown and node.id in self.data.values:
            known = reveal is None or node.id in reveal.values
            number = st.number(self.data.values[node.id])
            out.append(Line("value", "= " + (number if known else "?"), "= " + (tex_number(number) if known else "?"),
                            known))
        if "adjoint" in shown and node.id in self.data.adjoints:
            value = self.data.adjoints[node.id] if reveal is None else reveal.adjoints.get(node.id)
            known = value is not None
            number = st.number(value) if known else "?"
            out.append(Line("adjoint", f"{self.adjoint_name(node)} = {number}",
                            f"{self.adjoint_name(node, 'latex')} = {tex_number(number)}", known))
        return out or [head]

    def rich_label(self, node, reveal=None):
        """An HTML-like DOT label: the node's lines, names bold, values blue and adjoints red."""
        st, c = self.style, self.style.colour
        small = {"symbolic": st.fontsize * 0.85, "shape": st.fontsize * 0.8}
        colour = {"symbolic": c("const"), "shape": c("const"), "value": c("value"), "adjoint": c("adjoint")}
        rows = []
        for line in self.lines(node, reveal):
            if line.kind == "name":
                rows.append(_font(line.text, bold=True) +
                            (" " + _font(line.aside, colour=c("const"), size=st.fontsize * SMALL) if line.aside else ""))
            elif line.kind == "expr":
                rows.append(esc(line.text))
            else:
                rows.append(_font(line.text, colour=colour[line.kind] if line.known else c("dim"),
                                  size=small.get(line.kind), bold=line.known and line.kind in ("value", "adjoint")))
        return table(rows)

    def plain_label(self, node):
        """One or two short lines for big graphs: name, op and (when known) the value."""
        main, _ = self.title(node)
        what = "" if node.is_input else node.op.name
        value = self.data.values.get(node.id)
        shown = f" = {self.style.number(value)}" if value is not None and value.size <= 6 else ""
        return f"{main} {what}".strip() + shown

    def edge_label(self, node, k, style="text"):
        """``∂v₂/∂v₀ = v₋₁ = 2``: the local partial, symbolic, numeric or both (as text or LaTeX)."""
        mode = self.style.edges
        parts = []
        if mode in ("symbolic", "partial"):
            label = self.graph.label if self.user_names else self.vname
            sym = symbolic_partial(self.graph, node, k, name=self.graph.label if self.user_names else None,
                                   style=style)
            if sym is not None:
                top, bottom = label(node), label(node.inputs[k])
                parts.append(rf"\partial {latex_name(top)}/\partial {latex_name(bottom)}"  # full size, as in PNGs
                             if style == "latex" else f"∂{top}/∂{bottom}")
                parts.append(sym)
        if mode in ("numeric", "partial") and (node.id, k) in self.data.partials:
            value = self.style.number(self.data.partials[(node.id, k)])
            if not parts or parts[-1] != value:
                parts.append(tex_number(value) if style == "latex" else value)
        return " = ".join(parts) if style == "latex" else self.style.name(" = ".join(parts))


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


def picture(graph, values=None, style=None, max_nodes=MAX_NODES, **options):
    """The labelling of ``graph`` (evaluated at ``values`` by input name, if given) that DOT and TikZ both draw."""
    style = (style or Style()).but(**options)
    n = len(graph.nodes)
    if max_nodes is not None and n > max_nodes:
        raise SizeError(f"the graph has {n:,} nodes, more than the {max_nodes:,} that render in reasonable time; "
                        "group its layers (name nodes 'layer/...' and use a layer picture) or pass "
                        "max_nodes=None (--max-nodes 0) to render it anyway")
    data = values if isinstance(values, Evaluated) else (
        evaluate(graph, values, adjoint=style.view != "forward" or "adjoint" in (style.fields or ()),
                 partials=n <= EDGE_LABEL_LIMIT) if values is not None else None)
    return Picture(graph, style.but(edges=_default_edges(style, n, data is not None)), data)


def highlighted(graph, names):
    """The ids of the nodes called ``names`` (a program's names, ``v3``-style names, or ``x1``); unknown ones refused."""
    known = {}
    for node in graph.nodes:
        if not node.is_const:
            for name in (node.name, vname(graph, node), graph.label(node)):
                if name:
                    known.setdefault(name, node.id)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownNameError(f"cannot highlight '{unknown[0]}': the graph's nodes are {', '.join(known)}")
    return {known[n] for n in names}


def crossings(graph, pinned=False):
    """How many ranks the edges cross in a layout in ranks: each operation on the rank after its deepest
    operand, an input on the first rank (``pinned``) or, as a constant, just before its first use; dot's own
    ranking, which makes the edges as short as it can, crosses no more. Graphviz's dot lays out a
    dummy node for each rank crossed, so a flat sum of n terms with pinned inputs, or one input used at every
    step of a chain (``1*x + 2*x + ...``), crosses about n²/2 and took minutes."""
    depth, first = {}, {}
    for node in graph.nodes:
        depth[node.id] = 1 + max((depth[i.id] for i in node.inputs), default=-1)
        for arg in node.inputs:
            first[arg.id] = min(first.get(arg.id, depth[node.id]), depth[node.id])
    rank = {n.id: depth[n.id] if n.inputs or (pinned and n.is_input) else first.get(n.id, 1) - 1
            for n in graph.nodes}
    return sum(depth[node.id] - rank[arg.id] - 1 for node in graph.nodes for arg in node.inputs)


def in_ranks(graph):
    """Whether dot lays ``graph`` out in ranks quickly enough; the others are drawn by sfdp, without ranks."""
    return crossings(graph) <= RANK_CROSSINGS


def to_dot(graph, values=None, style=None, reveal=None, layout=None, group=None, max_nodes=MAX_NODES, title=None,
           highlight=(), **options):
    """DOT source of ``graph``; ``values`` (by input name) adds values, adjoints and numeric partials.

    ``title`` is a caption above the picture; ``highlight`` names nodes to draw bold, with the edges
    between them ("follow this gradient"); ``options`` change single ``Style`` fields.
    """
    pic = picture(graph, values, style, max_nodes, **options)
    style, n = pic.style, len(graph.nodes)
    ranked = layout is not None or in_ranks(graph)
    marked = highlighted(graph, highlight)
    rich = n <= RICH_LIMIT
    c = style.colour

    dot = Digraph("graphgrad", strict=False)
    dot.attr(rankdir=style.rankdir("LR"), fontname=style.font, fontsize=str(style.fontsize), bgcolor="white",
             nodesep="0.3" if rich else "0.15", ranksep="0.45" if rich else "0.3", pad="0.2")
    dot.attr("node", fontname=style.font, fontsize=str(style.fontsize), penwidth="1.4", margin="0.12,0.06")
    dot.attr("edge", fontname=style.font, fontsize=str(style.fontsize * SMALL), color=c("edge"),
             fontcolor=c("edge"), arrowsize="0.8", penwidth="1.2")
    caption = reveal.caption if reveal is not None else title
    if not ranked:
        note = f"laid out by sfdp, not in ranks: its edges would cross {crossings(graph):,} ranks"
        dot.attr(layout="sfdp")
        caption = f"{caption} ({note})" if caption else note
    if caption:
        dot.attr(label=style.name(caption), labelloc="t", labeljust="l", fontsize=str(style.fontsize * 1.15))
    if layout is not None:
        dot.attr(bb=layout.bb, splines="true")

    groups = group_of(graph) if group in (None, True) else {}
    clusters = {}
    for name in dict.fromkeys(groups.values()):
        sub = Digraph(f"cluster_{name}")
        sub.attr(label=style.name(name), style="rounded,filled", fillcolor=c("cluster"), color=c("cluster_border"),
                 fontcolor=c("const"), labeljust="l")
        clusters[name] = sub

    for node in graph.nodes:
        attrs = {"id": f"n{node.id}"}
        if node.is_const:
            attrs.update(shape="plaintext", label=style.number(node.params["value"]) if node.size <= 6
                         else f"const {node.shape}", fontcolor=c("const"), fontsize=str(style.fontsize * 0.9),
                         margin="0.02", width="0", height="0")  # as small as its text: it sits by its consumer
        else:
            kind = "output" if any(node is o for o in graph.outputs) else "input" if node.is_input else "op"
            label = pic.rich_label(node, reveal) if rich else pic.plain_label(node)
            attrs.update(label=label, shape="box", style="rounded,filled", fillcolor=c(kind),
                         color=c(f"{kind}_border"))
            if node.id in marked:
                attrs.update(color=c("current"), penwidth="3.2")
            if reveal is not None and reveal.current == node.id:
                attrs.update(color=c("current"), fillcolor=c("current_fill"), penwidth="3.2")
        if layout is not None and f"n{node.id}" in layout.nodes:
            pos, width, height = layout.nodes[f"n{node.id}"]
            attrs.update(pos=pos, width=width, height=height, fixedsize="true")
        (clusters[groups[node.id]] if node.id in groups else dot).node(f"n{node.id}", **attrs)

    uses = graph.consumers()
    for node in graph.nodes:  # a constant on its consumer's rank, right beside it, not floating between ranks
        if node.is_const and len(uses[node.id]) == 1:
            consumer = uses[node.id][0][0]
            if node.id not in groups and consumer.id not in groups:
                with dot.subgraph() as rank:
                    rank.attr(rank="same")
                    rank.node(f"n{node.id}")
                    rank.node(f"n{consumer.id}")

    if n > LARGE and ranked and crossings(graph, pinned=True) <= RANK_CROSSINGS:  # inputs in order, first rank
        inputs = [f"n{node.id}" for node in graph.inputs]
        with dot.subgraph(name="inputs") as rank:
            rank.attr(rank="min")
            for a, b in zip(inputs, inputs[1:]):
                rank.edge(a, b, style="invis")

    backward = style.view == "backward"
    for node in graph.nodes:
        for k, arg in enumerate(node.inputs):
            eid = f"e{node.id}_{k}"
            attrs = {"id": eid}
            show_label = style.edges != "none" and not arg.is_const and (reveal is None or (node.id, k) in reveal.partials)
            if show_label:
                text = pic.edge_label(node, k)
                if text:
                    attrs["label"] = f" {text} "
                    attrs["decorate"] = "true"  # underlined and joined to its own edge, never read as a neighbour's
            back = backward and not arg.is_const
            if arg.is_const:  # part of its consumer: a short plain line, never an arrow (no adjoint flows into it)
                attrs.update(style="dotted", dir="none", minlen="0")  # minlen 0: no extra room for a flat edge
            elif backward:
                attrs.update(dir="back", color=c("back_edge"), fontcolor=c("back_edge"), style="dashed")
            if node.id in marked and arg.id in marked:
                attrs.update(color=c("current"), fontcolor=c("current"), penwidth="3", style="solid")
            if reveal is not None and (node.id, k) in reveal.edges and not arg.is_const:
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
