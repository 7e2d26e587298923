"""Graph pictures: the values, adjoints and partials a lecturer needs are in the SVG, with each renderer."""
import math
import re

import pytest

import graphgrad as gg
from graphgrad.errors import GraphgradError, SizeError
from graphgrad.viz import Style, render, to_dot
from graphgrad.viz.draw import crossings
from graphgrad.viz.render import svg


def _numbers(texts):
    """The numbers written after '=' in the picture's texts."""
    return {m for t in texts for m in re.findall(r"= (-?[\d.]+)\b", t)}


def test_baydin_values_and_adjoints_are_drawn(renderer, baydin, tmp_path, svg_texts, svg_groups):
    graph, at = baydin
    path = render(graph, tmp_path / "baydin.svg", at, view="both")
    texts = svg_texts(path.read_text())
    y = math.log(2) + 2 * 5 - math.sin(5)            # hand-derived from the seed, not from graphgrad
    dx1, dx2 = 1 / 2 + 5, 2 - math.cos(5)
    found = _numbers(texts)
    for value in (y, dx1, dx2, math.log(2), math.sin(5)):
        assert f"{value:.3f}".rstrip("0").rstrip(".") in found
    assert "11.652" in found and "5.5" in found and "1.716" in found
    assert len(svg_groups(path.read_text(), "node")) == len(graph.nodes)


def test_backprop_seed_dj_da_is_12(renderer, backprop_j, tmp_path, svg_texts, svg_groups):
    graph, at = backprop_j
    texts = svg_texts(render(graph, tmp_path / "j.svg", at, view="backward").read_text())
    adjoints = {t.split(" = ")[0]: t.split(" = ")[1] for t in texts if t.startswith("dJ/d")}
    assert adjoints == {"dJ/da": "12", "dJ/db": "15", "dJ/dc": "3", "dJ/du": "3", "dJ/dv": "3", "dJ/dJ": "1"}


def test_edge_labels_show_symbolic_and_numeric_partials(renderer, baydin, svg_texts, svg_groups):
    graph, at = baydin
    texts = " ".join(svg_texts(svg(to_dot(graph, at, view="backward", edges="partial"))))
    assert "∂v₃/∂v₀ = cos(v₀) = 0.284" in texts     # cos 5 = 0.2837
    assert "∂v₁/∂v₋₁ = 1/v₋₁ = 0.5" in texts
    none = " ".join(svg_texts(svg(to_dot(graph, at, view="backward", edges="none"))))
    assert "∂v₃/∂v₀" not in none


def test_backward_view_points_edges_back():
    graph = gg.parse("y = sin(x)*x")
    back = to_dot(graph, {"x": 1.0}, view="backward")
    forward = to_dot(graph, {"x": 1.0}, view="forward")
    assert back.count("dir=back") == 3 and "dir=back" not in forward


def test_node_used_twice_has_two_edges_and_summed_adjoint(renderer, svg_texts, svg_groups):
    graph = gg.parse("b = a + a; c = b + b")
    source = to_dot(graph, {"a": 1.5}, view="backward")
    texts = svg_texts(svg(source))
    edges = re.findall(r"(n\d+) -> (n\d+)", source)
    assert len(edges) == 4 and len(set(edges)) == 2     # each use drawn
    a_id = f"n{graph.inputs[0].id}"
    assert "dc/da = 4" in texts  # dc/da = 4, summed over the 4 paths
    assert sum(1 for e in edges if e[0] == a_id) == 2


def test_fields_and_precision_are_options(baydin):
    graph, at = baydin
    source = to_dot(graph, at, style=Style(precision=5, fields=("name", "value")))
    assert "11.65207" in source and "ln v" not in source
    with pytest.raises(GraphgradError, match="unknown field 'colour'"):
        Style(fields=("colour",))
    with pytest.raises(GraphgradError, match="unknown view"):
        to_dot(graph, at, view="sideways")


def test_size_guard_names_the_size_and_the_way_out():
    x = gg.vars("x")
    y = x
    for _ in range(60):
        y = gg.sin(y)
    with pytest.raises(SizeError, match=r"61 nodes, more than the 50.*max_nodes=None"):
        to_dot(gg.Graph([y]), max_nodes=50)


def test_large_graph_drops_edge_labels_and_table_labels():
    x = gg.vars("x")
    y = x
    for _ in range(300):
        y = gg.sin(y) * 0.5
    source = to_dot(gg.Graph([y]), {"x": 0.3}, view="both")
    assert "label=<" not in source and "∂" not in source


def test_layers_named_with_prefix_become_clusters():
    x = gg.vars("x", shape=(3,))
    w = gg.ops.input("dense_1/kernel", (3, 2))
    b = gg.ops.input("dense_1/bias", (2,))
    h = gg.relu(x @ w + b)
    source = to_dot(gg.Graph([h.sum()]))
    assert "subgraph cluster_dense_1" in source
    cluster = source.split("subgraph cluster_dense_1")[1]
    for op in ("matmul", "add", "relu"):
        node = next(n for n in gg.Graph([h.sum()]).nodes if n.op.name == op)
        assert f"n{node.id} " in cluster


HOSTILE = 'a"<b>&amp;\\l\\"}{'


def test_hostile_names_are_drawn_as_written(renderer, tmp_path, svg_texts):
    x = gg.ops.input(HOSTILE)
    u = (gg.sin(x) * 2).named('u\\n"</TD>')
    graph = gg.Graph([(u + 1).named("out\\")], [x])
    path = render(graph, tmp_path / "hostile.svg", {HOSTILE: 1.0}, view="both", edges="partial", title=HOSTILE)
    texts = svg_texts(path.read_text())
    assert HOSTILE in texts and 'u\\n"</TD>' in texts and "out\\" in texts               # node labels
    assert ' ∂u\\n"</TD>/∂v₁ = 2 ' in texts and f" ∂v₁/∂{HOSTILE} = cos({HOSTILE}) = 0.54 " in texts  # edge labels
    assert "<b>" not in path.read_text()


def test_plain_labels_of_big_graphs_keep_names_as_written(renderer, tmp_path, svg_texts, monkeypatch):
    monkeypatch.setattr("graphgrad.viz.draw.RICH_LIMIT", 0)   # the one-line labels of graphs over the limit
    x = gg.ops.input(HOSTILE)
    graph = gg.Graph([gg.sin(x) * 2], [x])
    texts = " ".join(svg_texts(render(graph, tmp_path / "plain.svg", {HOSTILE: 1.0}).read_text()))
    assert HOSTILE in texts


def test_highlight_draws_the_named_nodes_and_the_edges_between_them(renderer, backprop_j, svg_groups):
    from graphgrad.viz import show
    from graphgrad.viz.style import COLOURS
    graph, at = backprop_j
    svg = show(graph, at, view="backward", highlight=["a", "u", "v", "J"])._repr_svg_()
    bold = COLOURS["current"].lower()

    def colours(group):
        return {e.get("stroke", "").lower() for e in group.iter() if e.tag.endswith(("path", "polygon"))}
    named = {graph.label(n): f"n{n.id}" for n in graph.nodes}
    nodes, edges = svg_groups(svg, "node"), svg_groups(svg, "edge")
    assert {k for k, g in nodes.items() if bold in colours(g)} == {named[k] for k in ("a", "u", "v", "J")}
    path = {f"e{n.id}_{k}" for n in graph.nodes for k, i in enumerate(n.inputs)
            if graph.label(n) in ("u", "v", "J") and graph.label(i) in ("a", "u", "v")}
    assert len(path) == 3 and {k for k, g in edges.items() if bold in colours(g)} == path


def test_highlighting_an_unknown_name_is_refused_in_one_line(backprop_j):
    with pytest.raises(gg.GraphgradError, match="cannot highlight 'q': the graph's nodes are a, v-2, b"):
        to_dot(backprop_j[0], highlight=["a", "q"])


def test_large_graphs_keep_inputs_in_order_on_the_first_rank():
    import re as regex
    terms = " + ".join(f"sin(x{i})*w{i}" for i in range(1, 13))
    graph = gg.parse(f"y = ln(1 + exp(-({terms})))")
    source = to_dot(graph)
    block = source[source.index("subgraph inputs"):]
    block = block[:block.index("}")]
    assert "rank=min" in block
    chain = regex.findall(r"(n\d+) -> (n\d+) \[style=invis\]", block)
    order = [chain[0][0]] + [b for _, b in chain]
    assert order == [f"n{n.id}" for n in graph.inputs] and [n.name for n in graph.inputs][:4] == ["x1", "w1", "x2", "w2"]


def _flat_sum(n, term="x{i}"):
    return gg.parse("y = " + " + ".join(term.format(i=i) for i in range(n)))


def test_crossings_count_the_ranks_each_edge_crosses():
    """A flat sum of n terms is a chain n - 1 deep; pinned to the first rank, input x_k crosses the k - 1
    ranks up to its addition, (n - 1)(n - 2)/2 in all; left free, each input sits next to its addition."""
    assert (crossings(_flat_sum(100), pinned=True), crossings(_flat_sum(100))) == (99 * 98 // 2, 0)
    assert crossings(gg.parse("y = ln(x1) + x1*x2 - sin(x2)")) == 1     # sin x2 is one rank before v5
    assert crossings(_flat_sum(150, "{i}*x")) == 148 * 149 // 2           # i*x waits i - 1 ranks for its addition


def test_a_flat_sum_is_laid_out_in_ranks_with_each_input_beside_its_use():
    """Pinning the 500 inputs to the first rank made dot lay out 124,251 dummy nodes (minutes, then a crash)."""
    source = to_dot(_flat_sum(500))
    assert "subgraph inputs" not in source and "layout=" not in source and source.count(" -> ") == 499 * 2


def test_a_graph_that_crosses_too_many_ranks_is_laid_out_by_sfdp_and_says_so():
    source = to_dot(_flat_sum(150, "{i}*x"), title="<b>")
    assert "layout=sfdp" in source
    assert 'label="<b> (laid out by sfdp, not in ranks: its edges would cross 11,026 ranks)"' in source


def test_partial_notation_works_for_an_unnamed_output():
    source = to_dot(gg.parse("sin(x)*x"), {"x": 1.0}, view="backward", notation="partial")
    assert f"dv₂/dx = {math.sin(1) + math.cos(1):.3f}" in source      # d(x sin x)/dx, the output named v2


def _layout(source):
    """Graphviz's centre and height (points) of the nodes of DOT ``source``, by DOT id."""
    import json
    from graphgrad.viz.renderer import require
    objects = json.loads(require("json").run(source, "json"))["objects"]
    return {o["id"]: (*(float(v) for v in o["pos"].split(",")), float(o["height"]) * 72)
            for o in objects if "id" in o and "pos" in o}


def test_a_constant_sits_beside_its_consumer(renderer):
    graph = gg.parse("J = 3*(a*b + c)")
    const = next(n for n in graph.nodes if n.is_const)
    for view in ("forward", "backward", "both"):
        pos = _layout(to_dot(graph, {"a": 5, "b": 4, "c": 1}, view=view))
        (x3, y3, h3), (xj, yj, hj) = pos[f"n{const.id}"], pos[f"n{graph.output.id}"]
        assert abs(x3 - xj) < 1                              # the same rank (column) as J
        assert abs(y3 - yj) - (h3 + hj) / 2 < 25             # right above or below it, not a rank away


def test_no_adjoint_arrow_points_into_a_constant(renderer, backprop_j, svg_groups):
    graph, at = backprop_j
    const = next(n for n in graph.nodes if n.is_const)
    consumer = next(n for n in graph.nodes if any(a is const for a in n.inputs))
    k = next(k for k, a in enumerate(consumer.inputs) if a is const)
    for view in ("backward", "both"):
        edges = svg_groups(svg(to_dot(graph, at, view=view)), "edge")
        heads = {eid: len(list(g.iter("{http://www.w3.org/2000/svg}polygon"))) for eid, g in edges.items()}
        assert heads.pop(f"e{consumer.id}_{k}") == 0
        assert all(n == 1 for n in heads.values())     # every other edge has its one arrow


def _bezier(d):
    """Points along an SVG path of cubic Béziers (``M x,y C x,y x,y x,y ...``)."""
    xy = [tuple(map(float, p.split(","))) for p in re.findall(r"-?[\d.]+,-?[\d.]+", d)]
    out = []
    for i in range(0, len(xy) - 3, 3):
        p0, p1, p2, p3 = xy[i:i + 4]
        for t in (j / 50 for j in range(51)):
            u = 1 - t
            out.append(tuple(u ** 3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t ** 3 * e
                             for a, b, c, e in zip(p0, p1, p2, p3)))
    return out


def test_each_edge_label_is_joined_to_its_own_edge(renderer, baydin, svg_groups):
    """Two edges enter v₂ (Baydin): each partial is underlined and tied by a line to its own edge, none other."""
    graph, at = baydin
    ns = "{http://www.w3.org/2000/svg}"
    edges = svg_groups(svg(to_dot(graph, at, view="backward")), "edge")
    curves = {eid: _bezier(g.find(f"{ns}path").get("d")) for eid, g in edges.items()}
    for eid, g in edges.items():
        text, line = g.find(f"{ns}text"), g.find(f"{ns}polyline")
        assert text is not None and line is not None, eid
        points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        assert abs(points[0][1] - float(text.get("y"))) < 6          # the underline is under the label
        end = points[-1]
        distance = {other: min(math.dist(end, p) for p in curve) for other, curve in curves.items()}
        assert distance[eid] < 4 and min(distance, key=distance.get) == eid


def test_adjoints_and_local_partials_never_share_a_name(renderer, svg_groups):
    """In J = 2u the edge's local ∂J/∂u and u's adjoint were both written ∂J/∂u: the adjoint is now dJ/du."""
    source = svg(to_dot(gg.parse("u = x*x; J = 2*u"), {"x": 3.0}, view="backward", notation="partial"))

    def names(kind):
        return {"".join(t.itertext()).split(" = ")[0].strip() for g in svg_groups(source, kind).values()
                for t in g.iter("{http://www.w3.org/2000/svg}text") if " = " in "".join(t.itertext())}
    adjoints, partials = names("node"), names("edge")
    assert {"dJ/dx", "dJ/du"} <= adjoints and {"∂J/∂u", "∂u/∂x"} <= partials and not adjoints & partials
