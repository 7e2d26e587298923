"""Lowering: primitives become what the code generator writes; convolutions and einsum become matrix
products the BLAS helper runs; NCHW becomes NHWC.

A primitive that declares a graph builder as its ``lowering`` (``Primitive``) is
replaced by the graph it builds: ``var`` by means and sums, ``logsumexp`` by a
maximum, exponentials and a sum, ``all``/``any`` by sums of floats compared.

``conv2d(x, w)`` is ``im2col(x) @ w`` reshaped: ``im2col`` copies each output
pixel's window into one row (kh·kw·C long) and the kernel, reshaped to
(kh·kw·C, O), multiplies all rows at once. Its two adjoints are products with
the same two matrices (the transposes are read in place by ``gemm``):
input gradient ``col2im(g @ Wᵀ)``, weight gradient ``im2col(x)ᵀ @ g`` (the
forward's ``im2col`` is shared by common-subexpression elimination). A grouped
convolution is one convolution per group on its slices of the channels,
joined along the channel axis. Windowed
primitives in layout NCHW are wrapped in transposes to NHWC, the only layout the
code generator emits. ``im2col`` and ``col2im`` are this pass's own primitives.

``einsum`` contracts one pair of operands at a time: a repeated label is a
diagonal (``index``), a label no later operand or the output needs is summed
first, and the pair is a matrix product of the two operands transposed and
reshaped to (free, contracted) and (contracted, free); with labels both keep
(batch axes) it is a broadcast product summed over the contracted labels.
"""
import numpy as np

from ..ops import apply, concatenate, index, matmul, reshape, transpose
from ..ops import sum as summed
from ..ops.linalg import diagonal_key, label_sizes, parse_subscripts
from ..ops import windows as win
from ..graph.primitive import Primitive
from .passes import rewrite

TO_NHWC, TO_NCHW = (0, 2, 3, 1), (0, 3, 1, 2)
KERNEL_TO_HWIO = (2, 3, 1, 0)     # OIHW -> HWIO
KERNEL_FROM_HWIO = (3, 2, 0, 1)   # HWIO -> OIHW


def _im2col(x, kernel, strides, padding, dilation):
    pads = win.resolve_padding(x.shape[1:3], kernel, strides, dilation, padding)
    out = win.out_size(x.shape[1:3], kernel, strides, dilation, padding, "im2col")
    cols = win.columns(win.padded(x, pads), kernel, strides, dilation, out)
    return cols.reshape(-1, cols.shape[3] * cols.shape[4])


def _im2col_shape(xs, *, kernel, strides, padding, dilation):
    oh, ow = win.out_size(xs[1:3], kernel, strides, dilation, padding, "im2col")
    return (xs[0] * oh * ow, kernel[0] * kernel[1] * xs[3])


def _col2im(cols, shape_to, kernel, strides, padding, dilation):
    n, h, w, c = shape_to
    pads = win.resolve_padding((h, w), kernel, strides, dilation, padding)
    out = win.out_size((h, w), kernel, strides, dilation, padding, "col2im")
    full = (n, h + sum(pads[0]), w + sum(pads[1]), c)
    windows = cols.reshape(n, out[0], out[1], kernel[0] * kernel[1], c)
    return win.cropped(win.scatter(windows, full, kernel, strides, dilation, out), pads)


IM2COL = Primitive("im2col", impl=_im2col, shape=_im2col_shape, differentiable=False,
                   text="im2col({0})", latex=r"\operatorname{{im2col}}({0})", lowering="im2col",
                   register=False)
COL2IM = Primitive("col2im", impl=_col2im, shape=lambda cs, *, shape_to, **p: tuple(shape_to), differentiable=False,
                   text="col2im({0})", latex=r"\operatorname{{col2im}}({0})", lowering="col2im",
                   register=False)


def _window(params):
    return {k: params[k] for k in ("strides", "padding", "dilation")}


def _hwio(w, layout):
    return w if layout == "NHWC" else transpose(w, KERNEL_TO_HWIO)


def _as_matrix(w):
    """An HWIO kernel as the (kh·kw·C, O) matrix that multiplies im2col rows."""
    return reshape(w, (-1, w.shape[3]))


def _conv2d(node, x, w):
    p, layout = node.params, node.params["layout"]
    xn, wn = (x if layout == "NHWC" else transpose(x, TO_NHWC)), _hwio(w, layout)
    cols = apply(IM2COL, [xn], dict(kernel=wn.shape[:2], **_window(p)))
    y = matmul(cols, _as_matrix(wn))
    n, oh, ow = xn.shape[0], *win.out_size(xn.shape[1:3], wn.shape[:2], p["strides"], p["dilation"],
                                             p["padding"], "conv2d")
    y = reshape(y, (n, oh, ow, wn.shape[3]))
    return y if layout == "NHWC" else transpose(y, TO_NCHW)


def _conv2d_input_grad(node, g, w):
    p, layout = node.params, node.params["layout"]
    gn, wn = (g if layout == "NHWC" else transpose(g, TO_NHWC)), _hwio(w, layout)
    rows = matmul(reshape(gn, (-1, gn.shape[3])), transpose(_as_matrix(wn)))
    shape = win.spatial(node.shape, layout)
    x = apply(COL2IM, [rows], dict(shape_to=shape, kernel=wn.shape[:2], **_window(p)))
    return x if layout == "NHWC" else transpose(x, TO_NCHW)


def _conv2d_weight_grad(node, x, g):
    p, layout = node.params, node.params["layout"]
    xn, gn = ((x, g) if layout == "NHWC" else (transpose(x, TO_NHWC), transpose(g, TO_NHWC)))
    cols = apply(IM2COL, [xn], dict(kernel=p["kernel"], **_window(p)))
    dw = matmul(transpose(cols), reshape(gn, (-1, gn.shape[3])))
    hwio = reshape(dw, (p["kernel"][0], p["kernel"][1], xn.shape[3], gn.shape[3]))
    return hwio if layout == "NHWC" else transpose(hwio, KERNEL_FROM_HWIO)


def _nhwc(node, *args):
    """A windowed primitive in NCHW as the same primitive in NHWC between transposes."""
    if node.params["layout"] == "NHWC":
        return None
    params = dict(node.params, layout="NHWC")
    inner = apply(node.op, [transpose(a, TO_NHWC) for a in args], params)
    return transpose(inner, TO_NCHW)


CONVOLUTIONS = {"conv2d": _conv2d, "conv2d_input_grad": _conv2d_input_grad,
                "conv2d_weight_grad": _conv2d_weight_grad}
POOLING = ("max_pool2d", "max_pool2d_grad", "max_pool2d_select", "avg_pool2d", "avg_pool2d_grad")
# Which axis of each operand and of the result a convolution primitive splits by group: "image" is the
# channel axis of an image (x, the output gradient, the result), "kernel" the output-channel axis of a kernel.
GROUPED = {"conv2d": ("image", "kernel", "image"), "conv2d_input_grad": ("image", "kernel", "image"),
           "conv2d_weight_grad": ("image", "image", "kernel")}
GROUP_AXIS = {("image", "NHWC"): 3, ("image", "NCHW"): 1, ("kernel", "NHWC"): 3, ("kernel", "NCHW"): 0}


def _slices(x, axis, groups):
    """``x`` cut into ``groups`` equal parts along ``axis``."""
    size = x.shape[axis] // groups
    return [index(x, (slice(None),) * axis + (slice(k * size, (k + 1) * size),)) for k in range(groups)]


def _grouped(node, *args):
    """A convolution primitive with groups > 1 as one lowered convolution per group, joined."""
    name, groups, layout = node.op.name, node.params["groups"], node.params["layout"]
    axes = [GROUP_AXIS[kind, layout] for kind in GROUPED[name]]
    params = dict(node.params, groups=1)
    parts = []
    for pieces in zip(*(_slices(a, axis, groups) for a, axis in zip(args, axes))):
        part = apply(node.op, list(pieces), params)
        parts.append(CONVOLUTIONS[name](part, *pieces))
    return concatenate(parts, axis=axes[2])


def _arranged(x, labels, order):
    """``x`` (axes named by ``labels``) transposed to ``order`` (a permutation of them)."""
    perm = [labels.index(c) for c in order]
    return x if perm == sorted(perm) else transpose(x, perm)


def _kept(x, labels, keep):
    """``x`` summed over the labels not in ``keep``."""
    axes = tuple(k for k, c in enumerate(labels) if c not in keep)
    return (summed(x, axis=axes), "".join(c for c in labels if c in keep)) if axes else (x, labels)


def _size(labels, size):
    return int(np.prod([size[c] for c in labels], dtype=np.int64))


def _contract(a, la, b, lb, later, size):
    """The product of two einsum terms summed over the labels they share that ``later`` does not need."""
    a, la = _kept(a, la, set(lb) | later)
    b, lb = _kept(b, lb, set(la) | later)
    shared = [c for c in la if c in lb]
    contracted = "".join(c for c in shared if c not in later)
    afree, bfree = "".join(c for c in la if c not in shared), "".join(c for c in lb if c not in la)
    if len(contracted) == len(shared):
        rows = reshape(_arranged(a, la, afree + contracted), (_size(afree, size), _size(contracted, size)))
        cols = reshape(_arranged(b, lb, contracted + bfree), (_size(contracted, size), _size(bfree, size)))
        return reshape(matmul(rows, cols), tuple(size[c] for c in afree + bfree)), afree + bfree
    labels = la + bfree
    spread = [reshape(_arranged(x, lx, [c for c in labels if c in lx]),
                      tuple(size[c] if c in lx else 1 for c in labels)) for x, lx in ((a, la), (b, lb))]
    return _kept(spread[0] * spread[1], labels, set(labels) - set(contracted))


def _einsum(node, *xs):
    subs, out = parse_subscripts(node.params["subscripts"], len(xs))
    size = label_sizes(node.params["subscripts"], [x.shape for x in xs])
    terms = []
    for x, sub in zip(xs, subs):
        unique = "".join(dict.fromkeys(sub))
        terms.append((x if unique == sub else index(x, diagonal_key(sub, size)), unique))
    acc, labels = terms[0]
    for k, (x, lx) in enumerate(terms[1:], start=1):
        later = set(out).union(*(s for _, s in terms[k + 1:]))
        acc, labels = _contract(acc, labels, x, lx, later, size)
    acc, labels = _kept(acc, labels, set(out))
    return _arranged(acc, labels, out)


def lower(graph):
    """The graph with declared decompositions applied, convolutions as im2col/col2im and matrix products,
    einsum as products and sums, and pooling in NHWC."""
    def rule(node, args):
        name = node.op.name
        if callable(node.op.lowering):
            return node.op.lowering(*args, **node.params)
        if name == "einsum":
            return _einsum(node, *args)
        if name in CONVOLUTIONS:
            return (_grouped if node.params["groups"] > 1 else CONVOLUTIONS[name])(node, *args)
        if name in POOLING:
            return _nhwc(node, *args)
        return None
    return rewrite(graph, rule)
