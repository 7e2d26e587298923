"""2-D convolution (cross-correlation, as in every framework) and the two products its derivative needs.

``conv2d(x, w)``: x is (N, H, W, C) with layout NHWC (Keras) and w is
(kh, kw, C/groups, O); with layout NCHW (PyTorch) x is (N, C, H, W) and w is
(O, C/groups, kh, kw). The result is linear in x and in w, so its adjoints are
two more bilinear products, ``conv2d_input_grad`` (the transposed convolution)
and ``conv2d_weight_grad``, whose own adjoints are the three again: the family
is closed under differentiation to any order. The compiler computes each as
matrix products in its own layout (``im2col``).
"""
import numpy as np

from ..errors import ArgumentError, ShapeError
from ..graph.shapes import fmt
from ..lazy_sympy import sp
from . import im2col
from . import windows as win
from ..graph.primitive import Primitive, as_node


def to_hwio(w, layout):
    return w if layout == "NHWC" else np.transpose(w, (2, 3, 1, 0))


def from_hwio(w, layout):
    return w if layout == "NHWC" else np.transpose(w, (3, 2, 0, 1))


def kernel_shape(kernel, cin_per_group, cout, layout):
    """The shape of a weight array in ``layout``."""
    kh, kw = kernel
    return (kh, kw, cin_per_group, cout) if layout == "NHWC" else (cout, cin_per_group, kh, kw)


def _hwio_shape(shape, layout):
    return shape if layout == "NHWC" else (shape[2], shape[3], shape[1], shape[0])


def _geometry(x, w, strides, padding, dilation, groups, layout):
    """(NHWC x, HWIO w grouped as (K, C/g, g, O/g), padding pairs, output size) of a convolution."""
    xn, wn = win.to_nhwc(x, layout), to_hwio(w, layout)
    kernel = wn.shape[:2]
    out = win.out_size(xn.shape[1:3], kernel, strides, dilation, padding, "conv2d")
    pads = win.resolve_padding(xn.shape[1:3], kernel, strides, dilation, padding)
    k, cg, o = kernel[0] * kernel[1], wn.shape[2], wn.shape[3]
    return xn, wn.reshape(k, cg, groups, o // groups), pads, kernel, out


def _grouped_columns(xn, pads, kernel, strides, dilation, out, groups):
    cols = win.columns(win.padded(xn, pads), kernel, strides, dilation, out)
    n, oh, ow, k, c = cols.shape
    return cols.reshape(n, oh, ow, k, groups, c // groups)


def _per_group(array, rows, columns):
    """``array`` (groups first) as a stack of (rows, columns) matrices: each group's product is one BLAS call."""
    return array.reshape(array.shape[0], rows, columns)


def _conv2d(x, w, strides, padding, dilation, groups, layout):
    xn, wg, pads, kernel, out = _geometry(x, w, strides, padding, dilation, groups, layout)
    cols = _grouped_columns(xn, pads, kernel, strides, dilation, out, groups)
    n, oh, ow, k, g, c = cols.shape
    y = _per_group(cols.transpose(4, 0, 1, 2, 3, 5), n * oh * ow, k * c) @ _per_group(wg.transpose(2, 0, 1, 3),
                                                                                       k * c, -1)
    return win.from_nhwc(y.transpose(1, 0, 2).reshape(n, oh, ow, -1), layout)


def _input_grad(g, w, size, strides, padding, dilation, groups, layout):
    gn, wn = win.to_nhwc(g, layout), to_hwio(w, layout)
    kernel, (cg, o) = wn.shape[:2], wn.shape[2:]
    wg = wn.reshape(kernel[0] * kernel[1], cg, groups, o // groups)
    n, oh, ow, _ = gn.shape
    k = wg.shape[0]
    cols = (_per_group(gn.reshape(n * oh * ow, groups, o // groups).transpose(1, 0, 2), n * oh * ow, -1)
            @ _per_group(wg.transpose(2, 3, 0, 1), o // groups, k * cg))          # (g, nhw, k c) per group
    cols = cols.reshape(groups, n, oh, ow, k, cg).transpose(1, 2, 3, 4, 0, 5)
    pads = win.resolve_padding(size, kernel, strides, dilation, padding)
    full = (n, size[0] + sum(pads[0]), size[1] + sum(pads[1]), cg * groups)
    xp = win.scatter(cols.reshape(n, oh, ow, wg.shape[0], cg * groups), full, kernel, strides, dilation, (oh, ow))
    return win.from_nhwc(win.cropped(xp, pads), layout)


def _weight_grad(x, g, kernel, strides, padding, dilation, groups, layout):
    xn, gn = win.to_nhwc(x, layout), win.to_nhwc(g, layout)
    n, oh, ow, o = gn.shape
    pads = win.resolve_padding(xn.shape[1:3], kernel, strides, dilation, padding)
    cols = _grouped_columns(xn, pads, kernel, strides, dilation, (oh, ow), groups)
    k, cg = cols.shape[3], cols.shape[5]
    dw = (_per_group(cols.transpose(4, 3, 5, 0, 1, 2), k * cg, n * oh * ow)
          @ _per_group(gn.reshape(n * oh * ow, groups, o // groups).transpose(1, 0, 2), n * oh * ow, -1))
    return from_hwio(dw.reshape(groups, k, cg, o // groups).transpose(1, 2, 0, 3).reshape(kernel[0], kernel[1], cg, o),
                     layout)


# --- shape rules -------------------------------------------------------------------------------

def _conv2d_shape(xs, ws, *, strides, padding, dilation, groups, layout):
    where = "conv2d"
    win.check_rank(xs, "the input", where)
    if len(ws) != 4:
        raise ShapeError(f"shape mismatch in conv2d: the kernel must have 4 axes "
                         f"({'kh, kw, in, out' if layout == 'NHWC' else 'out, in, kh, kw'}), got {fmt(ws)}")
    n, h, w, c = win.spatial(xs, layout)
    kh, kw, cg, o = _hwio_shape(ws, layout)
    if c % groups or cg * groups != c or o % groups:
        raise ShapeError(f"shape mismatch in conv2d: input {fmt(xs)} and kernel {fmt(ws)} ({layout}) with "
                         f"groups={groups}: the input's {c} channels must equal groups x the kernel's "
                         f"{cg} input channels, and the {o} output channels must divide by groups")
    try:
        oh, ow = win.out_size((h, w), (kh, kw), strides, dilation, padding, where)
    except ShapeError as exc:
        raise ShapeError(f"{exc} (input {fmt(xs)}, kernel {fmt(ws)}, {layout})") from None
    return win.laid_out((n, oh, ow, o), layout)


def _input_grad_shape(gs, ws, *, size, strides, padding, dilation, groups, layout):
    n = gs[0]
    _, _, cg, _ = _hwio_shape(ws, layout)
    return win.laid_out((n, size[0], size[1], cg * groups), layout)


def _weight_grad_shape(xs, gs, *, kernel, strides, padding, dilation, groups, layout):
    c, o = win.spatial(xs, layout)[3], win.spatial(gs, layout)[3]
    return kernel_shape(kernel, c // groups, o, layout)


# --- derivative rules ---------------------------------------------------------------------------

def _size(x, layout):
    return win.spatial(x.shape, layout)[1:3]


def _kernel(w, layout):
    return _hwio_shape(w.shape, layout)[:2]


def _conv2d_vjp(g, ans, x, w, needs, **p):
    gx = conv2d_input_grad_p(g, w, size=_size(x, p["layout"]), **p) if needs[0] else None
    gw = conv2d_weight_grad_p(x, g, kernel=_kernel(w, p["layout"]), **p) if needs[1] else None
    return gx, gw


def _input_grad_vjp(c, ans, g, w, needs, size, **p):
    """<c, input_grad(g, w)> = <conv2d(c, w), g>."""
    gg = conv2d_p(c, w, **p) if needs[0] else None
    gw = conv2d_weight_grad_p(c, g, kernel=_kernel(w, p["layout"]), **p) if needs[1] else None
    return gg, gw


def _weight_grad_vjp(c, ans, x, g, needs, kernel, **p):
    """<c, weight_grad(x, g)> = <conv2d(x, c), g>."""
    gx = conv2d_input_grad_p(g, c, size=_size(x, p["layout"]), **p) if needs[0] else None
    gg = conv2d_p(x, c, **p) if needs[1] else None
    return gx, gg


def _bilinear_jvp(prim):
    """The JVP of a product linear in each operand: f(ṫa, b) + f(a, ṫb)."""
    def jvp(ts, ans, a, b, **params):
        terms = [prim(t, b, **params) if k == 0 else prim(a, t, **params)
                 for k, t in enumerate(ts) if t is not None]
        return terms[0] if len(terms) == 1 else terms[0] + terms[1]
    return jvp


def _sympy(impl):
    """The SymPy form: the NumPy code run on arrays of SymPy expressions (a lecture-sized convolution)."""
    def form(*operands, **params):
        if not all(isinstance(a, sp.NDimArray) for a in operands):
            return None
        arrays = [np.array(a.tolist(), dtype=object) for a in operands]
        return sp.Array(impl(*arrays, **params).tolist())
    return form


conv2d_p = Primitive(
    "conv2d", impl=_conv2d, shape=_conv2d_shape, vjp=_conv2d_vjp, sympy=_sympy(_conv2d),
    text="conv2d({0}, {1})", latex=r"{0} \star {1}", precedence=20,
    lowering=im2col.lowering(im2col.conv2d_product, _conv2d_shape, ("image", "kernel", "image")))
conv2d_input_grad_p = Primitive(
    "conv2d_input_grad", impl=_input_grad, shape=_input_grad_shape, vjp=_input_grad_vjp,
    sympy=_sympy(_input_grad), text="conv2d_input_grad({0}, {1})",
    latex=r"\operatorname{{conv}}^{{\top}}_{{x}}({0}, {1})",
    lowering=im2col.lowering(im2col.input_grad_product, _input_grad_shape, ("image", "kernel", "image")))
conv2d_weight_grad_p = Primitive(
    "conv2d_weight_grad", impl=_weight_grad, shape=_weight_grad_shape, vjp=_weight_grad_vjp,
    sympy=_sympy(_weight_grad), text="conv2d_weight_grad({0}, {1})",
    latex=r"\operatorname{{conv}}^{{\top}}_{{w}}({0}, {1})",
    lowering=im2col.lowering(im2col.weight_grad_product, _weight_grad_shape, ("image", "image", "kernel")))
for _prim in (conv2d_p, conv2d_input_grad_p, conv2d_weight_grad_p):
    _prim.jvp = _bilinear_jvp(_prim)


def conv2d(x, w, strides=1, padding="valid", dilation=1, groups=1, layout="NHWC"):
    """Cross-correlate ``x`` with the kernel ``w`` (see the module docstring for the layouts).

    ``padding`` is 'valid', 'same', an int or ((top, bottom), (left, right));
    ``strides`` and ``dilation`` an int or a pair.
    """
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ArgumentError(f"groups must be a positive int, got {groups!r}")
    return conv2d_p(as_node(x), as_node(w), strides=win.pair(strides, "strides"),
                    padding=win.padding_param(padding), dilation=win.pair(dilation, "dilation"),
                    groups=int(groups), layout=win.layout_param(layout))
