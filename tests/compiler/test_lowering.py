"""Convolution and pooling lowered to im2col/col2im, BLAS products and window loops in either layout, and einsum
lowered to products and sums, give the interpreter's values."""
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from graphgrad.compiler.executor import prepare
from graphgrad.compiler.lowering import lower
from graphgrad.ops import pooling as pl


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
    NCHW images and its gradient (one window search, read and added through), at sizes where windows hang
    over the edges: one graph, one compile."""
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
               for helper in ("im2col_nchw", "col2im_nchw", "batched_gemm", "max_pool_argmax", "take_at", "add_at"))
    for a, b in zip(graph(**given), compiled(**given)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


POOLS = [((2, 2), (2, 2), "valid"),             # LeNet's: no window reaches past the image
         ((3, 3), (1, 1), ((1, 1), (1, 1))),    # overlapping windows over padding on every side
         ((3, 3), (2, 2), "valid"),
         ((2, 2), (2, 2), ((0, 1), (0, 1))),    # padding after only: the last windows hang over
         ((2, 3), (1, 2), "same")]


@pytest.mark.parametrize("layout, pools", [("NCHW", POOLS), ("NHWC", POOLS[1::2])],   # (NHWC: the windows
                         ids=["NCHW", "NHWC"])                                       # over padding, a compile less)
def test_max_pooling_reads_and_adds_through_one_window_search_exactly(layout, pools):
    """max_pool2d, its gradient and its select, compiled (``max_pool_argmax`` once per pooled map, ``take_at``,
    ``add_at``) and lowered, give the interpreter's numbers exactly: ties (a relu's zeros, repeated small
    integers) go to a window's first maximum, a NaN is the maximum, and a window of -inf routes as NumPy's
    argmax over the padded window does. Integer-valued gradients, so sums over overlapping windows are exact."""
    rng = np.random.default_rng(7)
    nchw = layout == "NCHW"
    image = np.maximum(rng.integers(-2, 3, size=(2, 3, 7, 6)), 0).astype(np.float64)   # zeros and ties
    image[0, 1, 3, 3] = np.nan
    image[1, 2, :3, :4] = -np.inf
    x = image if nchw else image.transpose(0, 2, 3, 1)
    xs, outputs = ops.input("x", x.shape), []
    given = {"x": x}
    for k, (pool, strides, padding) in enumerate(pools):
        p = dict(pool=pool, strides=strides, padding=padding, layout=layout)
        pooled = pl.max_pool2d_p(xs, **p)
        g, c = ops.input(f"g{k}", pooled.shape), ops.input(f"c{k}", x.shape)
        given[f"g{k}"] = rng.integers(-3, 4, size=pooled.shape).astype(np.float64)
        given[f"c{k}"] = rng.normal(size=x.shape)
        outputs += [pooled, pl.max_pool2d_grad_p(xs, g, **p), pl.max_pool2d_select_p(xs, c, **p)]
    graph = gg.Graph(outputs)
    compiled = gg.compile(graph)
    assert "max_pool_argmax(" in compiled.source and "max_pool2d" not in compiled.source.split('"""')[2]
    assert sum(n.op.name == "max_pool_argmax" for n in prepare(graph).nodes) == len(pools)   # shared
    expected = graph(**given)
    for got in (compiled(**given), lower(graph)(**given)):
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(a, b)


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
