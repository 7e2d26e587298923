"""Rounding and remainders: piecewise functions whose derivative is 0 (rounding) or 1 (remainders)
wherever it exists; at the jumps it does not, and graphgrad, like NumPy's peers, uses the one-sided value.
"""
import numpy as np

from ..lazy_sympy import sp, sympy_function
from .elementwise import Domain, elementwise
from ..graph.primitive import floating, numeric

_ZERO = (lambda a, x: 0,)


def _trunc(x):
    return sp.sign(x) * sp.floor(sp.Abs(x))


floor = elementwise("floor", np.floor, sympy_function.floor, _ZERO, "floor {0}", r"\lfloor {0} \rfloor")
ceil = elementwise("ceil", np.ceil, sympy_function.ceiling, _ZERO, "ceil {0}", r"\lceil {0} \rceil")
trunc = elementwise("trunc", np.trunc, _trunc, _ZERO, "trunc {0}", r"\operatorname{{trunc}} {0}", precedence=40)
rint = elementwise("rint", np.rint, None, _ZERO, "rint {0}", r"\operatorname{{rint}} {0}", precedence=40,
                   dtype=floating)
_round = elementwise("round", lambda x, decimals: np.round(x, decimals), None, _ZERO,
                     "round({0}, {decimals})", r"\operatorname{{round}}({0}, {decimals})",
                     scalar="np.round({0}, {decimals})")

_DIVISOR = Domain(lambda x, y: y != 0, "it needs a non-zero divisor")
mod = elementwise("mod", np.mod, sympy_function.Mod, (lambda a, x, y: 1, lambda a, x, y: -floor(x / y)),
                  "{0} mod {1}", r"{0} \bmod {1}", precedence=20, domain=_DIVISOR, dtype=numeric,
                  scalar="{0} % {1}")   # Python's %, like np.mod, takes the divisor's sign
floor_divide = elementwise("floor_divide", np.floor_divide, lambda x, y: sp.floor(x / y),
                           (lambda a, x, y: 0, lambda a, x, y: 0), "{0} // {1}", r"\lfloor {0} / {1} \rfloor",
                           precedence=20, domain=_DIVISOR, dtype=numeric, scalar="{0} // {1}")   # rounds down
fmod = elementwise("fmod", np.fmod, lambda x, y: x - y * _trunc(x / y),
                   (lambda a, x, y: 1, lambda a, x, y: -trunc(x / y)),
                   "fmod({0}, {1})", r"\operatorname{{fmod}}({0}, {1})", domain=_DIVISOR, dtype=numeric)


def round(x, decimals=0):
    """``x`` rounded to ``decimals`` places, halves to even (``np.round``)."""
    return _round(x, decimals=int(decimals))
