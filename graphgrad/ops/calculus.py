"""More functions of calculus, as in NumPy: other bases, hyperbolic and inverse trigonometric functions,
and the two-argument ``arctan2``, ``hypot`` and ``logaddexp``.

Each is one ``elementwise`` declaration (value, SymPy form, local partials, notation, domain); the
partials are graph builders of ``(ans, *operands)``, so derivatives of any order follow.
"""
import math

import numpy as np
from scipy import special

from ..lazy_sympy import sp, sympy_function
from .elementwise import Domain, cos, elementwise, exp, sqrt
from .logic import eq, where
from ..graph.primitive import divided, floating, numeric

LN2, LN10 = math.log(2), math.log(10)


def _within(low, high, strict):
    """The domain ``low < x < high`` (or with ``<=`` when not strict)."""
    if strict:
        return lambda x: (x > low) & (x < high)
    return lambda x: (x >= low) & (x <= high)


def _unary(name, impl, sympy, partial, latex, domain=None, dtype=floating):
    return elementwise(name, impl, sympy, (partial,), name + " {0}", latex, precedence=40, domain=domain,
                       dtype=dtype)


# --- logarithms and exponentials in other bases ---------------------------------------------------------
log2 = _unary("log2", np.log2, lambda x: sp.log(x, 2), lambda a, x: 1 / (x * LN2), r"\log_2 {0}",
              Domain(lambda x: x > 0, "log2 is defined for x > 0"))
log10 = _unary("log10", np.log10, lambda x: sp.log(x, 10), lambda a, x: 1 / (x * LN10), r"\log_{{10}} {0}",
               Domain(lambda x: x > 0, "log10 is defined for x > 0"))
log1p = _unary("log1p", np.log1p, lambda x: sp.log(1 + x), lambda a, x: 1 / (1 + x), r"\ln(1 + {0})",
               Domain(lambda x: x > -1, "log1p is defined for x > -1"))
expm1 = _unary("expm1", np.expm1, lambda x: sp.exp(x) - 1, lambda a, x: a + 1, r"(e^{{{0}}} - 1)")
exp2 = _unary("exp2", np.exp2, lambda x: 2 ** x, lambda a, x: a * LN2, r"2^{{{0}}}")

# --- hyperbolic and inverse trigonometric functions -----------------------------------------------------
sinh = _unary("sinh", np.sinh, sympy_function.sinh, lambda a, x: cosh(x), r"\sinh {0}")
cosh = _unary("cosh", np.cosh, sympy_function.cosh, lambda a, x: sinh(x), r"\cosh {0}")
arcsin = _unary("arcsin", np.arcsin, sympy_function.asin, lambda a, x: 1 / sqrt(1 - x * x), r"\arcsin {0}",
                Domain(_within(-1, 1, False), "arcsin is defined for -1 <= x <= 1"))
arccos = _unary("arccos", np.arccos, sympy_function.acos, lambda a, x: -1 / sqrt(1 - x * x), r"\arccos {0}",
                Domain(_within(-1, 1, False), "arccos is defined for -1 <= x <= 1"))
arctan = _unary("arctan", np.arctan, sympy_function.atan, lambda a, x: 1 / (1 + x * x), r"\arctan {0}")
arcsinh = _unary("arcsinh", np.arcsinh, sympy_function.asinh, lambda a, x: 1 / sqrt(x * x + 1),
                 r"\operatorname{{arsinh}} {0}")
arccosh = _unary("arccosh", np.arccosh, sympy_function.acosh, lambda a, x: 1 / sqrt(x * x - 1),
                 r"\operatorname{{arcosh}} {0}",
                 Domain(lambda x: x >= 1, "arccosh is defined for x >= 1"))
arctanh = _unary("arctanh", np.arctanh, sympy_function.atanh, lambda a, x: 1 / (1 - x * x),
                 r"\operatorname{{artanh}} {0}",
                 Domain(_within(-1, 1, True), "arctanh is defined for -1 < x < 1"))


def _sinc_partial(a, x):
    """(cos πx - sinc x)/x, and 0 at x = 0 (where the numerator is 0 too: x is replaced by 1 there)."""
    return (cos(math.pi * x) - a) / where(eq(x, 0), 1, x)


sinc = _unary("sinc", np.sinc, lambda x: sp.sinc(sp.pi * x), _sinc_partial, r"\operatorname{{sinc}} {0}",
              dtype=divided)

# --- the error function (the normal distribution's CDF is (1 + erf(x/√2))/2: GELU) ------------------------
erf = elementwise("erf", special.erf, sympy_function.erf, (lambda a, x: (2 / math.sqrt(math.pi)) * exp(-x * x),),
                  "erf {0}", r"\operatorname{{erf}} {0}", precedence=40, dtype=floating, scalar="erf({0})")

# --- powers and angles ----------------------------------------------------------------------------------
cbrt = _unary("cbrt", np.cbrt, lambda x: sp.real_root(x, 3), lambda a, x: 1 / (3 * a * a), r"\sqrt[3]{{{0}}}")
square = elementwise("square", np.square, lambda x: x ** 2, (lambda a, x: 2 * x,), "{0}²", "{0}^{{2}}",
                     precedence=30, dtype=numeric, scalar="{0} * {0}")
reciprocal = elementwise("reciprocal", np.reciprocal, lambda x: 1 / x, (lambda a, x: -a * a,), "1/{0}",
                         r"\frac{{1}}{{{0}}}", precedence=20,
                         domain=Domain(lambda x: x != 0, "reciprocal needs x != 0"), scalar="{k[1]} / {0}")
deg2rad = _unary("deg2rad", np.deg2rad, lambda x: x * sp.pi / 180, lambda a, x: math.pi / 180,
                 r"\operatorname{{deg2rad}} {0}")
rad2deg = _unary("rad2deg", np.rad2deg, lambda x: x * 180 / sp.pi, lambda a, x: 180 / math.pi,
                 r"\operatorname{{rad2deg}} {0}")

# --- functions of two arguments ---------------------------------------------------------------------------
arctan2 = elementwise("arctan2", np.arctan2, sympy_function.atan2,
                      (lambda a, y, x: x / (x * x + y * y), lambda a, y, x: -y / (x * x + y * y)),
                      "arctan2({0}, {1})", r"\operatorname{{atan2}}({0}, {1})", dtype=floating)
hypot = elementwise("hypot", np.hypot, lambda x, y: sp.sqrt(x ** 2 + y ** 2),
                    (lambda a, x, y: x / a, lambda a, x, y: y / a),
                    "hypot({0}, {1})", r"\sqrt{{{0}^2 + {1}^2}}", dtype=floating)
logaddexp = elementwise("logaddexp", np.logaddexp, lambda x, y: sp.log(sp.exp(x) + sp.exp(y)),
                        (lambda a, x, y: exp(x - a), lambda a, x, y: exp(y - a)),
                        "logaddexp({0}, {1})", r"\ln(e^{{{0}}} + e^{{{1}}})", dtype=floating)
logaddexp2 = elementwise("logaddexp2", np.logaddexp2, lambda x, y: sp.log(2 ** x + 2 ** y, 2),
                         (lambda a, x, y: exp2(x - a), lambda a, x, y: exp2(y - a)),
                         "logaddexp2({0}, {1})", r"\log_2(2^{{{0}}} + 2^{{{1}}})", dtype=floating)

