"""Numba helpers the generated kernels import: BLAS products, stable scalar functions, the loop's randomness.

Being compiled and cached here, once per argument layout, they are shared by
every generated kernel: a new graph does not compile them again.

The random helpers use Numba's own generator (seeded per epoch from the seed
and the epoch number), so the NumPy reference loop that calls them too sees the
same order of mini-batches and the same dropout noise as the compiled loop.
"""
import numpy as np
from numba import njit

from . import blas


@njit(cache=True)
def _layout(a):
    """(CBLAS transpose flag, leading dimension) of a 2-D operand stored in C order or transposed (F order)."""
    if a.strides[1] == a.itemsize or a.shape[1] == 1:
        return blas.NO_TRANSPOSE, max(a.strides[0] // a.itemsize, a.shape[1], 1)
    if a.strides[0] == a.itemsize or a.shape[0] == 1:
        return blas.TRANSPOSE, max(a.strides[1] // a.itemsize, a.shape[0], 1)
    raise ValueError("gemm: an operand is neither C- nor F-contiguous")


@njit(cache=True)
def _numpy_gemm(a, b, out):
    """out = a @ b by NumPy's own OpenBLAS (``blas``): one library and one thread pool with NumPy; a
    product under ``blas.SMALL_PRODUCT`` multiply-adds on one of its threads."""
    m, k = a.shape
    n = b.shape[1]
    ta, lda = _layout(a)
    tb, ldb = _layout(b)
    threads = blas.get_threads()
    alone = threads > 1 and m * n * k < blas.SMALL_PRODUCT      # a small product runs on one thread
    if alone:
        blas.set_threads(1)
    if out.itemsize == 4:   # float32 (the kernels call gemm for float32 and float64 only)
        blas.sgemm(blas.ROW_MAJOR, ta, tb, m, n, k, np.float32(1), a.ctypes.data, lda, b.ctypes.data, ldb,
                   np.float32(0), out.ctypes.data, max(n, 1))
    else:
        blas.dgemm(blas.ROW_MAJOR, ta, tb, m, n, k, 1.0, a.ctypes.data, lda, b.ctypes.data, ldb,
                   0.0, out.ctypes.data, max(n, 1))
    if alone:
        blas.set_threads(threads)


@njit(cache=True)
def _scipy_gemm(a, b, out):
    """out = a @ b by ``np.dot`` (SciPy's OpenBLAS), where NumPy's own is not reachable."""
    np.dot(a, b, out)


# out = a @ b for float operands in C or transposed layout; Numba's code for a product is large, so it is
# compiled here once per layout instead of in every kernel.
gemm = _numpy_gemm if blas.SHARED else _scipy_gemm


@njit(cache=True, error_model="numpy")
def sigmoid(x, one):
    """1 / (1 + e^-x) without overflow for large |x| (``one`` carries the dtype)."""
    e = np.exp(-abs(x))
    return one / (one + e) if x >= 0 else e / (one + e)


@njit(cache=True, error_model="numpy")
def softplus(x):
    """ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^-|x|)."""
    return (x if x > 0 else x - x) + np.log1p(np.exp(-abs(x)))


@njit(cache=True)
def epoch_order(order, seed, epoch, shuffle):
    """Fill ``order`` with 0..n-1, shuffled from (seed, epoch) when ``shuffle``; seeds the noise too."""
    for i in range(order.size):
        order[i] = i
    np.random.seed((seed * 1000003 + epoch) % 4294967296)
    if shuffle:
        np.random.shuffle(order)


@njit(cache=True)
def fill_uniform(out):
    """Uniform [0, 1) numbers into ``out`` (dropout masks), continuing the epoch's stream."""
    for i in range(out.size):
        out[i] = np.random.random()



# --- windows over NHWC arrays (convolution and pooling) ----------------------------------------------
# ``geometry`` is (kh, kw, sh, sw, dh, dw, pt, pl): window, strides, dilation, top and left padding;
# the output's spatial size is read from the output array.

@njit(cache=True)
def im2col(x, cols, oh, ow, geometry):
    """Row (b, i, j) of ``cols`` := the window of output pixel (i, j) of image b, as (kh, kw, C) flattened;
    zeros where the window lies in the padding."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x.shape
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                row = (b * oh + i) * ow + j
                for a in range(kh):
                    r = i * sh + a * dh - pt
                    for e in range(kw):
                        s = j * sw + e * dw - pl
                        base = (a * kw + e) * c
                        inside = 0 <= r < h and 0 <= s < w
                        for ch in range(c):
                            cols[row, base + ch] = x[b, r, s, ch] if inside else 0.0


@njit(cache=True)
def col2im(cols, x, oh, ow, geometry):
    """The adjoint of ``im2col``: x := each row's values added back where its window read them."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x.shape
    x[:] = 0.0
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                row = (b * oh + i) * ow + j
                for a in range(kh):
                    r = i * sh + a * dh - pt
                    for e in range(kw):
                        s = j * sw + e * dw - pl
                        if 0 <= r < h and 0 <= s < w:
                            base = (a * kw + e) * c
                            for ch in range(c):
                                x[b, r, s, ch] += cols[row, base + ch]


@njit(cache=True, error_model="numpy")
def max_pool(x, y, geometry):
    """y := the maximum of each window of x (NaN if the window holds one, as ``np.max``).

    Channels are the inner loop, over flat indices, and the maximum is a select, not a branch: random
    comparisons mispredict, and this form ran 5x faster on LeNet's feature maps."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x.shape
    oh, ow = y.shape[1], y.shape[2]
    xf, yf = x.reshape(x.size), y.reshape(y.size)
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                out = ((b * oh + i) * ow + j) * c
                for ch in range(c):
                    yf[out + ch] = -np.inf
                for a in range(kh):
                    r = i * sh + a * dh - pt
                    if 0 <= r < h:
                        for e in range(kw):
                            s = j * sw + e * dw - pl
                            if 0 <= s < w:
                                src = ((b * h + r) * w + s) * c
                                for ch in range(c):
                                    v, best = xf[src + ch], yf[out + ch]
                                    yf[out + ch] = v if (v > best or v != v) else best


@njit(cache=True, error_model="numpy")
def max_pool_grad(x, g, dx, geometry):
    """dx := g routed to the first maximum of each window of x (the first NaN, as ``np.argmax``): the adjoint
    of ``max_pool``, with the window's arg-maximum kept by selects rather than branches."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x.shape
    oh, ow = g.shape[1], g.shape[2]
    dx[:] = 0.0
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    best, br, bs = -np.inf, -1, -1
                    for a in range(kh):
                        r = i * sh + a * dh - pt
                        if 0 <= r < h:
                            for e in range(kw):
                                s = j * sw + e * dw - pl
                                if 0 <= s < w:
                                    v = x[b, r, s, ch]
                                    wins = v > best or (v != v and best == best)
                                    best = v if wins else best
                                    br = r if wins else br
                                    bs = s if wins else bs
                    if br >= 0:
                        dx[b, br, bs, ch] += g[b, i, j, ch]


@njit(cache=True)
def _window_share(i, j, geometry, h, w, count_include_pad):
    """1 / what window (i, j) divides by: every position, or only those inside the h x w image."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    if count_include_pad:
        return 1.0 / (kh * kw)
    rows, cols = 0, 0
    for a in range(kh):
        rows += 1 if 0 <= i * sh + a * dh - pt < h else 0
    for e in range(kw):
        cols += 1 if 0 <= j * sw + e * dw - pl < w else 0
    return 1.0 / (rows * cols)


@njit(cache=True)
def avg_pool(x, y, geometry, count_include_pad):
    """y := the mean of each window of x (padding counted as zeros, or left out of the count)."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x.shape
    oh, ow = y.shape[1], y.shape[2]
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                share = _window_share(i, j, geometry, h, w, count_include_pad)
                for ch in range(c):
                    total = 0.0
                    for a in range(kh):
                        r = i * sh + a * dh - pt
                        for e in range(kw):
                            s = j * sw + e * dw - pl
                            if 0 <= r < h and 0 <= s < w:
                                total += x[b, r, s, ch]
                    y[b, i, j, ch] = total * share


@njit(cache=True)
def avg_pool_grad(g, dx, geometry, count_include_pad):
    """dx := each element of g shared equally over its window (the adjoint of ``avg_pool``)."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = dx.shape
    oh, ow = g.shape[1], g.shape[2]
    dx[:] = 0.0
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                share = _window_share(i, j, geometry, h, w, count_include_pad)
                for a in range(kh):
                    r = i * sh + a * dh - pt
                    for e in range(kw):
                        s = j * sw + e * dw - pl
                        if 0 <= r < h and 0 <= s < w:
                            for ch in range(c):
                                dx[b, r, s, ch] += g[b, i, j, ch] * share


def rng_state():
    """The state of Numba's generator in this thread (what ``epoch_order`` and ``fill_uniform`` draw from)."""
    from numba import _helperlib
    return _helperlib.rnd_get_state(_helperlib.rnd_get_np_state_ptr())


def set_rng_state(state):
    """Put Numba's generator in this thread back to ``state`` (from ``rng_state``), to replay steps."""
    from numba import _helperlib
    _helperlib.rnd_set_state(_helperlib.rnd_get_np_state_ptr(), state)
