"""The matrix product ``@`` with NumPy's rules (1-D operands promoted, batch axes broadcast)."""
import numpy as np

from ..graph import shapes
from .primitive import Primitive
from .shaping import reshape, transpose, unbroadcast


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
    text="{0} @ {1}", latex=r"{0} {1}", precedence=20)
