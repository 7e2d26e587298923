"""Sliding windows over the two spatial axes: the geometry shared by convolution and pooling.

Arrays are handled in NHWC (batch, height, width, channels); an NCHW operand is
transposed in and out. ``padding`` is kept as written ('valid', 'same', an int
or ((top, bottom), (left, right))) and resolved against the input size, so a
graph can be replayed for other shapes.
"""
import numpy as np

from ..errors import ArgumentError, ShapeError
from ..graph.shapes import fmt

LAYOUTS = ("NHWC", "NCHW")
RULE = "out = floor((in + pad_before + pad_after - dilation·(kernel - 1) - 1) / stride) + 1"


def pair(value, what):
    """An int or a pair of ints as a pair of positive ints (``what`` names it in the error)."""
    pair_ = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair_) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in pair_):
        raise ArgumentError(f"{what} must be a positive int or a pair of them, got {value!r}")
    return tuple(int(v) for v in pair_)


def padding_param(padding):
    """``padding`` checked and made hashable: 'valid', 'same' or ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        if padding.lower() not in ("valid", "same"):
            raise ArgumentError(f"padding must be 'valid', 'same', an int or pairs of ints, got {padding!r}")
        return padding.lower()
    if isinstance(padding, (int, np.integer)):
        padding = (padding, padding)
    rows = [(p, p) if isinstance(p, (int, np.integer)) else tuple(p) for p in padding]
    if len(rows) != 2 or any(len(r) != 2 or min(r) < 0 for r in rows):
        raise ArgumentError(f"padding must be 'valid', 'same', an int or pairs of ints, got {padding!r}")
    return tuple(tuple(int(v) for v in r) for r in rows)


def layout_param(layout):
    if layout not in LAYOUTS:
        raise ArgumentError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    return layout


def resolve_padding(size, kernel, strides, dilation, padding):
    """((top, bottom), (left, right)) for spatial ``size``: 'same' pads so out = ceil(in / stride), the extra
    element after (as TensorFlow and PyTorch do)."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding != "same":
        return padding
    pads = []
    for n, k, s, d in zip(size, kernel, strides, dilation):
        total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def out_size(size, kernel, strides, dilation, padding, where):
    """Spatial output size, or a ShapeError with the input and kernel sizes and the rule."""
    pads = resolve_padding(size, kernel, strides, dilation, padding)
    out = tuple((n + p0 + p1 - d * (k - 1) - 1) // s + 1
                for n, k, s, d, (p0, p1) in zip(size, kernel, strides, dilation, pads))
    if min(out) < 1:
        raise ShapeError(f"shape mismatch in {where}: a {kernel[0]}x{kernel[1]} window (dilation {dilation}, "
                         f"padding {pads}) does not fit in a {size[0]}x{size[1]} input; {RULE} must be >= 1")
    return out


def spatial(shape, layout):
    """(N, H, W, C) of an operand's ``shape`` in ``layout``."""
    n, a, b, c = shape
    return (n, a, b, c) if layout == "NHWC" else (n, b, c, a)


def laid_out(shape_nhwc, layout):
    """An (N, H, W, C) shape written in ``layout``."""
    n, h, w, c = shape_nhwc
    return (n, h, w, c) if layout == "NHWC" else (n, c, h, w)


def check_rank(shape, what, where):
    if len(shape) != 4:
        raise ShapeError(f"shape mismatch in {where}: {what} must have 4 axes (batch, two spatial, channels), "
                         f"got {fmt(shape)}")


def to_nhwc(x, layout):
    return x if layout == "NHWC" else np.transpose(x, (0, 2, 3, 1))


def from_nhwc(x, layout):
    return x if layout == "NHWC" else np.transpose(x, (0, 3, 1, 2))


def padded(x, pads, fill=0.0):
    """NHWC ``x`` with ``pads`` added around its spatial axes (filled with ``fill``)."""
    (t, b), (l, r) = pads
    if not (t or b or l or r):
        return x
    return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)


def cropped(x, pads):
    (t, b), (l, r) = pads
    return x[:, t:x.shape[1] - b, l:x.shape[2] - r, :]


def offsets(kernel, strides, dilation, out):
    """For each kernel position (i, j), the slices of the padded input it reads for every output pixel."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, strides, dilation, out
    return [(slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))
            for i in range(kh) for j in range(kw)]


def columns(xp, kernel, strides, dilation, out):
    """im2col of a padded NHWC array: (N, OH, OW, kh·kw, C), the window of each output pixel."""
    return np.stack([xp[:, a, b, :] for a, b in offsets(kernel, strides, dilation, out)], axis=3)


def scatter(cols, shape, kernel, strides, dilation, out):
    """The adjoint of ``columns``: each window's values added back where they were read (col2im)."""
    xp = np.zeros(shape, dtype=cols.dtype)
    for k, (a, b) in enumerate(offsets(kernel, strides, dilation, out)):
        xp[:, a, b, :] += cols[:, :, :, k, :]
    return xp


def helper_geometry(kernel, strides, dilation, padding, size):
    """(kh, kw, sh, sw, dh, dw, pad top, pad left): the window arguments of ``compiler.runtime``'s helpers, which
    compiled kernels and eager convolutions call alike."""
    pads = resolve_padding(size, kernel, strides, dilation, padding)
    return tuple(int(v) for v in (*kernel, *strides, *dilation, pads[0][0], pads[1][0]))
