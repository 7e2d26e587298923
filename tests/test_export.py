"""networkx export: every node with its attributes, every use of a node as an edge with its argument index."""
import networkx as nx

import graphgrad as gg
from graphgrad.export import to_networkx


def test_nodes_carry_op_names_shapes_and_text():
    g = gg.parse("y = ln(x1) + x1*x2 - sin(x2)")
    G = to_networkx(g)
    assert isinstance(G, nx.DiGraph)
    assert set(G.nodes) == {n.id for n in g.nodes}
    by_vname = {d["vname"]: d for _, d in G.nodes(data=True)}
    assert by_vname["v-1"]["op"] == "input" and by_vname["v-1"]["name"] == "x1"
    assert by_vname["v1"]["text"] == "v1 = ln v-1"
    assert by_vname["v5"]["label"] == "y" and by_vname["v5"]["text"] == "v5 (y) = v4 - v3"
    assert by_vname["v2"]["shape"] == () and by_vname["v2"]["dtype"] == "float64"
    assert G.graph["inputs"] == [n.id for n in g.inputs] and G.graph["outputs"] == [g.output.id]


def test_edges_follow_arguments_and_keep_both_uses_of_a_node():
    g = gg.parse("b = a + a; c = b * 2")
    G = to_networkx(g)
    a, b = g.input("a"), g.output.inputs[0]
    assert sorted(d["index"] for _, _, d in G.edges(a.id, data=True)) == [0, 1]   # a + a: two edges
    c = g.output
    const = c.inputs[1]
    assert G.nodes[const.id]["op"] == "const" and G.nodes[const.id]["text"] == "2"
    assert G.edges[b.id, c.id, 0]["index"] == 0 and G.edges[const.id, c.id, 1]["index"] == 1


def test_topological_order_matches_the_graph_and_a_deep_chain_exports():
    v = gg.vars("x")
    for _ in range(5000):
        v = gg.sin(v)
    g = gg.Graph([v])
    G = to_networkx(g)
    assert nx.is_directed_acyclic_graph(G)
    assert nx.dag_longest_path_length(G) == 5000
    assert [G.nodes[n]["level"] for n in nx.topological_sort(G)] == list(range(5001))
