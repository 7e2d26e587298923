"""A small convolution pixel by pixel: each output pixel's edges are its receptive field, with the kernel weights."""
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from graphgrad.errors import GraphgradError, SizeError
from graphgrad.viz import convolution_dot, convolution_picture
from graphgrad.viz.convolution import receptive_fields

from .conftest import SVG

SOBEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def field_by_definition(kernel, size, i, j, stride, padding, dilation):
    """conv2d's definition: y[i, j] = sum over (a, b) of w[a, b] * x[i*s + a*d - p, j*s + b*d - p] (x outside is 0)."""
    kh, kw = kernel.shape
    rows = {(i * stride + a * dilation - padding, j * stride + b * dilation - padding): (a, b)
            for a in range(kh) for b in range(kw)}
    return {rc: ab for rc, ab in rows.items() if 0 <= rc[0] < size[0] and 0 <= rc[1] < size[1]}


def test_one_output_pixels_edges_are_its_receptive_field_with_the_weights(renderer, svg_groups):
    kernel = SOBEL + np.arange(9).reshape(3, 3) / 10       # distinct weights, so a wrong pairing shows
    svg = convolution_picture(kernel, (4, 4), highlight=(0, 1))._repr_svg_()
    edges = svg_groups(svg, "edge")
    assert len(edges) == 4 * 9
    into = {tuple(int(n) for n in e.split("-")[0][1:].split("_")) for e in edges if e.endswith("-y0_1")}
    expected = field_by_definition(kernel, (4, 4), 0, 1, 1, 0, 1)
    assert into == set(expected)
    labels = {g: "".join(t.text for t in el.iter(f"{SVG}text")) for g, el in svg_groups(svg, "node").items()
              if g.startswith("w-")}
    assert labels == {f"w-x{r}_{c}-y0_1": f"{kernel[a, b]:.2f}".rstrip("0").rstrip(".")
                      for (r, c), (a, b) in expected.items()}


def test_without_highlight_every_edge_is_labelled(renderer, svg_groups):
    svg = convolution_picture(SOBEL, (4, 4))._repr_svg_()
    labels = [g for g in svg_groups(svg, "node") if g.startswith("w-")]
    assert len(labels) == len(svg_groups(svg, "edge")) == 36


@settings(max_examples=25, deadline=None)
@given(h=st.integers(3, 6), w=st.integers(3, 6), kh=st.integers(1, 3), kw=st.integers(1, 3),
       stride=st.integers(1, 2), padding=st.integers(0, 1), dilation=st.integers(1, 2))
def test_receptive_fields_follow_the_definition(h, w, kh, kw, stride, padding, dilation):
    oh, ow = ((h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1,
              (w + 2 * padding - dilation * (kw - 1) - 1) // stride + 1)   # the output size formula
    assume(oh > 0 and ow > 0 and h * w + oh * ow <= 64)
    fields, shape = receptive_fields(np.ones((kh, kw)), (h, w), strides=stride, padding=padding, dilation=dilation)
    assert shape == (oh, ow)
    for (i, j), field in fields.items():
        assert field == field_by_definition(np.ones((kh, kw)), (h, w), i, j, stride, padding, dilation)


def test_names_are_escaped(renderer, svg_texts):
    texts = svg_texts(convolution_picture(SOBEL, (3, 3), names=('<x&"', "y\\n"))._repr_svg_())
    assert '<x&": 3×3' in texts and "y\\n: 1×1" in texts and '<x&"00' in texts


def test_too_large_or_multi_channel_convolutions_are_refused():
    with pytest.raises(SizeError, match="784 input and 676 output pixels; .* at most 64"):
        convolution_dot(SOBEL, (28, 28))
    with pytest.raises(GraphgradError, match=r"1-channel kernel.*\(3, 3, 2, 6\)"):
        convolution_dot(np.ones((3, 3, 2, 6)), (4, 4))
    with pytest.raises(GraphgradError, match=r"highlight \(2, 0\) is not an output pixel; the output is 2x2"):
        convolution_dot(SOBEL, (4, 4), highlight=(2, 0))
