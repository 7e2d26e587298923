"""Comparisons, logic and selection: ``x < y``, ``logical_and``, ``isfinite``, ``where``, ``clip``, ``fmax``.

Comparisons and logic give boolean arrays and have no derivative (``differentiable`` is False; asking
for one is refused). ``where`` and ``clip`` pass the adjoint on to the operand each element was taken
from; the boolean condition gets none.
"""
import numpy as np

from ..lazy_sympy import sp, sympy_function
from .elementwise import elementwise, maximum, minimum
from ..graph.primitive import boolean


def _comparison(name, impl, sympy, symbol, latex, python):
    """A comparison, compiled as Python's operator ``python``."""
    return elementwise(name, impl, sympy, None, "{0} %s {1}" % symbol, "{0} %s {1}" % latex, precedence=5,
                       dtype=boolean, scalar="{0} %s {1}" % python)


lt = _comparison("less", np.less, lambda x, y: x < y, "<", "<", "<")
le = _comparison("less_equal", np.less_equal, lambda x, y: x <= y, "≤", r"\le", "<=")
gt = _comparison("greater", np.greater, lambda x, y: x > y, ">", ">", ">")
ge = _comparison("greater_equal", np.greater_equal, lambda x, y: x >= y, "≥", r"\ge", ">=")
eq = _comparison("equal_to", np.equal, sympy_function.Eq, "==", "=", "==")
equal = eq  # NumPy's name
ne = _comparison("not_equal", np.not_equal, sympy_function.Ne, "≠", r"\ne", "!=")

logical_and = elementwise("logical_and", np.logical_and, sympy_function.And, None, "{0} and {1}", r"{0} \land {1}",
                          precedence=3, dtype=boolean, scalar="bool({0}) & bool({1})")
logical_or = elementwise("logical_or", np.logical_or, sympy_function.Or, None, "{0} or {1}", r"{0} \lor {1}",
                         precedence=2, dtype=boolean, scalar="bool({0}) | bool({1})")
logical_xor = elementwise("logical_xor", np.logical_xor, sympy_function.Xor, None, "{0} xor {1}", r"{0} \oplus {1}",
                          precedence=2, dtype=boolean, scalar="bool({0}) != bool({1})")
logical_not = elementwise("logical_not", np.logical_not, sympy_function.Not, None, "not {0}", r"\lnot {0}",
                          precedence=4, dtype=boolean, scalar="not {0}")
isfinite = elementwise("isfinite", np.isfinite, lambda x: sp.true if x.is_finite is not False else sp.false,
                       None, "isfinite {0}", r"\operatorname{{isfinite}} {0}", precedence=40, dtype=boolean)

# --- selection: the adjoint goes to the operand an element was taken from --------------------------------
where = elementwise("where", np.where, lambda c, x, y: sp.Piecewise((x, c), (y, True)),
                    (None, lambda a, c, x, y: c, lambda a, c, x, y: logical_not(c)),
                    "where({0}, {1}, {2})", r"\begin{{cases}} {1} & {0} \\ {2} & \text{{otherwise}} \end{{cases}}",
                    scalar="{1} if {0} else {2}")
_clip = elementwise("clip", np.clip, lambda x, low, high: sp.Min(sp.Max(x, low), high),
                    (lambda a, x, low, high: logical_and(ge(x, low), le(x, high)),
                     lambda a, x, low, high: lt(x, low), lambda a, x, low, high: gt(x, high)),
                    "clip({0}, {1}, {2})", r"\operatorname{{clip}}({0}, {1}, {2})",
                    scalar="{0} if {0} != {0} else min(max({0}, {1}), {2})")   # a NaN stays NaN, as in NumPy
fmax = elementwise("fmax", np.fmax, sympy_function.Max, maximum.partials, "fmax({0}, {1})", r"\max({0}, {1})")
fmin = elementwise("fmin", np.fmin, sympy_function.Min, minimum.partials, "fmin({0}, {1})", r"\min({0}, {1})")


def clip(x, a_min=None, a_max=None):
    """``x`` limited to [a_min, a_max], as ``np.clip`` (one bound may be None)."""
    if a_min is None and a_max is None:
        raise TypeError("clip needs a_min or a_max")
    if a_min is None:
        return minimum(x, a_max)
    if a_max is None:
        return maximum(x, a_min)
    return _clip(x, a_min, a_max)
