"""Convolution and pooling lowered to im2col/col2im, BLAS products and window loops in either layout, and einsum
lowered to products and sums, give the interpreter's values."""
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from graphgrad.compiler.lowering import lower


def network(layout):
    """conv (same padding, strides 2x1, dilation) -> relu -> max pool -> conv -> avg pool -> batch norm -> sum,
    with its gradient in x and both kernels: every windowed primitive and its adjoints."""
    nchw = layout == "NCHW"
    x = ops.input("x", (2, 3, 7, 6) if nchw else (2, 7, 6, 3))
    w1 = ops.input("w1", (4, 3, 3, 2) if nchw else (3, 2, 3, 4))
    w2 = ops.input("w2", (2, 4, 2, 2) if nchw else (2, 2, 4, 2))
    h = ops.relu(ops.conv2d(x, w1, strides=(2, 1), padding="same", dilation=(1, 2), layout=layout))
    h = ops.max_pool2d(h, 2, strides=1, padding="same", layout=layout)
    h = ops.avg_pool2d(ops.conv2d(h, w2, padding=1, layout=layout), 2, layout=layout)
    h = ops.batch_norm(h, 1.5, 0.2, *ops.moments(h, axis=1 if nchw else -1), axis=1 if nchw else -1)
    loss = ops.sum(h * h * ops.const(np.linspace(0.1, 1.0, h.size).reshape(h.shape)))
    return gg.grad_graph(gg.Graph([loss], [x, w1, w2]))


def values(graph, seed=0):
    rng = np.random.default_rng(seed)
    return {n.name: rng.normal(size=n.shape) for n in graph.inputs}


@pytest.mark.parametrize("layout", ["NHWC", "NCHW"])
def test_lowered_graph_computes_the_same_values(layout):
    graph = network(layout)
    given = values(graph)
    names = {n.op.name for n in lower(graph).nodes}
    assert {"im2col", "col2im", "matmul"} <= names and not names & {"conv2d", "conv2d_input_grad"}
    for a, b in zip(graph(**given), lower(graph)(**given)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("layout", ["NHWC", "NCHW"])
def test_compiled_network_and_gradient_match_the_interpreter(layout):
    graph = network(layout)
    given = values(graph, 1)
    compiled = gg.compile(graph)
    for a, b in zip(graph(**given), compiled(**given)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
    assert not TRANSPOSE_LOOP.search(compiled.source)     # each layout runs in its own: no image is transposed


TRANSPOSE_LOOP = re.compile(r"ᵀ\n\s+for ")   # a transpose's comment, then the loop copying it


GEOMETRIES = [((1, 3, 7, 5), (4, 3, 3, 2), 1, "valid", 1),                    # batch 1, odd sizes, a 3x2 kernel
              ((2, 2, 9, 8), (3, 2, 3, 3), (2, 3), ((2, 0), (1, 3)), 1),      # strides, uneven padding
              ((3, 1, 6, 7), (2, 1, 2, 3), (1, 2), "same", (2, 1))]           # dilation, 'same'


def test_nchw_convolutions_and_max_pool_compiled_match_the_interpreter():
    """conv2d and its gradients in x and w (im2col_nchw, batched products, col2im_nchw), then max pooling of
    NCHW images and its gradient, at sizes where windows hang over the edges: one graph, one compile."""
    inputs, loss = [], 0.0
    for k, (shape, kernel, strides, padding, dilation) in enumerate(GEOMETRIES):
        x, w = ops.input(f"x{k}", shape), ops.input(f"w{k}", kernel)
        y = ops.conv2d(x, w, strides=strides, padding=padding, dilation=dilation, layout="NCHW")
        pooled = ops.max_pool2d(ops.tanh(y), 2, strides=(1, 2), padding="same", layout="NCHW")
        loss = loss + ops.sum(pooled * ops.const(np.linspace(-1.0, 1.0, pooled.size).reshape(pooled.shape)))
        inputs += [x, w]
    graph = gg.grad_graph(gg.Graph([loss], inputs))
    given = values(graph, 5)
    compiled = gg.compile(graph)
    assert all(f"{helper}(" in compiled.source
               for helper in ("im2col_nchw", "col2im_nchw", "batched_gemm", "max_pool_nchw", "max_pool_grad_nchw"))
    for a, b in zip(graph(**given), compiled(**given)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


def grouped(layout):
    """A groups=2 convolution and a depthwise one (groups = channels), with the gradient in x and the kernels."""
    nchw = layout == "NCHW"
    x = ops.input("x", (2, 4, 5, 6) if nchw else (2, 5, 6, 4))
    w = ops.input("w", (6, 2, 3, 2) if nchw else (3, 2, 2, 6))
    h = ops.conv2d(x, w, padding="same", strides=(1, 2), groups=2, layout=layout)
    d = ops.input("d", (4, 1, 2, 2) if nchw else (2, 2, 1, 4))
    loss = ops.sum(h * h) + ops.sum(ops.tanh(ops.conv2d(x, d, groups=4, layout=layout)))
    return gg.grad_graph(gg.Graph([loss], [x, w, d]))


@pytest.mark.parametrize("layout", ["NHWC", "NCHW"])
def test_grouped_convolution_lowers_to_one_convolution_per_group(layout):
    graph = grouped(layout)
    lowered = lower(graph)
    assert not {n.op.name for n in lowered.nodes} & {"conv2d", "conv2d_input_grad", "conv2d_weight_grad"}
    given = values(graph, 2)
    for a, b in zip(graph(**given), lowered(**given)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_compiled_grouped_convolution_matches_the_interpreter():
    """The forward pass compiled (its adjoints lower to the same slices, products and joins, checked above)."""
    x, w = ops.input("x", (2, 5, 6, 4)), ops.input("w", (3, 2, 2, 6))
    graph = gg.Graph([ops.conv2d(x, w, padding="same", strides=(1, 2), groups=2)], [x, w])
    given = values(graph, 3)
    np.testing.assert_allclose(gg.compile(graph)(**given), graph(**given), rtol=1e-12, atol=1e-12)


@st.composite
def einsums(draw):
    """Random einsum subscripts over labels a-d (repeats within an operand allowed), with operand shapes."""
    size = {c: draw(st.integers(1, 3)) for c in "abcd"}
    subs = draw(st.lists(st.text("abcd", max_size=3), min_size=1, max_size=3))
    used = sorted(set("".join(subs)))
    out = "".join(draw(st.permutations(used))[:draw(st.integers(0, len(used)))])
    return f"{','.join(subs)}->{out}", [tuple(size[c] for c in s) for s in subs]


@settings(max_examples=40, deadline=None)
@given(spec=einsums(), seed=st.integers(0, 2**31))
def test_einsum_lowered_to_products_and_sums_gives_the_same_values_and_gradients(spec, seed):
    subscripts, shapes = spec
    xs = [ops.input(f"x{k}", s) for k, s in enumerate(shapes)]
    y = ops.einsum(subscripts, *xs)
    graph = gg.grad_graph(gg.Graph([ops.sum(ops.sin(y) * ops.const(np.linspace(0.5, 1.5, y.size).reshape(y.shape)))],
                                   xs))
    lowered = lower(graph)
    assert "einsum" not in {n.op.name for n in lowered.nodes}
    given_ = [np.random.default_rng(seed).normal(size=s) for s in shapes]
    for a, b in zip(graph(*given_), lowered(*given_)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_compiled_einsums_match_the_interpreter():
    """A matrix product (BLAS path), a batched product (broadcast and sum), a trace and a three-operand chain."""
    a, b, c = ops.input("a", (2, 3, 4)), ops.input("b", (2, 4, 3)), ops.input("c", (3, 3))
    y = (ops.sum(ops.einsum("bij,bjk->bik", a, b) ** 2) + ops.einsum("ii", c)
         + ops.sum(ops.tensordot(a, c, ([1], [0]))) + ops.sum(ops.einsum("bij,jk,bkl->il", a, b[0], a)))
    graph = gg.grad_graph(gg.Graph([y], [a, b, c]))
    given_ = values(graph, 2)
    compiled = gg.compile(graph)
    assert "matmul" in {n.op.name for n in compiled.optimized.nodes}
    for x, z in zip(graph(**given_), compiled(**given_)):
        np.testing.assert_allclose(x, z, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("strides, padding", [(2, "valid"), (1, "same"), (2, "same")])
def test_compiled_max_pool_keeps_ties_and_nans_as_the_interpreter(strides, padding):
    """The first maximum of a window takes the gradient (ties are common after relu); a NaN is the maximum."""
    x = ops.input("x", (2, 5, 6, 3))
    y = ops.max_pool2d(x, 2, strides=strides, padding=padding)
    weights = ops.const(np.linspace(-1.0, 1.0, y.size).reshape(y.shape))
    graph = gg.grad_graph(gg.Graph([ops.sum(y * weights)], [x]))
    pooled = gg.Graph([y], [x])
    rng = np.random.default_rng(3)
    tied = np.maximum(np.round(rng.normal(size=x.shape), 1), 0.0)       # many equal zeros and repeats
    for a, b in zip(graph(x=tied), gg.compile(graph)(x=tied)):
        np.testing.assert_allclose(a, b, rtol=1e-12)      # a tie routed elsewhere would differ by O(1)
    tied[0, 1, 1, 0] = tied[1, 4, 5, 2] = np.nan
    np.testing.assert_array_equal(pooled(x=tied), gg.compile(pooled)(x=tied))


@pytest.mark.parametrize("count_include_pad", [True, False])
def test_compiled_average_pooling_divides_as_the_interpreter(count_include_pad):
    """Windows over the padding divide by k² or by the pixels inside, forward and backward."""
    x = ops.input("x", (2, 5, 4, 3))
    y = ops.avg_pool2d(x, 3, strides=2, padding="same", count_include_pad=count_include_pad)
    weights = ops.const(np.linspace(-1.0, 1.0, y.size).reshape(y.shape))
    graph = gg.grad_graph(gg.Graph([ops.sum(y * weights)], [x]))
    given_ = values(graph, 4)
    for a, b in zip(graph(**given_), gg.compile(graph)(**given_)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
