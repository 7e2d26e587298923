"""``tf.linalg``: matrix functions over the last two axes, TensorFlow's names for graphgrad's products and norms.

``inv``, ``det`` and ``solve`` have no primitive in graphgrad's ops yet: they are custom operations
(``eager.custom``: NumPy's LAPACK value, the adjoint rule as NumPy code), so they give first derivatives on a tape,
refuse second ones, and do not compile.
"""
import numpy as np

from .. import ops
from ..eager import call, custom
from ..errors import ArgumentError
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


def _matrices(name, tensors, adjoint=False):
    """``tensors`` as tensors, refused unless floating (as TensorFlow refuses integer matrices) and without
    ``adjoint`` (not modelled: pass ``tf.linalg.matrix_transpose(matrix)`` instead)."""
    if adjoint:
        raise ArgumentError(f"tf.linalg.{name}: adjoint=True is not supported; pass "
                            "tf.linalg.matrix_transpose(matrix) instead")
    tensors = [convert_to_tensor(t) for t in tensors]
    for t in tensors:
        if t.value.dtype.kind != "f":
            raise ArgumentError(f"tf.linalg.{name} takes float matrices, got {t.value.dtype}; "
                                "cast with tf.cast(x, tf.float32) first")
    return tensors


def inv(input, adjoint=False, name=None):
    """The inverse of each matrix; its adjoint is -A⁻ᵀ g A⁻ᵀ."""
    (a,) = _matrices("inv", [input], adjoint)
    value = np.linalg.inv(a.value).astype(a.value.dtype)
    return custom("inv", [a], value, lambda g: [-(_swap(value) @ g @ _swap(value))])


def det(input, name=None):
    """The determinant of each matrix; its adjoint is g · det · A⁻ᵀ."""
    (a,) = _matrices("det", [input])
    value = np.linalg.det(a.value).astype(a.value.dtype)
    return custom("det", [a], value,
                  lambda g: [(g * value)[..., None, None] * _swap(np.linalg.inv(a.value))])


def solve(matrix, rhs, adjoint=False, name=None):
    """x with matrix @ x = rhs; the adjoints are Aᵀ⁻¹ g for rhs and -(Aᵀ⁻¹ g) xᵀ for the matrix."""
    a, b = _matrices("solve", [matrix, rhs], adjoint)
    x = np.linalg.solve(a.value, b.value).astype(b.value.dtype)

    def backward(g):
        gb = np.linalg.solve(_swap(a.value), g)
        return [-(gb @ _swap(x)), gb]
    return custom("solve", [a, b], x, backward)
