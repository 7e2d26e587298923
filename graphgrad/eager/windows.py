"""Eager convolutions and pooling by the compiled loop's own Numba helpers (``compiler.runtime``).

The primitives' NumPy ``impl`` stays the reference (the interpreter, the SymPy
forms). An eager operation on float32 or float64 images computes them instead as
``fit``'s kernels do: ``im2col``/``col2im`` around a BLAS product for a
convolution and its two gradients, the runtime's window loops for average pooling
and its gradient, NCHW operands (PyTorch's) transposed to NHWC and back; max
pooling, its gradient and its select read or add through the positions of each
window's first maximum (``max_pool_argmax``, NCHW seen as one-channel images).
``COMPILED`` maps each primitive to its function; a function returns None where
NumPy's way is kept: other dtypes, grouped convolutions, images with one
channel per group, whose NumPy windows are strided copies of whole images (on
LeNet's 1-channel first layer twice as fast as the helper's per-element loop;
from two channels on, the helpers are 2-4x faster: ``benchmarks/README.md``), and
operands under ``SMALL`` elements (a lecture's 4x4 example): there the helpers
save microseconds, and loading Numba for them would cost about a second, once.
"""
import numpy as np

from ..ops import convolution, pooling, windows as win
from ..ops.convolution import from_hwio, to_hwio

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
SMALL = 4096    # elements of the largest operand below which NumPy's way is kept


def _runtime():
    from ..compiler import runtime
    return runtime


def _nhwc(x, layout):
    """``x`` in NHWC, C-ordered (the helpers view flat arrays)."""
    return np.ascontiguousarray(win.to_nhwc(x, layout))


def _images(*arrays):
    """Whether the helpers take these operands: one float dtype, no empty array, not all small."""
    dtype = arrays[0].dtype
    return (dtype in _FLOATS and all(a.dtype == dtype and a.size for a in arrays) and
            max(a.size for a in arrays) >= SMALL)


def _columns(xn, kernel, strides, padding, dilation):
    """im2col of NHWC ``xn``: the (N·OH·OW, kh·kw·C) window rows, and (OH, OW)."""
    n, h, w, c = xn.shape
    oh, ow = win.out_size((h, w), kernel, strides, dilation, padding, "conv2d")
    cols = np.empty((n * oh * ow, kernel[0] * kernel[1] * c), xn.dtype)
    _runtime().im2col(xn.reshape(-1), xn.shape, cols.reshape(-1), cols.shape, oh, ow,
                      win.helper_geometry(kernel, strides, dilation, padding, (h, w)))
    return cols, (oh, ow)


def _matrix(w, layout):
    """A kernel as the (kh·kw·C, O) matrix that multiplies im2col rows."""
    hwio = np.ascontiguousarray(to_hwio(w, layout))
    return hwio.reshape(-1, hwio.shape[3])


def _conv_on_numpy(groups, channels):
    return groups != 1 or channels == 1


def conv2d(x, w, *, strides, padding, dilation, groups, layout):
    if not _images(x, w) or _conv_on_numpy(groups, win.spatial(x.shape, layout)[3]):
        return None
    xn = _nhwc(x, layout)
    cols, (oh, ow) = _columns(xn, to_hwio(w, layout).shape[:2], strides, padding, dilation)
    wm = _matrix(w, layout)
    return win.from_nhwc((cols @ wm).reshape(xn.shape[0], oh, ow, wm.shape[1]), layout)


def conv2d_input_grad(g, w, *, size, strides, padding, dilation, groups, layout):
    kh, kw, channels, _ = to_hwio(w, layout).shape
    if not _images(g, w) or _conv_on_numpy(groups, channels):
        return None
    gn = _nhwc(g, layout)
    n, oh, ow, o = gn.shape
    rows = gn.reshape(-1, o) @ _matrix(w, layout).T
    x = np.empty((n, *size, channels), g.dtype)
    _runtime().col2im(rows.reshape(-1), rows.shape, x.reshape(-1), x.shape, oh, ow,
                      win.helper_geometry((kh, kw), strides, dilation, padding, size))
    return win.from_nhwc(x, layout)


def conv2d_weight_grad(x, g, *, kernel, strides, padding, dilation, groups, layout):
    if not _images(x, g) or _conv_on_numpy(groups, win.spatial(x.shape, layout)[3]):
        return None
    xn = _nhwc(x, layout)
    cols, _ = _columns(xn, kernel, strides, padding, dilation)
    gn = _nhwc(g, layout)
    dw = cols.T @ gn.reshape(-1, gn.shape[3])
    return from_hwio(dw.reshape(*kernel, xn.shape[3], gn.shape[3]), layout)


def _pooled(helper, image, operands, shape, params, *options):
    """``helper`` of the runtime on NHWC operands into a new NHWC array of ``shape``, back in the layout;
    ``image`` is the NHWC shape whose spatial size the windows cover."""
    layout = params["layout"]
    geometry = win.helper_geometry(params["pool"], params["strides"], (1, 1), params["padding"], image[1:3])
    arrays = [_nhwc(a, layout) for a in operands]
    out = np.empty(shape, operands[0].dtype)
    flat = [a for array in (*arrays, out) for a in (array.reshape(-1), array.shape)]
    getattr(_runtime(), helper)(*flat, geometry, *options)
    return win.from_nhwc(out, layout)


def _pooled_shape(x, params):
    n, h, w, c = win.spatial(x.shape, params["layout"])
    oh, ow = win.out_size((h, w), params["pool"], params["strides"], (1, 1), params["padding"], "pooling")
    return (n, oh, ow, c)


def _first_maxima(x, params):
    """The runtime's ``max_pool_argmax`` of ``x`` in its own layout (NCHW as one-channel images): x C-ordered,
    and the flat position in it of each window's first maximum, shaped as the pooled map."""
    layout = params["layout"]
    n, h, w, c = win.spatial(x.shape, layout)
    oh, ow = win.out_size((h, w), params["pool"], params["strides"], (1, 1), params["padding"], "pooling")
    images, pooled = ((n, h, w, c), (n, oh, ow, c)) if layout == "NHWC" else ((n * c, h, w, 1), (n * c, oh, ow, 1))
    x = np.ascontiguousarray(x)
    at = np.empty(win.laid_out((n, oh, ow, c), layout), np.intp)
    _runtime().max_pool_argmax(x.reshape(-1), images, at.reshape(-1), pooled,
                               win.helper_geometry(params["pool"], params["strides"], (1, 1), params["padding"],
                                                   (h, w)))
    return x, at


def _taken(x, at, fill):
    """x read at the positions ``at`` (``fill`` at -1), shaped as ``at``."""
    out = np.empty(at.shape, x.dtype)
    _runtime().take_at(np.ascontiguousarray(x).reshape(-1), at.reshape(-1), out.reshape(-1), x.dtype.type(fill))
    return out


def max_pool2d(x, **params):
    if not _images(x):
        return None
    x, at = _first_maxima(x, params)
    return _taken(x, at, -np.inf)


def max_pool2d_grad(x, g, **params):
    if not _images(x, g):
        return None
    x, at = _first_maxima(x, params)
    dx = np.empty(x.shape, g.dtype)
    _runtime().add_at(np.ascontiguousarray(g).reshape(-1), at.reshape(-1), dx.reshape(-1))
    return dx


def max_pool2d_select(x, c, **params):
    if not _images(x, c):
        return None
    return _taken(c, _first_maxima(x, params)[1], 0.0)


def avg_pool2d(x, *, count_include_pad, **params):
    if not _images(x):
        return None
    return _pooled("avg_pool", win.spatial(x.shape, params["layout"]), [x], _pooled_shape(x, params), params,
                   count_include_pad)


def avg_pool2d_grad(g, *, size, count_include_pad, **params):
    if not _images(g):
        return None
    n, _, _, c = win.spatial(g.shape, params["layout"])
    return _pooled("avg_pool_grad", (n, *size, c), [g], (n, *size, c), params, count_include_pad)


COMPILED = {convolution.conv2d_p: conv2d, convolution.conv2d_input_grad_p: conv2d_input_grad,
            convolution.conv2d_weight_grad_p: conv2d_weight_grad, pooling.max_pool2d_p: max_pool2d,
            pooling.max_pool2d_grad_p: max_pool2d_grad, pooling.max_pool2d_select_p: max_pool2d_select,
            pooling.avg_pool2d_p: avg_pool2d, pooling.avg_pool2d_grad_p: avg_pool2d_grad}
