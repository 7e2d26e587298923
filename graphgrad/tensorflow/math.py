"""``tf.math``: TensorFlow's names and signatures for graphgrad's ops (each one ``eager.call``)."""
from .. import ops
from ..eager import call
from .tensor import convert_to_tensor


def _unary(op, doc):
    def f(x, name=None):
        return call(op, convert_to_tensor(x))
    f.__name__, f.__doc__ = op.name, doc
    return f


def _binary(op, doc):
    def f(x, y, name=None):
        return call(op, _operand(x), _operand(y))
    f.__name__, f.__doc__ = op.name, doc
    return f


def _operand(value):
    """Python numbers stay weak (they take the other operand's dtype, as in TensorFlow); the rest become tensors."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else convert_to_tensor(value)


add = _binary(ops.add, "x + y, elementwise with broadcasting.")
subtract = _binary(ops.sub, "x - y, elementwise with broadcasting.")
multiply = _binary(ops.mul, "x * y, elementwise with broadcasting.")
divide = _binary(ops.div, "x / y, elementwise with broadcasting.")
pow = _binary(ops.pow, "x ** y, elementwise.")
maximum = _binary(ops.maximum, "The larger of x and y, elementwise.")
minimum = _binary(ops.minimum, "The smaller of x and y, elementwise.")

exp = _unary(ops.exp, "e ** x, elementwise.")
log = _unary(ops.log, "The natural logarithm, elementwise (x > 0).")
sqrt = _unary(ops.sqrt, "The square root, elementwise (x >= 0).")
sin = _unary(ops.sin, "sin x, elementwise.")
cos = _unary(ops.cos, "cos x, elementwise.")
tan = _unary(ops.tan, "tan x, elementwise.")
tanh = _unary(ops.tanh, "tanh x, elementwise.")
sigmoid = _unary(ops.sigmoid, "1 / (1 + e^-x), elementwise.")
abs = _unary(ops.abs, "|x|, elementwise.")
negative = _unary(ops.neg, "-x, elementwise.")
softplus = _unary(ops.softplus, "log(1 + e^x), elementwise.")


def square(x, name=None):
    """x², elementwise (drawn as x^2)."""
    return call(lambda n: ops.pow(n, 2), convert_to_tensor(x))


def _reduce(op):
    def f(input_tensor, axis=None, keepdims=False, name=None):
        return call(op, convert_to_tensor(input_tensor), axis=axis, keepdims=keepdims)
    f.__name__ = f"reduce_{op.__name__}"
    f.__doc__ = f"The {op.__name__} over ``axis`` (all axes when None); ``keepdims`` keeps them as size 1."
    return f


reduce_sum = _reduce(ops.sum)
reduce_mean = _reduce(ops.mean)
reduce_max = _reduce(ops.max)
