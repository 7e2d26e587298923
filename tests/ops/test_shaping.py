"""Shaping primitives: the transpose's adjoint undoes any permutation, negative axes included."""
import numpy as np
from hypothesis import given, strategies as st

import graphgrad as gg
from graphgrad import ops


@given(perm=st.permutations(range(3)), negative=st.lists(st.booleans(), min_size=3, max_size=3))
def test_transpose_gradient_has_the_operand_shape_and_is_the_inverse_permutation(perm, negative):
    axes = tuple(a - 3 if neg else a for a, neg in zip(perm, negative))
    x = ops.input("x", (2, 3, 4))
    weights = np.arange(24.0).reshape(np.transpose(np.zeros((2, 3, 4)), axes).shape)
    grad = gg.grad_graph(gg.Graph([ops.sum(ops.transpose(x, axes) * weights)], [x]))(x=np.ones((2, 3, 4)))[1]
    np.testing.assert_array_equal(grad, np.transpose(weights, np.argsort(perm)))
