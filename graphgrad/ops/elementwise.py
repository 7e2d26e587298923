"""Elementwise primitives: arithmetic and the scalar functions of calculus and neural nets.

Each declares its local partial derivatives ``d ans / d x_k`` once, as graph
builders of ``(ans, *xs)``; the VJP (reverse), JVP (forward) and the per-edge
symbolic partials of traces are all derived from them, with NumPy broadcasting
undone by ``unbroadcast``. A partial of None means the operand has no derivative
(``where``'s condition); only float operands receive adjoints.
"""
import numpy as np

from ..graph import shapes
from ..lazy_sympy import sp, sympy_function
from ..graph.primitive import Domain, Primitive, divided, floating, is_float
from .shaping import broadcast_to, unbroadcast


def _scaled(g, p):
    """g · p without the trivial multiplications by 1 and -1."""
    if isinstance(p, (int, float)):
        if p == 1:
            return g
        if p == -1:
            return -g
    return g * p


def _vjp_from(partials):
    def vjp(g, ans, *xs, needs, **params):
        return tuple(unbroadcast(_scaled(g, partial(ans, *xs)), x.shape)
                     if need and partial is not None and is_float(x.dtype) else None
                     for partial, x, need in zip(partials, xs, needs))
    return vjp


def _jvp_from(partials):
    def jvp(tangents, ans, *xs, **params):
        terms = [_scaled(t, partial(ans, *xs)) for partial, t in zip(partials, tangents)
                 if t is not None and partial is not None]
        if not terms:
            return None
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total if total.shape == ans.shape else broadcast_to(total, ans.shape)
    return jvp


def _broadcast_rule(name):
    def rule(*in_shapes, **params):
        return shapes.broadcast(*in_shapes, where=f" in {name}")
    return rule


def elementwise(name, impl, sympy, partials, text, latex, precedence=100, domain=None, dtype=None, scalar="",
                lowering=None):
    """Declare an elementwise primitive from its value, SymPy form and local partials (None: no derivative);
    ``scalar`` and ``lowering`` as in ``Primitive``."""
    differentiable = partials is not None
    partials = tuple(partials or ())
    return Primitive(
        name, impl=impl, shape=_broadcast_rule(name),
        vjp=_vjp_from(partials) if differentiable else None,
        jvp=_jvp_from(partials) if differentiable else None,
        sympy=sympy, text=text, latex=latex, precedence=precedence, domain=domain,
        elementwise=True, partials=partials, differentiable=differentiable, dtype=dtype, scalar=scalar,
        lowering=lowering)


def _pow_base_partial(a, x, y):
    """d x^y / dx = y·x^(y-1); 0 for the constant exponent 0, as x^0 = 1 everywhere (x = 0 too)."""
    if y.is_const and not np.any(y.params["value"]):
        return 0
    return y * x ** (y - 1)


def _xlogy(x, y):
    """x·ln y, and 0 wherever x is 0 (ln y is then not computed)."""
    zero = x == 0
    return np.where(zero, 0, x * np.log(np.where(zero, 1, y)))


def _xlogy_lowered(x, y):
    """``_xlogy`` in primitives, for the compiler."""
    from .logic import eq, where
    zero = eq(x, 0)
    return where(zero, 0, x * ln(where(zero, 1, y)))


def _squared(x, y):
    """A float to the constant power 2 as x·x (one multiplication); any other power is kept."""
    two = y.is_const and y.ndim == 0 and float(y.params["value"]) == 2
    return x * x if two and x.dtype.kind == "f" else None


def _sigmoid(x):
    """Logistic function computed without overflow for large |x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


# --- arithmetic -------------------------------------------------------------------
add = elementwise("add", np.add, lambda x, y: x + y, (lambda a, x, y: 1, lambda a, x, y: 1),
                  "{0} + {1}", "{0} + {1}", precedence=10, scalar="{0} + {1}")
sub = elementwise("sub", np.subtract, lambda x, y: x - y, (lambda a, x, y: 1, lambda a, x, y: -1),
                  "{0} - {1}", "{0} - {1}", precedence=10, scalar="{0} - {1}")
mul = elementwise("mul", np.multiply, lambda x, y: x * y, (lambda a, x, y: y, lambda a, x, y: x),
                  "{0}·{1}", r"{0} \cdot {1}", precedence=20, scalar="{0} * {1}")
div = elementwise("div", np.divide, lambda x, y: x / y,
                  (lambda a, x, y: 1 / y, lambda a, x, y: -a / y),
                  "{0}/{1}", r"\frac{{{0}}}{{{1}}}", precedence=20,
                  domain=Domain(lambda x, y: y != 0, "division needs a non-zero denominator"), dtype=divided,
                  scalar="{0} / {1}")
pow = elementwise("pow", np.power, lambda x, y: x ** y,
                  (_pow_base_partial, lambda a, x, y: xlogy(a, x)),
                  "{0}^{1}", "{0}^{{{1}}}", precedence=30,
                  domain=Domain(lambda x, y: ((x > 0) | ((x == 0) & (y >= 0)) | ((x < 0) & (np.mod(y, 1) == 0)))
                                & ((y >= 0) | (np.result_type(x, y).kind == "f")),
                                "x^y is defined for x > 0, for x = 0 when y >= 0, and for x < 0 when y is "
                                "a whole number; integers need y >= 0"),
                  scalar="{0} ** {1}", lowering=_squared)
neg = elementwise("neg", np.negative, lambda x: -x, (lambda a, x: -1,), "-{0}", "-{0}", precedence=25, scalar="-{0}")

# --- functions of calculus ----------------------------------------------------------
ln = elementwise("ln", np.log, sympy_function.log, (lambda a, x: 1 / x,), "ln {0}", r"\ln {0}", precedence=40,
                 domain=Domain(lambda x: x > 0, "ln is defined for x > 0"), dtype=floating)
# d x^y / dy = x^y·ln x, whose limit at x = 0 is 0 for y > 0 (PyTorch's and JAX's value); written with xlogy
# (SciPy's and PyTorch's name) so that it is 0 there instead of 0·(-inf). Its SymPy form is the plain product,
# so a trace shows the partial as the textbook writes it.
xlogy = elementwise("xlogy", _xlogy, lambda x, y: x * sp.log(y), (lambda a, x, y: ln(y), lambda a, x, y: x / y),
                    "xlogy({0}, {1})", r"{0} \ln {1}", precedence=40, dtype=floating, lowering=_xlogy_lowered,
                    domain=Domain(lambda x, y: (x == 0) | (y > 0),
                                  "x·ln y is defined for y > 0, and is 0 where x = 0"))
exp = elementwise("exp", np.exp, sympy_function.exp, (lambda a, x: a,), "exp {0}", r"e^{{{0}}}", precedence=40,
                  dtype=floating)
sin = elementwise("sin", np.sin, sympy_function.sin, (lambda a, x: cos(x),), "sin {0}", r"\sin {0}", precedence=40,
                  dtype=floating)
cos = elementwise("cos", np.cos, sympy_function.cos, (lambda a, x: -sin(x),), "cos {0}", r"\cos {0}", precedence=40,
                  dtype=floating)
tan = elementwise("tan", np.tan, sympy_function.tan, (lambda a, x: 1 + a * a,), "tan {0}", r"\tan {0}", precedence=40,
                  dtype=floating)
tanh = elementwise("tanh", np.tanh, sympy_function.tanh, (lambda a, x: 1 - a * a,), "tanh {0}", r"\tanh {0}",
                   precedence=40, dtype=floating)
sqrt = elementwise("sqrt", np.sqrt, sympy_function.sqrt, (lambda a, x: 0.5 / a,), "sqrt {0}", r"\sqrt{{{0}}}",
                   domain=Domain(lambda x: x >= 0, "sqrt is defined for x >= 0"), dtype=floating)
abs = elementwise("abs", np.abs, sympy_function.Abs, (lambda a, x: sign(x),), "|{0}|", r"\left|{0}\right|")

# --- activations of neural nets --------------------------------------------------------
sigmoid = elementwise("sigmoid", _sigmoid, lambda x: 1 / (1 + sp.exp(-x)), (lambda a, x: a * (1 - a),),
                      "σ {0}", r"\sigma {0}", precedence=40, dtype=floating,
                      scalar="sigmoid({0}, {k[1]})")
_ZEROS = {}   # a dtype -> the 0-d zero relu compares its values with


def _relu(x):
    """max(x, 0) with the 0 in x's dtype: NumPy converts a Python 0 anew at each call, which costs as much as
    the max of a small array."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return np.maximum(x, 0)
    zero = _ZEROS.get(dtype)
    if zero is None:
        zero = _ZEROS[dtype] = np.zeros((), dtype)
    return np.maximum(x, zero)


relu = elementwise("relu", _relu, lambda x: sp.Max(0, x), (lambda a, x: heaviside(a),),
                   "relu {0}", r"\operatorname{{relu}} {0}", precedence=40,
                   scalar="{0} if {0} > {k[0]} or {0} != {0} else {k[0]}")   # a NaN stays NaN, as in NumPy

softplus = elementwise("softplus", lambda x: np.logaddexp(0, x), lambda x: sp.log(1 + sp.exp(x)),
                       (lambda a, x: sigmoid(x),), "softplus {0}", r"\operatorname{{softplus}} {0}", precedence=40,
                       dtype=floating, scalar="softplus({0})")
# At a tie the first operand takes the whole adjoint (the value passed through: clip's rule, TensorFlow's for
# maximum/minimum, PyTorch's for clamp); docs/numpy.md states it. Compiled, a NaN operand wins, as in NumPy.
maximum = elementwise("maximum", np.maximum, sympy_function.Max,
                      (lambda a, x, y: heaviside(x - y) + equal_indicator(x, y), lambda a, x, y: heaviside(y - x)),
                      "max({0}, {1})", r"\max({0}, {1})", scalar="{0} if {0} >= {1} or {0} != {0} else {1}")
minimum = elementwise("minimum", np.minimum, sympy_function.Min,
                      (lambda a, x, y: heaviside(y - x) + equal_indicator(x, y), lambda a, x, y: heaviside(x - y)),
                      "min({0}, {1})", r"\min({0}, {1})", scalar="{0} if {0} <= {1} or {0} != {0} else {1}")

# --- piecewise constant: derivative zero wherever it exists ------------------------------
heaviside = elementwise("heaviside", lambda x: (x > 0).astype(x.dtype), lambda x: sp.Heaviside(x, 0), None,
                        "H({0})", r"H({0})", scalar="{k[1]} if {0} > {k[0]} else {k[0]}")   # H(0) = 0
sign = elementwise("sign", np.sign, sympy_function.sign, None, "sign {0}", r"\operatorname{{sign}} {0}")
# 1 where x = y, else 0, in the operands' dtype (Iverson's bracket); NumPy's ``equal`` is ops.equal, a bool.
equal_indicator = elementwise("equal_indicator", lambda x, y: (x == y).astype(np.result_type(x, y)), sympy_function.Eq,
                              None, "[{0} = {1}]", r"[{0} = {1}]", scalar="{k[1]} if {0} == {1} else {k[0]}")

log = ln  # "log" is the natural logarithm, as in NumPy and in lecture notation
