"""squeeze, expand_dims, ravel, moveaxis, swapaxes and tile (reshape, transpose and broadcast) against NumPy;
transpose's adjoint undoes any permutation, negative axes included."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import graphgrad as gg
from graphgrad import ops
from graphgrad.errors import ShapeError
from tests.ops.checks import against_numpy_and_finite_differences, check_value

CASES = [
    ("squeeze", ops.squeeze, np.squeeze, [(1, 3, 1)]),
    ("squeeze_axis", lambda x: ops.squeeze(x, -1), lambda x: np.squeeze(x, -1), [(1, 3, 1)]),
    ("expand_dims", lambda x: ops.expand_dims(x, (0, -1)), lambda x: np.expand_dims(x, (0, -1)), [(2, 3)]),
    ("expand_dims_0d", lambda x: ops.expand_dims(x, 0), lambda x: np.expand_dims(x, 0), [()]),
    ("ravel", ops.ravel, np.ravel, [(2, 3)]),
    ("flatten_method", lambda x: x.flatten(), lambda x: x.flatten(), [(2, 1, 2)]),
    ("moveaxis", lambda x: ops.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1), [(2, 3, 4)]),
    ("moveaxis_many", lambda x: ops.moveaxis(x, (0, 1), (2, 0)), lambda x: np.moveaxis(x, (0, 1), (2, 0)),
     [(2, 3, 4)]),
    ("swapaxes", lambda x: ops.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1), [(2, 3, 4)]),
    ("swapaxes_one_axis", lambda x: ops.swapaxes(x, 1, -2), lambda x: np.swapaxes(x, 1, -2), [(2, 3, 4)]),
    ("tile", lambda x: ops.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), [(2, 2)]),
    ("tile_short_reps", lambda x: ops.tile(x, 2), lambda x: np.tile(x, 2), [(2, 3)]),
    ("tile_0d", lambda x: ops.tile(x, 3), lambda x: np.tile(x, 3), [()]),
]


test_against_numpy_and_finite_differences = against_numpy_and_finite_differences(CASES)


def test_empty_arrays_keep_numpy_shapes():
    for case in [("squeeze", ops.squeeze, np.squeeze, [(0, 1)]), ("tile", lambda x: ops.tile(x, (2, 0)),
                                                                   lambda x: np.tile(x, (2, 0)), [(3,)]),
                 ("ravel", ops.ravel, np.ravel, [(2, 0)])]:
        check_value(case, 0)


def test_errors_name_the_shape():
    x = ops.input("x", (2, 3))
    with pytest.raises(ShapeError, match=r"cannot squeeze axis 1 of shape \(2, 3\): it has length 3"):
        ops.squeeze(x, 1)
    with pytest.raises(ShapeError, match="axis 3 is out of range in swapaxes"):
        ops.swapaxes(x, 0, 3)
    with pytest.raises(ShapeError, match="repeated axis in moveaxis"):
        ops.moveaxis(x, (0, 0), (0, 1))


@given(perm=st.permutations(range(3)), negative=st.lists(st.booleans(), min_size=3, max_size=3))
def test_transpose_gradient_has_the_operand_shape_and_is_the_inverse_permutation(perm, negative):
    axes = tuple(a - 3 if neg else a for a, neg in zip(perm, negative))
    x = ops.input("x", (2, 3, 4))
    weights = np.arange(24.0).reshape(np.transpose(np.zeros((2, 3, 4)), axes).shape)
    grad = gg.grad_graph(gg.Graph([ops.sum(ops.transpose(x, axes) * weights)], [x]))(x=np.ones((2, 3, 4)))[1]
    np.testing.assert_array_equal(grad, np.transpose(weights, np.argsort(perm)))
