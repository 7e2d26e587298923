"""Products: ``@`` with NumPy's rules (1-D operands promoted, batch axes broadcast), and einsum, the
primitive under tensordot, dot, inner; outer and kron are broadcast products."""
import functools
import operator
import string

import numpy as np

from ..errors import ArgumentError, ShapeError
from ..graph import shapes
from ..graph.primitive import Primitive, apply, as_node
from .shaping import broadcast_to, reshape, transpose, unbroadcast


def _swap_last(x):
    axes = list(range(x.ndim))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return transpose(x, axes)


def _matmul_vjp(g, ans, x, y, needs):
    """Adjoints of x @ y: g @ yᵀ and xᵀ @ g, computed on 1-D operands promoted to 2-D."""
    x2 = reshape(x, (1,) + x.shape) if x.ndim == 1 else x
    y2 = reshape(y, y.shape + (1,)) if y.ndim == 1 else y
    g2 = reshape(g, shapes.matmul(x2.shape, y2.shape))
    gx = reshape(unbroadcast(matmul(g2, _swap_last(y2)), x2.shape), x.shape) if needs[0] else None
    gy = reshape(unbroadcast(matmul(_swap_last(x2), g2), y2.shape), y.shape) if needs[1] else None
    return gx, gy


def _matmul_jvp(ts, ans, x, y):
    terms = []
    if ts[0] is not None:
        terms.append(matmul(ts[0], y))
    if ts[1] is not None:
        terms.append(matmul(x, ts[1]))
    return terms[0] + terms[1] if len(terms) == 2 else terms[0]


def _matmul_sympy(x, y):
    return x * y  # SymPy matrices multiply with *; scalars too


matmul = Primitive(
    "matmul", impl=np.matmul, shape=lambda a, b: shapes.matmul(a, b, where=" in @"),
    vjp=_matmul_vjp, jvp=_matmul_jvp, sympy=_matmul_sympy,
    text="{0} @ {1}", latex=r"{0} {1}", precedence=20, lowering="matmul")


# --- einsum, and the products NumPy writes with it ------------------------------------------------
LETTERS = string.ascii_letters


def parse_subscripts(subscripts, count):
    """``"ij,jk->ik"`` as ([``ij``, ``jk``], ``ik``) for ``count`` operands (NumPy's implicit output if no ``->``)."""
    text = subscripts.replace(" ", "")
    if "." in text:
        raise ArgumentError(f"einsum subscripts with '...' are not supported: write every axis out ({subscripts!r})")
    ins, arrow, out = text.partition("->")
    inputs = ins.split(",")
    if len(inputs) != count:
        raise ArgumentError(f"einsum subscripts {subscripts!r} name {len(inputs)} operand(s), got {count}")
    labels = "".join(inputs)
    if any(c not in LETTERS for c in labels + out):
        raise ArgumentError(f"einsum subscripts must be letters, commas and '->', got {subscripts!r}")
    if not arrow:
        out = "".join(sorted(c for c in set(labels) if labels.count(c) == 1))
    if len(set(out)) != len(out) or any(c not in labels for c in out):
        raise ArgumentError(f"einsum output {out!r} must name each axis once, and only axes of the operands "
                            f"({subscripts!r})")
    return inputs, out


def _sizes(subs, in_shapes, subscripts):
    """Each label's length, checked to be the same wherever it appears."""
    listed = ", ".join(shapes.fmt(s) for s in in_shapes)
    size = {}
    for sub, shape in zip(subs, in_shapes):
        if len(sub) != len(shape):
            raise ShapeError(f"shape mismatch in einsum {subscripts!r}: operand {sub!r} names {len(sub)} axes, "
                             f"its shape {shapes.fmt(shape)} has {len(shape)} (operands {listed})")
        for label, n in zip(sub, shape):
            if size.setdefault(label, n) != n:
                raise ShapeError(f"shape mismatch in einsum {subscripts!r}: axis {label!r} has length "
                                 f"{size[label]} in one operand and {n} in another (operands {listed})")
    return size


def label_sizes(subscripts, in_shapes):
    """Each label's length in the einsum ``subscripts`` over operands of ``in_shapes``."""
    return _sizes(parse_subscripts(subscripts, len(in_shapes))[0], in_shapes, subscripts)


def diagonal_key(sub, size):
    """The key picking, from an operand with labels ``sub`` (one repeated, as ``ii``), the elements whose
    repeated labels agree: a result with each label once, in order of first appearance."""
    unique = "".join(dict.fromkeys(sub))
    return tuple(np.arange(size[c]).reshape(tuple(size[c] if d == c else 1 for d in unique)) for c in sub)


def _einsum_shape(*in_shapes, subscripts):
    size = label_sizes(subscripts, in_shapes)
    return tuple(size[c] for c in parse_subscripts(subscripts, len(in_shapes))[1])


def _einsum_vjp(g, ans, *xs, needs, subscripts):
    """The adjoint of operand k: g contracted with the other operands onto k's axes; axes only k has are
    broadcast back, and a repeated axis (a diagonal, as in ``ii->``) is scattered onto its diagonal."""
    from .indexing import scatter_add
    subs, out = parse_subscripts(subscripts, len(xs))
    size = label_sizes(subscripts, [x.shape for x in xs])
    grads = []
    for k, (sub, x, need) in enumerate(zip(subs, xs, needs)):
        if not need:
            grads.append(None)
            continue
        others = [(s, y) for j, (s, y) in enumerate(zip(subs, xs)) if j != k]
        unique = "".join(dict.fromkeys(sub))
        seen = set(out).union(*(s for s, _ in others))
        kept = "".join(c for c in unique if c in seen)
        r = einsum(",".join([out] + [s for s, _ in others]) + "->" + kept, g, *(y for _, y in others))
        if kept != unique:
            r = broadcast_to(reshape(r, tuple(size[c] if c in kept else 1 for c in unique)),
                             tuple(size[c] for c in unique))
        if unique != sub:
            r = scatter_add(r, diagonal_key(sub, size), x.shape)
        grads.append(r)
    return tuple(grads)


def _einsum_jvp(ts, ans, *xs, subscripts):
    terms = [einsum(subscripts, *xs[:k], t, *xs[k + 1:]) for k, t in enumerate(ts) if t is not None]
    return functools.reduce(operator.add, terms)


def _einsum(*xs, subscripts):
    return np.einsum(subscripts, *xs, optimize=len(xs) > 2)


einsum_p = Primitive(
    "einsum", impl=_einsum, shape=_einsum_shape, vjp=_einsum_vjp, jvp=_einsum_jvp,
    text="einsum('{subscripts}', {operands})", latex=r"\operatorname{{einsum}}_{{{subscripts}}}({operands})")


def einsum(subscripts, *operands):
    """``np.einsum`` without ``...``: products summed over the axes the output does not name."""
    xs = [as_node(x) for x in operands]
    subs, out = parse_subscripts(subscripts, len(xs))
    if len(xs) == 1 and len(set(subs[0])) == len(subs[0]) == len(out):
        _einsum_shape(xs[0].shape, subscripts=subscripts)
        return xs[0] if subs[0] == out else transpose(xs[0], [subs[0].index(c) for c in out])
    return apply(einsum_p, xs, {"subscripts": f"{','.join(subs)}->{out}"})


def tensordot(a, b, axes=2):
    """``np.tensordot``: the sum over ``axes`` (the last n of a with the first n of b, or two lists)."""
    a, b = as_node(a), as_node(b)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ShapeError(f"tensordot cannot sum over {axes} axes of {shapes.fmt(a.shape)} and {shapes.fmt(b.shape)}")
        pairs = (list(range(a.ndim - axes, a.ndim)), list(range(axes)))
    else:
        pairs = tuple([p] if isinstance(p, (int, np.integer)) else list(p) for p in axes)
    if len(pairs) != 2 or len(pairs[0]) != len(pairs[1]):
        raise ArgumentError(f"tensordot needs as many axes of a as of b, got axes={axes!r}")
    left = [shapes.normalize_axis(int(p), a.ndim, " in tensordot")[0] for p in pairs[0]]
    right = [shapes.normalize_axis(int(p), b.ndim, " in tensordot")[0] for p in pairs[1]]
    sa = LETTERS[:a.ndim]
    fresh = iter(LETTERS[a.ndim:])
    sb = "".join(sa[left[right.index(d)]] if d in right else next(fresh) for d in range(b.ndim))
    out = "".join(c for d, c in enumerate(sa) if d not in left) + "".join(
        c for d, c in enumerate(sb) if d not in right)
    return einsum(f"{sa},{sb}->{out}", a, b)


def dot(a, b):
    """``np.dot``: a product by a scalar, a matrix product for 1-D and 2-D, else a sum over a's last axis and
    b's second-to-last."""
    a, b = as_node(a), as_node(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, ([-1], [max(b.ndim - 2, 0)]))


def inner(a, b):
    """``np.inner``: the sum over the last axes of both (a product by a scalar)."""
    a, b = as_node(a), as_node(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, ([-1], [-1]))


def outer(a, b):
    """``np.outer``: every element of a (flattened) times every element of b, as a matrix."""
    a, b = as_node(a), as_node(b)
    return reshape(a, (a.size, 1)) * reshape(b, (1, b.size))


def kron(a, b):
    """``np.kron``: the block matrix of a's elements times b (interleaved axes, multiplied, reshaped)."""
    a, b = as_node(a), as_node(b)
    ndim = max(a.ndim, b.ndim)
    sa, sb = (1,) * (ndim - a.ndim) + a.shape, (1,) * (ndim - b.ndim) + b.shape
    product = reshape(a, tuple(d for n in sa for d in (n, 1))) * reshape(b, tuple(d for n in sb for d in (1, n)))
    return reshape(product, tuple(m * n for m, n in zip(sa, sb)))


def trace(x, offset=0, axis1=0, axis2=1):
    """``np.trace``: the sum of the ``offset`` diagonal of the two axes."""
    from .indexing import diagonal
    from .reductions import sum
    return sum(diagonal(x, offset, axis1, axis2), axis=-1)
