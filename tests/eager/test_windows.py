"""Eager convolutions and pooling by the compiled helpers (``eager.windows``): checked against windows summed
by Python loops, and their gradients by the adjoint identities <f(x), g> = <x, fᵀ(g)>; the cases NumPy keeps."""
import numpy as np
import pytest

from graphgrad.eager import windows
from graphgrad.eager.windows import COMPILED
from graphgrad.ops import convolution as cv, pooling as pl


@pytest.fixture(autouse=True)
def small_images_too(monkeypatch):
    """The helpers for this file's small arrays too (they keep NumPy's way below ``SMALL`` elements)."""
    monkeypatch.setattr(windows, "SMALL", 1)

GEOMETRIES = [((1, 1), ((0, 0), (0, 0)), (1, 1)), ((2, 1), ((1, 1), (2, 0)), (1, 1)),
              ((1, 2), ((0, 2), (1, 1)), (2, 1))]     # (strides, padding, dilation)


def _nchw(a, layout):
    return a if layout == "NCHW" else a.transpose(0, 3, 1, 2)


def _laid_out(a, layout):
    return a if layout == "NCHW" else a.transpose(0, 2, 3, 1)


def _windows(x, window, strides, pads, dilation, fill):
    """Each output pixel's window of NCHW ``x``, by loops: {(i, j): (N, C, kh, kw) array}."""
    (kh, kw), (sh, sw), (dh, dw) = window, strides, dilation
    xp = np.pad(x, ((0, 0), (0, 0), pads[0], pads[1]), constant_values=fill)
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    return {(i, j): xp[:, :, i * sh:i * sh + dh * (kh - 1) + 1:dh, j * sw:j * sw + dw * (kw - 1) + 1:dw]
            for i in range(oh) for j in range(ow)}, (oh, ow)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("strides, pads, dilation", GEOMETRIES)
def test_convolution_and_its_gradients(dtype, layout, strides, pads, dilation):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2))          # NCHW, OIHW
    windows, (oh, ow) = _windows(x, (3, 2), strides, pads, dilation, 0.0)
    expected = np.zeros((2, 4, oh, ow))
    for (i, j), patch in windows.items():
        expected[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    xl = _laid_out(x, layout).astype(dtype)
    wl = (w if layout == "NCHW" else w.transpose(2, 3, 1, 0)).astype(dtype)
    p = dict(strides=strides, padding=pads, dilation=dilation, groups=1, layout=layout)
    y = COMPILED[cv.conv2d_p](xl, wl, **p)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert y.dtype == dtype
    np.testing.assert_allclose(_nchw(y, layout), expected, atol=tol * 10)
    g = rng.normal(size=y.shape).astype(dtype)
    gx = COMPILED[cv.conv2d_input_grad_p](g, wl, size=(7, 6), **p)
    gw = COMPILED[cv.conv2d_weight_grad_p](xl, g, kernel=(3, 2), **p)
    product = np.vdot(y.astype(np.float64), g)
    assert np.vdot(xl.astype(np.float64), gx) == pytest.approx(product, rel=tol * 10)
    assert np.vdot(wl.astype(np.float64), gw) == pytest.approx(product, rel=tol * 10)


@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("strides, pads", [((2, 2), ((0, 0), (0, 0))), ((1, 2), ((1, 0), (0, 1)))])
def test_pooling_and_its_gradients(layout, strides, pads):
    rng = np.random.default_rng(1)
    clean = rng.normal(size=(2, 3, 6, 5))
    x = clean.copy()
    x[0, 1, 2, 2] = np.nan                      # NaN is the maximum of its windows, as in np.max
    x[1, 0, :2, :3] = 0.5                       # ties: the first maximum takes the gradient
    p = dict(pool=(2, 3), strides=strides, padding=pads, layout=layout)
    windows, (oh, ow) = _windows(x, (2, 3), strides, pads, (1, 1), -np.inf)
    inside, _ = _windows(np.ones_like(x), (2, 3), strides, pads, (1, 1), 0.0)
    zeros, _ = _windows(clean, (2, 3), strides, pads, (1, 1), 0.0)
    g = rng.normal(size=(2, 3, oh, ow))
    top, mean_all, mean_inside = (np.zeros((2, 3, oh, ow)) for _ in range(3))
    routed = np.zeros((2, 3) + tuple(s + sum(q) for s, q in zip(x.shape[2:], pads)))
    for (i, j), patch in windows.items():
        flat = patch.reshape(2, 3, -1)
        first = np.argmax(flat, axis=2)                       # the first maximum (the first NaN)
        top[:, :, i, j] = np.take_along_axis(flat, first[..., None], 2)[..., 0]
        mean_all[:, :, i, j] = zeros[i, j].sum(axis=(2, 3)) / 6
        mean_inside[:, :, i, j] = zeros[i, j].sum(axis=(2, 3)) / inside[i, j][0, 0].sum()
        r, s = np.unravel_index(first, (2, 3))
        for n in range(2):
            for c in range(3):
                routed[n, c, i * strides[0] + r[n, c], j * strides[1] + s[n, c]] += g[n, c, i, j]
    routed = routed[:, :, pads[0][0]:pads[0][0] + 6, pads[1][0]:pads[1][0] + 5]
    xl, gl = _laid_out(x, layout), _laid_out(g, layout)
    np.testing.assert_allclose(_nchw(COMPILED[pl.max_pool2d_p](xl, **p), layout), top)
    np.testing.assert_allclose(_nchw(COMPILED[pl.max_pool2d_grad_p](xl, gl, **p), layout), routed)
    c = _laid_out(rng.normal(size=x.shape), layout)      # select: c read where the gradient was routed
    picked = COMPILED[pl.max_pool2d_select_p](xl, c, **p)
    assert np.vdot(picked, gl) == pytest.approx(np.vdot(c, _laid_out(routed, layout)))
    for include, expected in ((True, mean_all), (False, mean_inside)):
        y = COMPILED[pl.avg_pool2d_p](_laid_out(clean, layout), count_include_pad=include, **p)
        np.testing.assert_allclose(_nchw(y, layout), expected)
        back = COMPILED[pl.avg_pool2d_grad_p](gl, size=(6, 5), count_include_pad=include, **p)
        assert np.vdot(_laid_out(clean, layout), back) == pytest.approx(np.vdot(y, gl))


def test_numpy_keeps_what_the_helpers_do_not_take(monkeypatch):
    """Other dtypes, grouped convolutions, one channel per group and small arrays stay on the NumPy impl (None
    here)."""
    p = dict(strides=(1, 1), padding="valid", dilation=(1, 1), layout="NCHW")
    x, w = np.ones((1, 2, 4, 4)), np.ones((2, 1, 3, 3))
    assert COMPILED[cv.conv2d_p](x, np.ones((2, 2, 3, 3)), groups=1, **p) is not None
    monkeypatch.setattr(windows, "SMALL", 100)      # the largest operand has 36 elements
    assert COMPILED[cv.conv2d_p](x, np.ones((2, 2, 3, 3)), groups=1, **p) is None
    monkeypatch.setattr(windows, "SMALL", 1)
    assert COMPILED[cv.conv2d_p](x, w, groups=2, **p) is None
    assert COMPILED[cv.conv2d_p](x[:, :1], w[:1], groups=1, **p) is None
    assert COMPILED[cv.conv2d_p](x.astype(np.float16), np.ones((2, 2, 3, 3), np.float16), groups=1, **p) is None
    assert COMPILED[pl.max_pool2d_p](np.ones((1, 1, 4, 4), np.int64), pool=(2, 2), strides=(2, 2),
                                     padding="valid", layout="NCHW") is None
