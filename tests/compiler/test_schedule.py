"""Loop merging: which loops share one, that values stay right, and that merged loops never share arrays badly."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.compiler import compile
from graphgrad.compiler.buffers import plan
from graphgrad.compiler.executor import prepare
from graphgrad.compiler.schedule import schedule
from graphgrad.graph import Graph
from graphgrad.ops import input as make_input


def _rmsprop(shape=(6, 4), dtype=np.float64):
    """RMSprop's update alone: the new slot is an output and is read again by the new weight."""
    g, s, w = (make_input(n, shape, dtype) for n in ("g", "s", "w"))
    new_s = 0.9 * s + 0.1 * g * g
    new_w = w - 0.01 * g / (gg.sqrt(new_s) + 1e-7)
    return Graph([new_s, new_w], [g, s, w])


def _names(graph, group):
    return [graph.label(n) for n in group]


def test_rmsprop_slot_and_weight_updates_are_one_loop():
    graph = prepare(_rmsprop())
    order = schedule(graph)
    assert [len(g) for g in order.groups] == [2]
    assert {n.id for n in order.groups[0]} == {o.id for o in graph.outputs}
    compiled = compile(_rmsprop())
    assert compiled.source.count("for i in range(24)") == 1
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(6, 4)), rng.uniform(0, 1, (6, 4)), rng.normal(size=(6, 4))]
    for a, b in zip(compiled(*values), _rmsprop()(*values)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_bias_gradient_sum_joins_the_delta_loop():
    up, h, x = make_input("up", (5, 3)), make_input("h", (5, 3)), make_input("x", (5, 2))
    delta = up * gg.ops.heaviside(h)
    graph = Graph([gg.sum(delta, axis=0), x.T @ delta], [up, h, x])
    order = schedule(prepare(graph))
    (group,) = order.groups
    assert [n.op.name for n in group] == ["fused", "sum"]
    rng = np.random.default_rng(1)
    values = [rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))]
    for a, b in zip(compile(graph)(*values), graph(*values)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_loops_that_cannot_share_stay_apart():
    x, w, v = make_input("x", (4, 3)), make_input("w", (3, 3)), make_input("v", (3,))
    a = gg.exp(x)
    later = a @ w                     # computed after a's loop: a loop reading it cannot join that loop
    b = gg.tanh(v)
    wider = x * b                     # reads b at a broadcast index, over another domain
    graph = Graph([a, a * later, b, wider], [x, w, v])
    order = schedule(prepare(graph))
    assert order.groups == []


def test_nothing_moves_across_the_barrier():
    x, y = make_input("x", (4,)), make_input("y", (4,))
    first = gg.exp(x)
    loss = gg.sum(first * y)
    update = x - gg.tanh(gg.sin(first))   # reads first element by element, but runs after the loss
    graph = prepare(Graph([loss, update, first], [x, y]))
    loss_node, update_node = graph.outputs[:2]
    assert [len(g) for g in schedule(graph).groups] == [3]
    order = schedule(graph, barrier=loss_node)
    assert all(node is not update_node for g in order.groups for node in g)
    assert order.position[update_node.id] > order.position[loss_node.id]


def _overlap(a, b):
    return a.dtype == b.dtype and a.offset < b.offset + b.size and b.offset < a.offset + a.size


@pytest.mark.parametrize("optimizer", ["rmsprop", "adam"])
def test_values_a_merged_loop_touches_never_share_an_array(optimizer):
    model = nn.Sequential([nn.Dense(16, activation="relu", input_shape=(12,)), nn.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    step = model.step_graph(8)
    graph = prepare(step.graph)
    order = schedule(graph, barrier=graph.outputs[0])
    assert any(len(g) > 1 for g in order.groups)
    result = plan(graph, (), order)
    for group in order.groups:
        touched = {n.id for n in group} | {a.id for n in group for a in n.inputs}
        touched = {result.alias.get(i, i) for i in touched} & set(result.slots)
        for i in touched:
            for j in touched:
                assert i == j or not _overlap(result.slots[i], result.slots[j]), _names(graph, group)
