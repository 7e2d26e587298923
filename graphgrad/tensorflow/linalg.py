"""``tf.linalg``: matrix functions over the last two axes, TensorFlow's names for graphgrad's products and norms.

``inv``, ``det`` and ``solve`` have no primitive in graphgrad's ops yet: they are custom operations
(``eager.custom``: NumPy's LAPACK value, the adjoint rule as NumPy code), so they give first derivatives on a tape,
refuse second ones, and do not compile.
"""
import numpy as np

from .. import ops
from ..eager import call, custom
from .arrays import einsum, eye, matmul, norm  # noqa: F401  (tf.linalg.matmul is tf.matmul)
from .tensor import convert_to_tensor


def matvec(a, b, transpose_a=False, name=None):
    """The matrix-vector product a @ b over the last axes (aᵀ @ b with ``transpose_a``)."""
    def product(m, v):
        m = ops.swapaxes(m, -1, -2) if transpose_a else m
        return ops.squeeze(ops.matmul(m, ops.expand_dims(v, -1)), -1)
    return call(product, convert_to_tensor(a), convert_to_tensor(b))


def matrix_transpose(a, name=None, conjugate=False):
    """The last two axes swapped."""
    return call(lambda x: ops.swapaxes(x, -1, -2), convert_to_tensor(a))


def diag_part(input, name=None, k=0):
    """The main diagonal of the last two axes."""
    return call(lambda x: ops.diagonal(x, k, -2, -1), convert_to_tensor(input))


def trace(x, name=None):
    """The sum of the main diagonal of the last two axes."""
    return call(lambda m: ops.sum(ops.diagonal(m, 0, -2, -1), axis=-1), convert_to_tensor(x))


transpose = matrix_transpose


def _swap(a):
    return np.swapaxes(a, -1, -2)


def inv(input, adjoint=False, name=None):
    """The inverse of each matrix; its adjoint is -A⁻ᵀ g A⁻ᵀ."""
    a = convert_to_tensor(input)
    value = np.linalg.inv(a.value).astype(a.value.dtype)
    return custom("inv", [a], value, lambda g: [-(_swap(value) @ g @ _swap(value))])


def det(input, name=None):
    """The determinant of each matrix; its adjoint is g · det · A⁻ᵀ."""
    a = convert_to_tensor(input)
    value = np.linalg.det(a.value).astype(a.value.dtype)
    return custom("det", [a], value,
                  lambda g: [(g * value)[..., None, None] * _swap(np.linalg.inv(a.value))])


def solve(matrix, rhs, adjoint=False, name=None):
    """x with matrix @ x = rhs; the adjoints are Aᵀ⁻¹ g for rhs and -(Aᵀ⁻¹ g) xᵀ for the matrix."""
    a, b = convert_to_tensor(matrix), convert_to_tensor(rhs)
    x = np.linalg.solve(a.value, b.value).astype(b.value.dtype)

    def backward(g):
        gb = np.linalg.solve(_swap(a.value), g)
        return [-(gb @ _swap(x)), gb]
    return custom("solve", [a, b], x, backward)
