"""Buffer planning: dead arrays are reused, live ones never share, views cost nothing."""
import numpy as np

import graphgrad as gg
from graphgrad.compiler.buffers import plan
from graphgrad.compiler.fusion import fuse
from graphgrad.graph import Graph
from graphgrad.ops import input as make_input


def _live_ranges(graph, result):
    """For each planned node, (first position, last position it is read) and its slot."""
    position = {n.id: k for k, n in enumerate(graph.nodes)}
    last = {}
    for node in graph.nodes:
        for arg in node.inputs:
            root = result.alias.get(arg.id, arg.id)
            last[root] = max(last.get(root, -1), position[node.id])
    for out in graph.outputs:
        last[result.alias.get(out.id, out.id)] = len(graph.nodes)
    return {i: (position[i], last.get(i, position[i]), s) for i, s in result.slots.items()}


def _chain(n=6):
    x, w = make_input("x", (4, 4)), make_input("w", (4, 4))
    h = x
    for _ in range(n):
        h = gg.sigmoid(h @ w)
    return fuse(Graph([gg.sum(h)], [x, w]))


def test_a_chain_of_layers_reuses_two_arrays():
    graph = _chain()
    result = plan(graph)
    assert result.reused > 0
    assert result.arena["<f8"] <= 2 * 16 + 16  # not one array per layer
    assert len(result.slots) > 6


def test_values_alive_at_the_same_time_never_overlap():
    graph = _chain()
    ranges = _live_ranges(graph, plan(graph))
    items = list(ranges.values())
    for k, (start, end, slot) in enumerate(items):
        for start2, end2, slot2 in items[k + 1:]:
            overlap_time = start <= end2 and start2 <= end
            overlap_space = slot.offset < slot2.offset + slot2.size and slot2.offset < slot.offset + slot.size
            assert not (overlap_time and overlap_space)


def test_reshape_is_a_view_and_matmul_only_transpose_is_virtual():
    x, w = make_input("x", (3, 4)), make_input("w", (3, 2))
    t = gg.transpose(gg.exp(x))
    graph = Graph([gg.reshape(t @ w, (8,))], [x, w])
    result = plan(graph)
    kinds = {n.op.name: n.id for n in graph.nodes}
    assert kinds["transpose"] in result.virtual
    assert result.alias[kinds["reshape"]] == kinds["matmul"]
    assert kinds["transpose"] not in result.slots and kinds["reshape"] not in result.slots


def test_outputs_kept_outside_get_no_slot():
    x = make_input("x", (5,))
    graph = Graph([gg.exp(x) + 1.0], [x])
    assert graph.output.id not in plan(graph, outside={graph.output.id}).slots
    assert graph.output.id in plan(graph).slots


def test_scalars_live_in_variables():
    x = make_input("x", ())
    graph = Graph([gg.sin(x) * gg.cos(x)], [x])
    assert plan(graph).slots == {} and plan(graph).arena == {}
    assert np.isclose(graph(x=0.3), np.sin(0.3) * np.cos(0.3))
