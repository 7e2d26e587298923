"""Convolution and pooling lowered to im2col/col2im, BLAS products and NHWC loops give the interpreter's values."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.compiler import CompileError
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


def test_compiled_network_and_gradient_match_the_interpreter():
    graph = network("NHWC")   # NCHW lowers to this between transposes (checked above)
    given = values(graph, 1)
    for a, b in zip(graph(**given), gg.compile(graph)(**given)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


def test_grouped_convolution_is_refused_by_name():
    x, w = ops.input("x", (1, 4, 4, 4)), ops.input("w", (2, 2, 2, 4))
    with pytest.raises(CompileError, match="groups=1 only.*groups=2"):
        gg.compile(gg.Graph([ops.conv2d(x, w, groups=2)], [x, w]))
