"""Convolutions as matrix products: the graphs the compiler computes for ``conv2d`` and its two adjoints
(their declared ``lowering``), in either layout, with no transposes of images.

``im2col`` copies each output pixel's window out of the image and ``col2im``
adds such copies back (its adjoint); both are internal primitives compiled by
the runtime helpers of their name. The kernel, reshaped, multiplies the windows:

- NHWC (Keras): a row of kh·kw·C per output pixel, (N·OH·OW, kh·kw·C), times the
  HWIO kernel as (kh·kw·C, O): one product for the whole batch, whose rows are
  the output pixels with their channels last, NHWC already.
- NCHW (PyTorch): per image a column per output pixel, (N, C·kh·kw, OH·OW); the
  OIHW kernel as (O, C·kh·kw) times each image's columns gives that image's
  channels as rows of pixels, NCHW already (a batched product).

The adjoints are products with the same two matrices (a transposed operand is
read in place by ``gemm``): input gradient ``col2im(Wᵀ·g)``, weight gradient
``g·im2col(x)ᵀ`` (summed over the images in NCHW), whose ``im2col`` the forward
pass shares (common-subexpression elimination). A grouped convolution is one
convolution per group on its slices of the channels, joined.
"""
from . import windows as win
from ..graph.primitive import Primitive, apply
from .joining import concatenate
from .indexing import index
from .linalg import matmul
from .reductions import sum as summed
from .shaping import reshape, transpose


def _im2col(x, kernel, strides, padding, dilation, layout):
    xn = win.to_nhwc(x, layout)
    pads = win.resolve_padding(xn.shape[1:3], kernel, strides, dilation, padding)
    out = win.out_size(xn.shape[1:3], kernel, strides, dilation, padding, "im2col")
    cols = win.columns(win.padded(xn, pads), kernel, strides, dilation, out)       # (N, OH, OW, K, C)
    n, oh, ow, k, c = cols.shape
    if layout == "NHWC":
        return cols.reshape(n * oh * ow, k * c)
    return cols.transpose(0, 4, 3, 1, 2).reshape(n, c * k, oh * ow)


def _im2col_shape(xs, *, kernel, strides, padding, dilation, layout):
    n, h, w, c = win.spatial(xs, layout)
    oh, ow = win.out_size((h, w), kernel, strides, dilation, padding, "im2col")
    k = kernel[0] * kernel[1]
    return (n * oh * ow, k * c) if layout == "NHWC" else (n, c * k, oh * ow)


def _col2im(cols, shape_to, kernel, strides, padding, dilation, layout):
    n, h, w, c = win.spatial(shape_to, layout)
    pads = win.resolve_padding((h, w), kernel, strides, dilation, padding)
    out = win.out_size((h, w), kernel, strides, dilation, padding, "col2im")
    k = kernel[0] * kernel[1]
    windows = (cols.reshape(n, out[0], out[1], k, c) if layout == "NHWC"
               else cols.reshape(n, c, k, out[0], out[1]).transpose(0, 3, 4, 2, 1))
    full = (n, h + sum(pads[0]), w + sum(pads[1]), c)
    return win.from_nhwc(win.cropped(win.scatter(windows, full, kernel, strides, dilation, out), pads), layout)


IM2COL = Primitive("im2col", impl=_im2col, shape=_im2col_shape, differentiable=False,
                   text="im2col({0})", latex=r"\operatorname{{im2col}}({0})", lowering="im2col",
                   register=False)
COL2IM = Primitive("col2im", impl=_col2im, shape=lambda cs, *, shape_to, **p: tuple(shape_to), differentiable=False,
                   text="col2im({0})", latex=r"\operatorname{{col2im}}({0})", lowering="col2im",
                   register=False)


def _windows(x, kernel, p):
    """``im2col`` of ``x`` for a convolution with parameters ``p``."""
    return apply(IM2COL, [x], dict(kernel=tuple(kernel), strides=p["strides"], padding=p["padding"],
                                   dilation=p["dilation"], layout=p["layout"]))


def _matrix(w, layout):
    """The kernel as the matrix multiplying the windows: HWIO as (kh·kw·C, O), OIHW as (O, C·kh·kw)."""
    return reshape(w, (-1, w.shape[3])) if layout == "NHWC" else reshape(w, (w.shape[0], -1))


def _pixels(g, layout):
    """An output (gradient) as the product of the windows gives it: (N·OH·OW, O) or (N, O, OH·OW)."""
    return reshape(g, (-1, g.shape[3])) if layout == "NHWC" else reshape(g, (g.shape[0], g.shape[1], -1))


def _kernel_size(w, layout):
    return tuple(w.shape[:2]) if layout == "NHWC" else tuple(w.shape[2:])


def conv2d_product(x, w, shape, p):
    """``conv2d`` (ungrouped, result ``shape``) as im2col and a product."""
    cols, wm = _windows(x, _kernel_size(w, p["layout"]), p), _matrix(w, p["layout"])
    return reshape(matmul(cols, wm) if p["layout"] == "NHWC" else matmul(wm, cols), shape)


def input_grad_product(g, w, shape, p):
    """``conv2d_input_grad`` as a product and col2im."""
    wm, gm = _matrix(w, p["layout"]), _pixels(g, p["layout"])
    cols = matmul(gm, transpose(wm)) if p["layout"] == "NHWC" else matmul(transpose(wm), gm)
    return apply(COL2IM, [cols], dict(shape_to=tuple(shape), kernel=_kernel_size(w, p["layout"]),
                                      strides=p["strides"], padding=p["padding"], dilation=p["dilation"],
                                      layout=p["layout"]))


def weight_grad_product(x, g, shape, p):
    """``conv2d_weight_grad`` as im2col and a product (one per image, summed, in NCHW)."""
    cols, gm = _windows(x, p["kernel"], p), _pixels(g, p["layout"])
    if p["layout"] == "NHWC":
        return reshape(matmul(transpose(cols), gm), shape)
    return reshape(summed(matmul(gm, transpose(cols, (0, 2, 1))), axis=0), shape)


# The axis a group splits: "image" is an image's channel axis (x, an output gradient, a result), "kernel" a
# kernel's output-channel axis.
_AXIS = {("image", "NHWC"): 3, ("image", "NCHW"): 1, ("kernel", "NHWC"): 3, ("kernel", "NCHW"): 0}


def lowering(product, shape_rule, kinds):
    """A convolution primitive's ``lowering``: ``product(a, b, result shape, params)`` on ungrouped operands,
    once per group on the slices of its channels (``kinds``: the group axis of each operand and the result,
    see ``_AXIS``), joined; ``shape_rule`` is the primitive's."""
    def lowered(a, b, **p):
        groups, layout = p["groups"], p["layout"]
        if groups == 1:
            return product(a, b, shape_rule(a.shape, b.shape, **p), p)
        axes = [_AXIS[kind, layout] for kind in kinds]
        single = dict(p, groups=1)
        parts = [product(pa, pb, shape_rule(pa.shape, pb.shape, **single), single)
                 for pa, pb in zip(_slices(a, axes[0], groups), _slices(b, axes[1], groups))]
        return concatenate(parts, axis=axes[2])
    return lowered


def _slices(x, axis, groups):
    """``x`` cut into ``groups`` equal parts along ``axis``."""
    size = x.shape[axis] // groups
    return [index(x, (slice(None),) * axis + (slice(k * size, (k + 1) * size),)) for k in range(groups)]
