"""``tf.linalg``: matrix functions over the last two axes, TensorFlow's names for graphgrad's products and norms."""
from .. import ops
from ..eager import call
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
