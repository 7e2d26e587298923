"""``tf.math``: TensorFlow's names and signatures for graphgrad's ops (each one ``eager.call``), in one table.

``UNARY``, ``BINARY`` and ``REDUCTIONS`` map TensorFlow's names onto graphgrad's
primitives; each entry is a function here (``tf.math.sin``), and ``tf.sin`` is the
same function. Python numbers stay weak (they take the other operand's dtype, as
in TensorFlow).
"""
from .. import ops
from ..eager import call
from ..graph.primitive import name_of
from .arrays import argmax, argmin  # noqa: F401  (tf.math.argmax is tf.argmax)
from .tensor import convert_to_tensor

UNARY = {
    "abs": ops.abs, "negative": ops.neg, "sign": ops.sign, "reciprocal": ops.reciprocal, "sqrt": ops.sqrt,
    "exp": ops.exp, "expm1": ops.expm1, "log": ops.ln, "log1p": ops.log1p, "sin": ops.sin, "cos": ops.cos,
    "tan": ops.tan, "asin": ops.arcsin, "acos": ops.arccos, "atan": ops.arctan, "sinh": ops.sinh,
    "cosh": ops.cosh, "tanh": ops.tanh, "asinh": ops.arcsinh, "acosh": ops.arccosh, "atanh": ops.arctanh,
    "sigmoid": ops.sigmoid, "softplus": ops.softplus, "erf": ops.erf, "floor": ops.floor, "ceil": ops.ceil,
    "round": ops.round, "is_finite": ops.isfinite, "logical_not": ops.logical_not,
}
BINARY = {
    "add": ops.add, "subtract": ops.sub, "multiply": ops.mul, "divide": ops.div, "truediv": ops.div,
    "pow": ops.pow, "maximum": ops.maximum, "minimum": ops.minimum, "atan2": ops.arctan2, "floormod": ops.mod,
    "floordiv": ops.floor_divide,
    "equal": ops.eq, "not_equal": ops.ne, "less": ops.lt, "less_equal": ops.le, "greater": ops.gt,
    "greater_equal": ops.ge, "logical_and": ops.logical_and, "logical_or": ops.logical_or,
    "logical_xor": ops.logical_xor,
}
REDUCTIONS = {
    "reduce_sum": ops.sum, "reduce_mean": ops.mean, "reduce_max": ops.max, "reduce_min": ops.min,
    "reduce_prod": ops.prod, "reduce_std": ops.std, "reduce_variance": ops.var,
    "reduce_logsumexp": ops.logsumexp, "reduce_any": ops.any, "reduce_all": ops.all,
}


def _operand(value):
    """Python numbers stay weak (they take the other operand's dtype, as in TensorFlow); the rest become tensors."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else convert_to_tensor(value)


def _unary(name, op):
    def f(x, name=None):
        return call(op, convert_to_tensor(x))
    f.__name__, f.__doc__ = name, f"``tf.math.{name}``: graphgrad's ``{name_of(op)}``, elementwise."
    return f


def _binary(name, op):
    def f(x, y, name=None):
        return call(op, _operand(x), _operand(y))
    f.__name__ = name
    f.__doc__ = f"``tf.math.{name}``: graphgrad's ``{name_of(op)}``, elementwise with broadcasting."
    return f


def _reduction(name, op):
    def reduce(x, axis, keepdims):   # integers stay in their dtype (NumPy would widen an int32 sum to int64)
        out = op(x, axis=axis, keepdims=keepdims)
        return ops.astype(out, x.dtype) if x.dtype.kind in "iu" and out.dtype.kind in "iu" else out

    def f(input_tensor, axis=None, keepdims=False, name=None):
        return call(reduce, convert_to_tensor(input_tensor), axis, keepdims)
    f.__name__ = name
    f.__doc__ = (f"``tf.math.{name}``: graphgrad's ``{name_of(op)}`` over ``axis`` (all axes when None); "
                 "``keepdims`` keeps them as size 1.")
    return f


FUNCTIONS = {**{name: _unary(name, op) for name, op in UNARY.items()},
             **{name: _binary(name, op) for name, op in BINARY.items()},
             **{name: _reduction(name, op) for name, op in REDUCTIONS.items()}}
globals().update(FUNCTIONS)


def square(x, name=None):
    """x², elementwise (drawn as x^2)."""
    return call(lambda n: ops.pow(n, 2), convert_to_tensor(x))
