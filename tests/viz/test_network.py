"""Network pictures from a plain layer list: layer level for a 784-512-10 MLP, neurons for seed 003's 2-4-4-1."""
import numpy as np
import pytest

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


def _label_boxes(svg, svg_groups):
    """Each weight label's drawn box (x0, y0, x1, y1) by its id ``w{layer}_{unit}_{unit}``."""
    boxes = {}
    for gid, g in svg_groups(svg, "node").items():
        if gid and gid.startswith("w"):
            poly = next(e for e in g.iter() if e.tag.endswith("polygon"))
            xs, ys = zip(*(map(float, p.split(",")) for p in poly.get("points").split()))
            boxes[gid] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def _centres(svg, svg_groups):
    out = {}
    for gid, g in svg_groups(svg, "node").items():
        ellipse = next((e for e in g.iter() if e.tag.endswith("ellipse")), None)
        if ellipse is not None:
            out[gid] = (float(ellipse.get("cx")), float(ellipse.get("cy")))
    return out


@pytest.mark.parametrize("sizes", [[2, 4, 4, 1], [3, 3, 1], [4, 6, 6, 2], [5, 8, 3]])
def test_weight_labels_sit_on_their_own_edges_without_overlapping(renderer, svg_groups, sizes):
    rng = np.random.default_rng(sum(sizes))
    layers = [Layer("x", sizes[0])] + [Layer(f"h{j}", n, "sigmoid", (rng.normal(size=(sizes[j - 1], n)),
                                                                       rng.normal(size=n)))
                                       for j, n in enumerate(sizes[1:], 1)]
    svg = network_picture(layers, bias=True)._repr_svg_()
    boxes = _label_boxes(svg, svg_groups)
    edges = sum((sizes[j] + 1) * sizes[j + 1] for j in range(len(sizes) - 1))
    assert len(boxes) == edges                                     # every weight and bias is labelled
    ids = sorted(boxes)
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            p, q = boxes[ids[a]], boxes[ids[b]]
            assert not (p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]), f"{ids[a]} overlaps {ids[b]}"
    centres = _centres(svg, svg_groups)
    for gid, (x0, y0, x1, y1) in boxes.items():                    # each box's centre lies on its own edge
        j, i, k = map(int, gid[1:].split("_"))
        (ax, ay), (bx, by) = centres[f"u{j}_{i}"], centres[f"u{j + 1}_{k}"]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        distance = abs((bx - ax) * (ay - cy) - (ax - cx) * (by - ay)) / np.hypot(bx - ax, by - ay)
        assert distance < 1.5 and min(ax, bx) < cx < max(ax, bx), gid


def test_too_many_weights_to_label_says_so():
    rng = np.random.default_rng(0)
    source = neuron_dot([("x", 30), ("h", 30, "relu", rng.normal(size=(30, 30)))])
    assert "too many weights to label" in source and 'id="w' not in source


def test_stack_picture_labels_the_feature_maps_and_escapes_names():
    from graphgrad.viz import stack_dot
    source = stack_dot([("input", "", 0, (28, 28, 1)), ("<conv>", "Conv2D(filters=6)", 60, (26, 26, 6)),
                        ("pool", "MaxPooling2D()", 0, (13, 13, 6))])
    assert "28×28×1" in source and "26×26×6" in source and "13×13×6" in source
    assert "&lt;conv&gt;" in source and "<conv>" not in source
    assert "2 layers · 60 parameters" in source

