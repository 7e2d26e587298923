"""Network pictures from a plain layer list: layer level for a 784-512-10 MLP, neurons for seed 003's 2-4-4-1."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad.errors import GraphgradError, SizeError
from graphgrad.viz import Layer, graph_layers, layer_dot, network_picture, neuron_dot


def test_mlp_layer_picture_counts_parameters(renderer, svg_texts):
    pic = network_picture([("input", 784), ("dense_1", 512, "relu"), ("dense_2", 10, "softmax")])
    texts = " ".join(svg_texts(pic._repr_svg_()))
    assert f"{784 * 512 + 512:,} params" in texts and f"{512 * 10 + 10:,} params" in texts
    assert f"{784 * 512 + 512 + 512 * 10 + 10:,} trainable parameters" in texts
    assert "(784, 512)" in texts and "(None, 10)" in texts


def test_2_4_4_1_net_has_a_circle_per_neuron_and_weights(renderer, svg_texts, svg_groups):
    rng = np.random.default_rng(3)
    sizes = [2, 4, 4, 1]
    layers = [Layer("input", 2)] + [Layer(f"hidden {j}", n, "sigmoid", (rng.normal(size=(sizes[j - 1], n)), None))
                                    for j, n in enumerate(sizes[1:], 1)]
    svg = network_picture(layers)._repr_svg_()
    texts = svg_texts(svg)
    assert {"a₁⁽¹⁾", "a₂⁽¹⁾", "a₄⁽²⁾", "a₄⁽³⁾", "a₁⁽⁴⁾"} <= set(texts)
    circles = [g for g in svg_groups(svg, "node").values() if any(e.tag.endswith("ellipse") for e in g.iter())]
    assert len(circles) == 11
    assert len(svg_groups(svg, "edge")) == 2 * 4 + 4 * 4 + 4 * 1
    w = layers[2].kernel[3, 1]                        # weight from a₄⁽²⁾ to a₂⁽³⁾
    assert f"{w:.2f}".rstrip("0").rstrip(".") in texts


def test_bad_descriptions_are_named():
    with pytest.raises(GraphgradError, match=r"layer 1 \('h'\): kernel shape \(3, 4\) does not match \(2, 4\)"):
        neuron_dot([("x", 2), ("h", 4, "relu", np.zeros((3, 4)))])
    with pytest.raises(SizeError, match="1306 units.*layer-level"):
        neuron_dot([("x", 784), ("h", 512), ("y", 10)])
    with pytest.raises(GraphgradError, match="at least one more layer"):
        layer_dot([("x", 3)])


def test_graph_layers_groups_named_nodes():
    x = gg.vars("x", shape=(5, 3))
    k1, b1 = gg.ops.input("dense_1/kernel", (3, 4)), gg.ops.input("dense_1/bias", (4,))
    k2, b2 = gg.ops.input("dense_2/kernel", (4, 1)), gg.ops.input("dense_2/bias", (1,))
    y = gg.sigmoid(gg.relu(x @ k1 + b1) @ k2 + b2).mean()
    source = graph_layers(gg.Graph([y]))
    assert "dense_1" in source and f"{3 * 4 + 4:,} params" in source and f"{4 + 1} params" in source
    assert "matmul → add → relu" in source
    with pytest.raises(GraphgradError, match="no layers"):
        graph_layers(gg.parse("y = x*x"))


def _placed_texts(group):
    """The texts of an SVG group as rows (top to bottom) of strings (left to right)."""
    texts = sorted((float(t.get("y")), float(t.get("x")), "".join(t.itertext()))
                   for t in group.iter("{http://www.w3.org/2000/svg}text"))
    rows = []
    for y, x, text in texts:   # a smaller font sits a few points off its row's baseline
        if not rows or y - rows[-1][0][0] > 6:
            rows.append([])
        rows[-1].append((y, x, text))
    return [[text for _, _, text in sorted(row, key=lambda t: t[1])] for row in rows]


def _shown(w):
    return f"{w:.2f}".rstrip("0").rstrip(".")


@pytest.mark.parametrize("sizes", [[2, 4, 4, 1], [3, 3, 1], [4, 6, 6, 2], [5, 8, 3]])
def test_every_weight_is_listed_by_its_two_neurons_clear_of_the_lines(renderer, svg_groups, sizes):
    """Each layer's weights and biases form a matrix W⁽ʲ⁾ under the picture: row = the unit (or +1) feeding,
    column = the unit fed, so no number floats among crossing lines."""
    rng = np.random.default_rng(sum(sizes))
    def rounded(*shape):
        w = np.round(rng.normal(size=shape), 2)
        return np.where(np.abs(w) < 0.01, 0.5, w)
    layers = [Layer("x", sizes[0])] + [Layer(f"h{j}", n, "sigmoid", (rounded(sizes[j - 1], n), rounded(n)))
                                       for j, n in enumerate(sizes[1:], 1)]
    svg = network_picture(layers)._repr_svg_()
    nodes = svg_groups(svg, "node")
    sup = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    def name(i, j):
        return f"a{str(i).translate(sub)}{f'({j})'.translate(sup)}"
    for j, layer in enumerate(layers[1:], 1):
        rows = _placed_texts(nodes[f"W{j}"])
        assert rows[0] == [f"W{f'({j})'.translate(sup)}"] + [name(k, j + 1) for k in range(1, layer.units + 1)]
        assert rows[1] == ["+1"] + [_shown(b) for b in layer.bias]
        assert rows[2:] == [[name(i, j)] + [_shown(w) for w in layer.kernel[i - 1]] for i in range(1, sizes[j - 1] + 1)]
    circles = [e for g in nodes.values() for e in g.iter("{http://www.w3.org/2000/svg}ellipse")]
    assert len(circles) == sum(sizes) + len(sizes) - 1                  # a +1 bias unit beside each layer but the last
    lowest = max(float(e.get("cy")) + float(e.get("ry")) for e in circles)
    assert all(float(t.get("y")) > lowest for j in range(1, len(sizes))
               for t in nodes[f"W{j}"].iter("{http://www.w3.org/2000/svg}text"))


def test_too_many_weights_to_label_says_so():
    rng = np.random.default_rng(0)
    source = neuron_dot([("x", 30), ("h", 30, "relu", rng.normal(size=(30, 30)))])
    assert "too many weights to list" in source and 'id="W' not in source


_point = st.tuples(st.floats(0, 500), st.floats(0, 300))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_point, _point, st.tuples(st.floats(5, 40), st.floats(5, 15))), max_size=12))
def test_placed_labels_never_overlap_and_sit_on_their_segments(segments):
    from graphgrad.viz.placing import place_labels
    segments = [(a, b, size) for a, b, size in segments if np.hypot(b[0] - a[0], b[1] - a[1]) > 1]
    centres = place_labels(segments, keep_clear=[(0, 0, 10, 10)])
    if centres is None:
        return
    boxes = [(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2) for (cx, cy), (_, _, (w, h)) in zip(centres, segments)]
    for n, (p, seg) in enumerate(zip(boxes, segments)):
        assert not (p[0] < 10 and 0 < p[2] and p[1] < 10 and 0 < p[3])
        assert all(not (p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]) for q in boxes[n + 1:])
        (ax, ay), (bx, by), _ = seg
        cx, cy = centres[n]
        assert abs((bx - ax) * (ay - cy) - (ax - cx) * (by - ay)) / np.hypot(bx - ax, by - ay) < 1e-6


def test_stack_picture_labels_the_feature_maps_and_escapes_names():
    from graphgrad.viz import stack_dot
    source = stack_dot([("input", "", 0, (28, 28, 1)), ("<conv>", "Conv2D(filters=6)", 60, (26, 26, 6)),
                        ("pool", "MaxPooling2D()", 0, (13, 13, 6))])
    assert "28×28×1" in source and "26×26×6" in source and "13×13×6" in source
    assert "&lt;conv&gt;" in source and "<conv>" not in source
    assert "2 layers · 60 parameters" in source

