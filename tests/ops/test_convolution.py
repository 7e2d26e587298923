"""conv2d, pooling and batch_norm against direct loops written from the definitions (hypothesis over geometry)."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from graphgrad.errors import ShapeError


def reference_conv(x, w, stride, pad, dilation, groups):
    """NCHW x, OIHW w, by the definition: y[n,o,i,j] = Σ x[n, c, i·s + a·d - p, j·s + b·d - p] w[o, c', a, b]."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh = (h + 2 * pad - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * pad - dilation * (kw - 1) - 1) // stride + 1
    y = np.zeros((n, o, oh, ow))
    for b in range(n):
        for out in range(o):
            group = out // (o // groups)
            for i in range(oh):
                for j in range(ow):
                    for ci in range(cg):
                        for a in range(kh):
                            for bb in range(kw):
                                r, s = i * stride + a * dilation - pad, j * stride + bb * dilation - pad
                                if 0 <= r < h and 0 <= s < wd:
                                    y[b, out, i, j] += x[b, group * cg + ci, r, s] * w[out, ci, a, bb]
    return y


def reference_pool(x, k, stride, reduce):
    """NHWC pooling without padding by the definition."""
    n, h, w, c = x.shape
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    return np.array([[[[reduce(x[b, i * stride:i * stride + k, j * stride:j * stride + k, ch])
                        for ch in range(c)] for j in range(ow)] for i in range(oh)] for b in range(n)])


def run(node, **values):
    inputs = [n for n in gg.Graph([node]).inputs]
    return gg.Graph([node], inputs)(**values)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 2), st.integers(1, 2), st.integers(0, 2), st.integers(1, 2), st.sampled_from([1, 2]),
       st.integers(0, 2**31))
def test_conv2d_matches_the_definition_in_both_layouts(stride, dilation, pad, out_per_group, groups, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 2 * groups, 6, 5))
    w = rng.normal(size=(out_per_group * groups, 2, 3, 2))
    expected = reference_conv(x, w, stride, pad, dilation, groups)
    nchw = ops.conv2d(ops.input("x", x.shape), ops.input("w", w.shape), stride, pad, dilation, groups, "NCHW")
    np.testing.assert_allclose(run(nchw, x=x, w=w), expected, atol=1e-12)
    xn, wn = x.transpose(0, 2, 3, 1), w.transpose(2, 3, 1, 0)
    nhwc = ops.conv2d(ops.input("x", xn.shape), ops.input("w", wn.shape), stride, pad, dilation, groups)
    np.testing.assert_allclose(run(nhwc, x=xn, w=wn), expected.transpose(0, 2, 3, 1), atol=1e-12)


@pytest.mark.parametrize("size,stride", [(5, 1), (6, 2), (7, 3)])
def test_same_padding_keeps_ceil_of_size_over_stride(size, stride):
    y = ops.conv2d(ops.input("x", (1, size, size, 1)), ops.input("w", (3, 3, 1, 2)), stride, "same")
    assert y.shape == (1, -(-size // stride), -(-size // stride), 2)


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_pooling_matches_the_definition(k, stride, seed):
    x = np.random.default_rng(seed).normal(size=(2, 7, 6, 3))
    node = ops.input("x", x.shape)
    np.testing.assert_allclose(run(ops.max_pool2d(node, k, stride), x=x), reference_pool(x, k, stride, np.max))
    np.testing.assert_allclose(run(ops.avg_pool2d(node, k, stride), x=x), reference_pool(x, k, stride, np.mean))


def reference_padded_average(x, k, stride, pad, count_include_pad):
    """NHWC average pooling with ``pad`` zeros on every side, by the definition: the sum of the window's
    elements inside the image over k² (padding counted) or over how many there are."""
    n, h, w, c = x.shape
    oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            rows = [r for r in range(i * stride - pad, i * stride - pad + k) if 0 <= r < h]
            cols = [s for s in range(j * stride - pad, j * stride - pad + k) if 0 <= s < w]
            total = x[:, rows][:, :, cols].sum(axis=(1, 2))
            y[:, i, j] = total / (k * k if count_include_pad else len(rows) * len(cols))
    return y


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 3), st.integers(1, 2), st.integers(0, 1), st.booleans(), st.integers(0, 2**31))
def test_average_pooling_with_padding_divides_as_asked(k, stride, pad, count_include_pad, seed):
    x = np.random.default_rng(seed).normal(size=(2, 5, 6, 2))
    expected = reference_padded_average(x, k, stride, pad, count_include_pad)
    node = ops.input("x", x.shape)
    y = ops.avg_pool2d(node, k, stride, pad, count_include_pad=count_include_pad)
    np.testing.assert_allclose(run(y, x=x), expected, atol=1e-12)
    nchw = ops.avg_pool2d(ops.input("x", (2, 2, 5, 6)), k, stride, pad, "NCHW", count_include_pad)
    np.testing.assert_allclose(run(nchw, x=x.transpose(0, 3, 1, 2)), expected.transpose(0, 3, 1, 2), atol=1e-12)


def test_same_average_pooling_leaves_the_padding_out_when_asked():
    """A 2x2 window at the right edge of a 3x3 image under 'same' covers one padded column: Keras averages
    the two pixels inside; counting the padding halves that mean."""
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    node = ops.input("x", x.shape)
    inside = run(ops.avg_pool2d(node, 2, padding="same", count_include_pad=False), x=x)
    counted = run(ops.avg_pool2d(node, 2, padding="same"), x=x)
    assert inside[0, 0, 1, 0] == (2.0 + 5.0) / 2 and counted[0, 0, 1, 0] == (2.0 + 5.0) / 4
    assert inside[0, 1, 1, 0] == 8.0 and counted[0, 1, 1, 0] == 2.0


def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window():
    x = np.array([[1.0, 3.0], [3.0, 0.0]]).reshape(1, 2, 2, 1)
    node = ops.input("x", x.shape)
    (grad,) = gg.grad_graph(gg.Graph([ops.sum(ops.max_pool2d(node, 2))], [node]))(x=x)[1:]
    np.testing.assert_array_equal(grad.ravel(), [0.0, 1.0, 0.0, 0.0])


def test_batch_norm_normalises_each_channel_with_the_batch_moments():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(8, 4, 4, 3))
    gamma, beta = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 4.0])
    node = ops.input("x", x.shape)
    y = run(ops.batch_norm(node, gamma, beta, *ops.moments(node), epsilon=1e-5), x=x)
    mu, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(y, (x - mu) / np.sqrt(var + 1e-5) * gamma + beta, atol=1e-12)


def test_shape_error_shows_both_shapes_and_the_rule():
    with pytest.raises(ShapeError) as info:
        ops.conv2d(ops.input("x", (1, 2, 2, 1)), ops.input("w", (3, 3, 1, 4)))
    message = str(info.value)
    assert "(1, 2, 2, 1)" in message and "(3, 3, 1, 4)" in message and "dilation·(kernel - 1)" in message
    with pytest.raises(ShapeError, match="4 channels must equal groups x the kernel's 3"):
        ops.conv2d(ops.input("x", (1, 5, 5, 4)), ops.input("w", (3, 3, 3, 4)))


def test_the_edge_partials_of_one_output_pixel_are_the_kernel_weights():
    """A 1-channel 3x3 convolution of a 4x4 image in SymPy: ∂y[i,j]/∂x[i+a, j+b] = w[a, b]."""
    xs = sp.Array([[[[sp.Symbol(f"x{r}{c}")] for c in range(4)] for r in range(4)]])
    ws = sp.Array([[[[sp.Symbol(f"w{a}{b}")]] for b in range(3)] for a in range(3)])
    y = ops.convolution.conv2d_p.sympy(xs, ws, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1,
                                       layout="NHWC")
    assert y.shape == (1, 2, 2, 1)
    for a in range(3):
        for b in range(3):
            assert sp.diff(y[0, 1, 0, 0], sp.Symbol(f"x{1 + a}{b}")) == sp.Symbol(f"w{a}{b}")
    assert sp.diff(y[0, 1, 0, 0], sp.Symbol("x00")) == 0
