"""Numba helpers the generated kernels import: BLAS products, stable scalar functions, the loop's randomness.

Being compiled and cached here, once per argument layout, they are shared by
every generated kernel: a new graph does not compile them again.

The random helpers use Numba's own generator (seeded per epoch from the seed
and the epoch number), so the NumPy reference loop that calls them too sees the
same order of mini-batches and the same dropout noise as the compiled loop.
"""
import math

import numpy as np
from numba import njit

from . import blas
from .randomness import SEED_MODULUS, SEED_STRIDE


@njit(cache=True)
def view(arena, offset, size):
    """``arena[offset:offset + size]``, a value's slot: Numba compiles a call here in a quarter of the time
    of the slice written out, in every kernel."""
    return arena[offset:offset + size]


# Products and windows take flat arrays (each followed by what it needs of its shape) and view them
# inside: a reshape costs Numba about 50 ms to compile, here once rather than at every call in every kernel.

@njit(cache=True)
def _numpy_gemm(a, ta, b, tb, out, m, k, n):
    """out (m x n) = a (m x k) @ b (k x n) by NumPy's own OpenBLAS (``blas``): one library and one thread pool
    with NumPy. The arrays are flat and C-ordered; ``ta``: a holds the operand's transpose (k x m), ``tb``
    likewise. A product under ``blas.SMALL_PRODUCT`` multiply-adds runs on one of the pool's threads."""
    fa, lda = (blas.TRANSPOSE, m) if ta else (blas.NO_TRANSPOSE, k)
    fb, ldb = (blas.TRANSPOSE, k) if tb else (blas.NO_TRANSPOSE, n)
    threads = blas.get_threads()
    alone = threads > 1 and m * n * k < blas.SMALL_PRODUCT      # a small product runs on one thread
    if alone:
        blas.set_threads(1)
    if out.itemsize == 4:   # float32 (the kernels call gemm for float32 and float64 only)
        blas.sgemm(blas.ROW_MAJOR, fa, fb, m, n, k, np.float32(1), a.ctypes.data, max(lda, 1), b.ctypes.data,
                   max(ldb, 1), np.float32(0), out.ctypes.data, max(n, 1))
    else:
        blas.dgemm(blas.ROW_MAJOR, fa, fb, m, n, k, 1.0, a.ctypes.data, max(lda, 1), b.ctypes.data, max(ldb, 1),
                   0.0, out.ctypes.data, max(n, 1))
    if alone:
        blas.set_threads(threads)


@njit(cache=True)
def _scipy_gemm(a, ta, b, tb, out, m, k, n):
    """As ``_numpy_gemm``, by ``np.dot`` (SciPy's OpenBLAS), where NumPy's own is not reachable."""
    product = out.reshape(m, n)
    if ta and tb:
        np.dot(a.reshape(k, m).T, b.reshape(n, k).T, product)
    elif ta:
        np.dot(a.reshape(k, m).T, b.reshape(k, n), product)
    elif tb:
        np.dot(a.reshape(m, k), b.reshape(n, k).T, product)
    else:
        np.dot(a.reshape(m, k), b.reshape(k, n), product)


# out = a @ b for float operands stored in C order or transposed; Numba's code for a product is large, so it
# is compiled here once instead of in every kernel.
gemm = _numpy_gemm if blas.SHARED else _scipy_gemm



@njit(cache=True)
def batched_gemm(a, ta, a_step, b, tb, b_step, out, batch, m, k, n):
    """out[i] (m x n) = a[i] @ b[i] for i < ``batch`` (``gemm`` each); a[i] starts ``a_step`` elements after
    a[i - 1] (0: one matrix for every product), b[i] likewise."""
    for i in range(batch):
        gemm(a[i * a_step:i * a_step + m * k], ta, b[i * b_step:i * b_step + k * n], tb,
             out[i * m * n:(i + 1) * m * n], m, k, n)

@njit(cache=True, error_model="numpy")
def sigmoid(x, one):
    """1 / (1 + e^-x) without overflow for large |x| (``one`` carries the dtype)."""
    e = np.exp(-abs(x))
    return one / (one + e) if x >= 0 else e / (one + e)


@njit(cache=True, error_model="numpy")
def softplus(x):
    """ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^-|x|)."""
    return (x if x > 0 else x - x) + np.log1p(np.exp(-abs(x)))


@njit(cache=True, error_model="numpy")
def erf(x):
    """The error function of one element (Numba compiles ``math.erf``; NumPy has no erf ufunc)."""
    return math.erf(x)


@njit(cache=True)
def epoch_order(order, seed, epoch, shuffle):
    """Fill ``order`` with 0..n-1, shuffled from (seed, epoch) when ``shuffle``; seeds the noise too."""
    for i in range(order.size):
        order[i] = i
    np.random.seed((seed * SEED_STRIDE + epoch) % SEED_MODULUS)
    if shuffle:
        np.random.shuffle(order)


@njit(cache=True)
def fill_uniform(out):
    """Uniform [0, 1) numbers into ``out`` (dropout masks), continuing the epoch's stream."""
    for i in range(out.size):
        out[i] = np.random.random()



# --- windows over images (convolution and pooling) ---------------------------------------------------
# ``geometry`` is (kh, kw, sh, sw, dh, dw, pt, pl): window, strides, dilation, top and left padding;
# each array comes flat, followed by its shape: NHWC (pooling takes an NCHW array as N·C one-channel
# NHWC images), NCHW for the ``_nchw`` helpers, and (rows, columns) or (N, rows, columns) for ``cols``.

@njit(cache=True)
def im2col(x, x_shape, cols, cols_shape, oh, ow, geometry):
    """Row (b, i, j) of ``cols`` := the window of output pixel (i, j) of image b, as (kh, kw, C) flattened;
    zeros where the window lies in the padding."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x_shape
    x, cols = x.reshape(x_shape), cols.reshape(cols_shape)
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
def col2im(cols, cols_shape, x, x_shape, oh, ow, geometry):
    """The adjoint of ``im2col``: x := each row's values added back where its window read them."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x_shape
    x[:] = 0.0
    cols, x = cols.reshape(cols_shape), x.reshape(x_shape)
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



@njit(cache=True)
def _inside(start, step, extent, count):
    """(first, end): the range of j < ``count`` whose position start + j·step lies in [0, extent)."""
    first = 0 if start >= 0 else min(count, (-start + step - 1) // step)
    end = 0 if start >= extent else min(count, (extent - start + step - 1) // step)
    return first, max(first, end)


@njit(inline="always")
def _windows_nchw(x, x_shape, cols, oh, ow, geometry, gather, sw):
    """``cols`` (N, C·kh·kw, OH·OW) := the windows of NCHW ``x`` (``gather``: ``im2col_nchw``), or x := the
    windows in ``cols`` added back where they were read (``col2im_nchw``). Window position (ch, a, e) is row
    ch·kh·kw + a·kw + e, a row of the output pixels read there; rows run along image rows, so a stride-1
    window moves contiguous runs. ``sw`` is the column stride (inlined: a constant 1 lets the adds of
    ``col2im_nchw`` be vectorised, 25% faster; the copies of ``im2col_nchw`` were not faster so)."""
    kh, kw, sh, _, dh, dw, pt, pl = geometry
    n, c, h, w = x_shape
    if not gather:
        x[:] = 0.0
    x, cols = x.reshape(x_shape), cols.reshape((n, c * kh * kw, oh, ow))
    for b in range(n):
        for ch in range(c):
            for a in range(kh):
                for e in range(kw):
                    row = (ch * kh + a) * kw + e
                    first, end = _inside(e * dw - pl, sw, w, ow)
                    for i in range(oh):
                        r = i * sh + a * dh - pt
                        inside = 0 <= r < h
                        if gather:
                            for j in range(first if inside else ow):
                                cols[b, row, i, j] = 0.0
                            for j in range(first, end if inside else first):
                                cols[b, row, i, j] = x[b, ch, r, j * sw + e * dw - pl]
                            for j in range(end if inside else ow, ow):
                                cols[b, row, i, j] = 0.0
                        elif inside:
                            for j in range(first, end):
                                x[b, ch, r, j * sw + e * dw - pl] += cols[b, row, i, j]


@njit(cache=True)
def im2col_nchw(x, x_shape, cols, cols_shape, oh, ow, geometry):
    """Each image's window positions as rows of ``cols`` (N, C·kh·kw, OH·OW), zeros in the padding."""
    _windows_nchw(x, x_shape, cols, oh, ow, geometry, True, geometry[3])


@njit(cache=True)
def col2im_nchw(cols, cols_shape, x, x_shape, oh, ow, geometry):
    """The adjoint of ``im2col_nchw``: x := each column's values added back where its window read them."""
    if geometry[3] == 1:
        _windows_nchw(x, x_shape, cols, oh, ow, geometry, False, 1)
    else:
        _windows_nchw(x, x_shape, cols, oh, ow, geometry, False, geometry[3])


@njit(inline="always", error_model="numpy")
def _first_maxima(x, x_shape, at, oh, ow, geometry, kh, kw, padded, c):
    """``max_pool_argmax`` for a window of ``kh`` x ``kw`` over ``c`` channels (inlined, so constants unroll
    it) that is ``padded`` (some window reaches past the image: positions are checked) or not."""
    _, _, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, _ = x_shape
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    best, where = -np.inf, -1
                    for a in range(kh):
                        r = i * sh + a * dh - pt
                        for e in range(kw):
                            s = j * sw + e * dw - pl
                            inside = (not padded) or ((0 <= r) & (r < h) & (0 <= s) & (s < w))
                            k = ((b * h + r) * w + s) * c + ch
                            v = x[k] if inside else -np.inf
                            wins = ((a == 0) & (e == 0)) | (v > best) | ((v != v) & (best == best))
                            best = v if wins else best
                            where = (k if inside else -1) if wins else where
                    at[((b * oh + i) * ow + j) * c + ch] = where


@njit(cache=True, error_model="numpy")
def max_pool_argmax(x, x_shape, at, at_shape, geometry):
    """at := the flat position in x of each window's first maximum (the first NaN, as ``np.argmax``), -1 where
    that is a padded position (read as -inf): what max pooling, its gradient and its ``select`` read x through
    (``take_at``, ``add_at``), so a training step searches each window once. NHWC; an NCHW array is given as
    N·C one-channel images. Branch-free selects; a 2x2 window inside the image is unrolled (few variants: each
    adds to the helper's one-time compile)."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x_shape
    oh, ow = at_shape[1], at_shape[2]
    padded = pt > 0 or pl > 0 or (oh - 1) * sh + (kh - 1) * dh - pt >= h or (ow - 1) * sw + (kw - 1) * dw - pl >= w
    if kh == 2 and kw == 2 and not padded and c == 1:    # the common pooling, unrolled: 4x faster than loops
        _first_maxima(x, x_shape, at, oh, ow, geometry, 2, 2, False, 1)
    elif kh == 2 and kw == 2 and not padded:
        _first_maxima(x, x_shape, at, oh, ow, geometry, 2, 2, False, c)
    else:
        _first_maxima(x, x_shape, at, oh, ow, geometry, kh, kw, True, c)


@njit(cache=True)
def take_at(x, at, y, fill):
    """y[k] := x[at[k]], or ``fill`` where at[k] is -1 (a padded position)."""
    for k in range(y.size):
        q = at[k]
        y[k] = x[q] if q >= 0 else fill


@njit(cache=True)
def add_at(g, at, dx):
    """dx := g[k] added at each position at[k] (none where it is -1): the adjoint of ``take_at``."""
    dx[:] = 0.0
    for k in range(g.size):
        q = at[k]
        if q >= 0:
            dx[q] += g[k]


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
def avg_pool(x, x_shape, y, y_shape, geometry, count_include_pad):
    """y := the mean of each window of x (padding counted as zeros, or left out of the count)."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = x_shape
    oh, ow = y_shape[1], y_shape[2]
    x, y = x.reshape(x_shape), y.reshape(y_shape)
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
def avg_pool_grad(g, g_shape, dx, dx_shape, geometry, count_include_pad):
    """dx := each element of g shared equally over its window (the adjoint of ``avg_pool``)."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    n, h, w, c = dx_shape
    oh, ow = g_shape[1], g_shape[2]
    dx[:] = 0.0
    g, dx = g.reshape(g_shape), dx.reshape(dx_shape)
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
    """``(position, keys)`` of Numba's generator in this thread (what ``epoch_order`` and ``fill_uniform``
    draw from), as ``randomness.Stream.state`` gives it."""
    from numba import _helperlib
    position, keys = _helperlib.rnd_get_state(_helperlib.rnd_get_np_state_ptr())
    return position, np.array(keys, np.uint32)


def set_rng_state(state):
    """Put Numba's generator in this thread at ``state`` (from ``rng_state`` or a ``Stream``)."""
    from numba import _helperlib
    position, keys = state
    _helperlib.rnd_set_state(_helperlib.rnd_get_np_state_ptr(), (int(position), [int(k) for k in keys]))
