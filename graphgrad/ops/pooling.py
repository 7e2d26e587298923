"""Max and average pooling over 2-D windows, in layout NHWC or NCHW (see ``windows``).

Max pooling routes each window's adjoint to the window's first maximum, as
PyTorch and TensorFlow do; its derivative family is closed: the adjoint of
``max_pool2d_grad(x, g)`` in g is ``max_pool2d_select(x, c)`` (read c at each
window's maximum) and vice versa. Average pooling is linear; ``count_include_pad``
says what a window's mean divides by: every position, padded zeros included
(PyTorch's default), or only the positions inside the image (Keras's 'same').

The compiler computes the three max-pooling primitives through one search per
pooled map (their declared ``lowering``): ``max_pool_argmax`` writes the flat
position of each window's first maximum, which ``take_at`` reads x (or c) at and
``add_at`` adds g to; in a training step common-subexpression elimination leaves
one ``max_pool_argmax`` for the forward pass and the gradient.
"""
import numpy as np

from ..errors import ShapeError
from ..graph.shapes import fmt
from . import windows as win
from ..graph.primitive import Primitive, apply, as_node, index


def _geometry(x, pool, strides, padding, layout):
    xn = win.to_nhwc(x, layout)
    pads = win.resolve_padding(xn.shape[1:3], pool, strides, (1, 1), padding)
    out = win.out_size(xn.shape[1:3], pool, strides, (1, 1), padding, "pooling")
    return xn, pads, out


def _windows(x, pool, strides, padding, layout, fill):
    """(N, OH, OW, k, C) windows of NHWC x, the padding pairs and the output size."""
    xn, pads, out = _geometry(x, pool, strides, padding, layout)
    return win.columns(win.padded(xn, pads, fill), pool, strides, (1, 1), out), pads, out


def _first_maxima(x, pool, strides, padding, layout):
    """Each window's first maximum of x (NHWC): its value and its position in the window, found a window
    position at a time (a NaN counts as the maximum, as in np.argmax); the padded shape, padding and size."""
    xn, pads, out = _geometry(x, pool, strides, padding, layout)
    xp = win.padded(xn, pads, -np.inf)
    nans = bool(np.isnan(xp).any())
    best, where = None, None
    for k, (rows, cols) in enumerate(win.offsets(pool, strides, (1, 1), out)):
        value = xp[:, rows, cols, :]
        if best is None:
            best, where = value, np.zeros(value.shape, np.intp)
            continue
        better = value > best
        if nans:
            better |= np.isnan(value) & ~np.isnan(best)
        np.copyto(where, k, where=better)
        best = np.maximum(best, value)           # NaN wins, as it does in ``better``
    return best, where, xp.shape, pads, out


def _max_pool(x, pool, strides, padding, layout):
    return win.from_nhwc(_first_maxima(x, pool, strides, padding, layout)[0], layout)


def _max_pool_grad(x, g, pool, strides, padding, layout):
    """g of each window added to the input element where the window's first maximum is."""
    _, where, shape, pads, out = _first_maxima(x, pool, strides, padding, layout)
    gn = win.to_nhwc(g, layout)
    xp = np.zeros(shape, np.result_type(gn))
    for k, (rows, cols) in enumerate(win.offsets(pool, strides, (1, 1), out)):
        xp[:, rows, cols, :] += np.where(where == k, gn, 0)
    return win.from_nhwc(win.cropped(xp, pads), layout)


def _max_pool_select(x, c, pool, strides, padding, layout):
    """c read at each window's first maximum of x."""
    _, where, _, pads, out = _first_maxima(x, pool, strides, padding, layout)
    cp = win.padded(win.to_nhwc(c, layout), pads, 0.0)
    picked = np.zeros(where.shape, cp.dtype)
    for k, (rows, cols) in enumerate(win.offsets(pool, strides, (1, 1), out)):
        picked = np.where(where == k, cp[:, rows, cols, :], picked)
    return win.from_nhwc(picked, layout)


def _argmax(x, pool, strides, padding, layout):
    """The flat position in x of each window's first maximum (as ``_first_maxima``); -1 where it is padding."""
    _, where, _, pads, _ = _first_maxima(x, pool, strides, padding, layout)
    n, h, w, c = win.spatial(x.shape, layout)
    b, i, j, ch = np.indices(where.shape, sparse=True)
    r, s = i * strides[0] + where // pool[1] - pads[0][0], j * strides[1] + where % pool[1] - pads[1][0]
    flat = ((b * h + r) * w + s) * c + ch if layout == "NHWC" else ((b * c + ch) * h + r) * w + s
    return win.from_nhwc(np.where((0 <= r) & (r < h) & (0 <= s) & (s < w), flat, -1).astype(np.intp), layout)


def _take_at(x, at, fill):
    """x's element at each position of ``at`` (``fill`` where it is -1)."""
    return np.where(at >= 0, x.reshape(-1)[np.maximum(at, 0)], fill).astype(x.dtype)


def _add_at(g, at, shape):
    """Zeros of ``shape`` with each element of g added at its position in ``at`` (none where it is -1), in
    order: the adjoint of ``_take_at``."""
    out, kept = np.zeros(int(np.prod(shape)), g.dtype), at >= 0
    np.add.at(out, at[kept], g[kept])
    return out.reshape(shape)


def _divisors(size, pool, strides, pads, out, count_include_pad):
    """(1, OH, OW, 1): how many elements each window's mean divides by."""
    if count_include_pad:
        return np.full((1, *out, 1), float(pool[0] * pool[1]))
    inside = win.padded(np.ones((1, *size, 1)), pads)
    return np.sum(win.columns(inside, pool, strides, (1, 1), out), axis=3)


def _avg_pool(x, pool, strides, padding, layout, count_include_pad):
    cols, pads, out = _windows(x, pool, strides, padding, layout, 0.0)
    divisors = _divisors(_size(x, layout), pool, strides, pads, out, count_include_pad)
    return win.from_nhwc(np.sum(cols, axis=3) / divisors, layout)


def _avg_pool_grad(g, size, pool, strides, padding, layout, count_include_pad):
    """Each element of g shared equally over its window (the adjoint of ``_avg_pool``)."""
    pads = win.resolve_padding(size, pool, strides, (1, 1), padding)
    gn = win.to_nhwc(g, layout)
    gn = gn / _divisors(size, pool, strides, pads, gn.shape[1:3], count_include_pad)
    full = (gn.shape[0], size[0] + sum(pads[0]), size[1] + sum(pads[1]), gn.shape[3])
    spread = np.repeat(gn[:, :, :, None, :], pool[0] * pool[1], axis=3)
    xp = win.scatter(spread, full, pool, strides, (1, 1), gn.shape[1:3])
    return win.from_nhwc(win.cropped(xp, pads), layout)


def _pool_shape(name):
    """The pooled shape of the first operand (a second one, read at its windows, has the same shape)."""
    def rule(xs, *others, pool, strides, padding, layout, **options):
        win.check_rank(xs, "the input", name)
        n, h, w, c = win.spatial(xs, layout)
        try:
            oh, ow = win.out_size((h, w), pool, strides, (1, 1), padding, name)
        except ShapeError as exc:
            raise ShapeError(f"{exc} (input {fmt(xs)}, {layout})") from None
        return win.laid_out((n, oh, ow, c), layout)
    return rule


def _same_as_first(xs, gs, **params):
    return tuple(xs)


def _avg_grad_shape(gs, *, size, pool, strides, padding, layout, count_include_pad):
    n, _, _, c = win.spatial(gs, layout)
    return win.laid_out((n, size[0], size[1], c), layout)


def _size(x, layout):
    return win.spatial(x.shape, layout)[1:3]


def _first_dtype(nodes, params=None):
    return nodes[0].dtype


MAX_POOL_ARGMAX = Primitive("max_pool_argmax", impl=_argmax, shape=_pool_shape("max_pool_argmax"), dtype=index,
                            differentiable=False, text="max_pool_argmax({0})",
                            latex=r"\operatorname{{argmax}}_{{\text{{pool}}}}({0})", lowering="max_pool_argmax",
                            register=False)
TAKE_AT = Primitive("take_at", impl=_take_at, shape=lambda xs, ats, fill: tuple(ats), dtype=_first_dtype,
                    differentiable=False, text="take_at({0}, {1})", latex=r"{0}[{1}]", lowering="take_at",
                    register=False)
ADD_AT = Primitive("add_at", impl=_add_at, shape=lambda gs, ats, shape: tuple(shape), dtype=_first_dtype,
                   differentiable=False, text="add_at({0}, {1})", latex=r"\operatorname{{add\_at}}({0}, {1})",
                   lowering="add_at", register=False)


def _argmax_node(x, p):
    return apply(MAX_POOL_ARGMAX, [x], p)


def _lowered_max_pool(x, **p):
    return apply(TAKE_AT, [x, _argmax_node(x, p)], dict(fill=-np.inf))


def _lowered_max_pool_grad(x, g, **p):
    return apply(ADD_AT, [g, _argmax_node(x, p)], dict(shape=tuple(x.shape)))


def _lowered_max_pool_select(x, c, **p):
    return apply(TAKE_AT, [c, _argmax_node(x, p)], dict(fill=0.0))


max_pool2d_p = Primitive(
    "max_pool2d", impl=_max_pool, shape=_pool_shape("max_pool2d"),
    vjp=lambda g, ans, x, needs, **p: (max_pool2d_grad_p(x, g, **p),),
    jvp=lambda ts, ans, x, **p: max_pool2d_select_p(x, ts[0], **p),
    text="max_pool2d({0})", latex=r"\operatorname{{maxpool}}({0})", lowering=_lowered_max_pool)
max_pool2d_grad_p = Primitive(
    "max_pool2d_grad", impl=_max_pool_grad, shape=_same_as_first,
    vjp=lambda c, ans, x, g, needs, **p: (None, max_pool2d_select_p(x, c, **p)),
    jvp=lambda ts, ans, x, g, **p: None if ts[1] is None else max_pool2d_grad_p(x, ts[1], **p),
    text="max_pool2d_grad({0}, {1})", latex=r"\operatorname{{maxpool}}^{{\top}}({0}, {1})",
    lowering=_lowered_max_pool_grad)
max_pool2d_select_p = Primitive(
    "max_pool2d_select", impl=_max_pool_select, shape=_pool_shape("max_pool2d_select"),
    vjp=lambda c, ans, x, g, needs, **p: (None, max_pool2d_grad_p(x, c, **p)),
    jvp=lambda ts, ans, x, g, **p: None if ts[1] is None else max_pool2d_select_p(x, ts[1], **p),
    text="max_pool2d_select({0}, {1})", latex=r"\operatorname{{maxpool}}_{{{0}}}({1})",
    lowering=_lowered_max_pool_select)
avg_pool2d_p = Primitive(
    "avg_pool2d", impl=_avg_pool, shape=_pool_shape("avg_pool2d"),
    vjp=lambda g, ans, x, needs, **p: (avg_pool2d_grad_p(g, size=_size(x, p["layout"]), **p),),
    jvp=lambda ts, ans, x, **p: avg_pool2d_p(ts[0], **p),
    text="avg_pool2d({0})", latex=r"\operatorname{{avgpool}}({0})", lowering="avg_pool")
avg_pool2d_grad_p = Primitive(
    "avg_pool2d_grad", impl=_avg_pool_grad, shape=_avg_grad_shape,
    vjp=lambda c, ans, g, needs, size, **p: (avg_pool2d_p(c, **p),),
    jvp=lambda ts, ans, g, size, **p: avg_pool2d_grad_p(ts[0], size=size, **p),
    text="avg_pool2d_grad({0})", latex=r"\operatorname{{avgpool}}^{{\top}}({0})",
    lowering="avg_pool_grad")


def _window(pool_size, strides, padding, layout):
    """The window parameters of a pooling primitive, checked."""
    pool_size = win.pair(pool_size, "pool_size")
    return dict(pool=pool_size, strides=win.pair(strides or pool_size, "strides"),
                padding=win.padding_param(padding), layout=win.layout_param(layout))


def max_pool2d(x, pool_size=2, strides=None, padding="valid", layout="NHWC"):
    """The maximum over each ``pool_size`` window, moved by ``strides`` (default: the window, so windows do
    not overlap)."""
    return max_pool2d_p(as_node(x), **_window(pool_size, strides, padding, layout))


def avg_pool2d(x, pool_size=2, strides=None, padding="valid", layout="NHWC", count_include_pad=True):
    """The mean over each ``pool_size`` window, moved by ``strides``; ``count_include_pad=False`` divides by
    the window's elements inside the image only (Keras's 'same' average pooling)."""
    return avg_pool2d_p(as_node(x), **_window(pool_size, strides, padding, layout),
                        count_include_pad=bool(count_include_pad))
