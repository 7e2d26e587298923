"""index and scatter_add (x[key] and its transpose), and the functions built on them, against NumPy."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad as gg
from graphgrad import ops
from graphgrad.errors import ArgumentError, ShapeError
from graphgrad.graph.printing import inline
from tests.ops.checks import against_numpy_and_finite_differences, check_value, check_vjp

MASK = np.array([True, False, True, True])
CASES = [
    ("int", lambda x: x[1], lambda x: x[1], [(3, 4)]),
    ("negative_int", lambda x: x[-1, -2], lambda x: x[-1, -2], [(3, 4)]),
    ("slices", lambda x: x[:, 1:3], lambda x: x[:, 1:3], [(3, 4)]),
    ("negative_step", lambda x: x[::-2, ::-1], lambda x: x[::-2, ::-1], [(5, 3)]),
    ("new_axes", lambda x: x[..., None, 1], lambda x: x[..., None, 1], [(2, 3)]),
    ("empty_slice", lambda x: x[2:2], lambda x: x[2:2], [(3, 4)]),
    ("zero_d", lambda x: x[()], lambda x: x[()], [()]),
    ("zero_d_new_axis", lambda x: x[None], lambda x: x[None], [()]),
    ("gather_repeats", lambda x: x[[0, 2, 2, -1]], lambda x: x[[0, 2, 2, -1]], [(4, 2)]),
    ("gather_2d_index", lambda x: x[:, np.array([[0, 1], [1, 1]])], lambda x: x[:, np.array([[0, 1], [1, 1]])],
     [(3, 2)]),
    ("gather_pairs", lambda x: x[[0, 1, 1], [2, 0, 0]], lambda x: x[[0, 1, 1], [2, 0, 0]], [(2, 3)]),
    ("mask", lambda x: x[MASK], lambda x: x[MASK], [(4, 2)]),
    ("mask_axis1", lambda x: x[:, MASK], lambda x: x[:, MASK], [(2, 4)]),
    ("scatter_add", lambda g: ops.scatter_add(g, ([0, 2, 0],), (4,)),
     lambda g: np.bincount([0, 2, 0], weights=g, minlength=4), [(3,)]),
    ("take", lambda x: ops.take(x, [3, -1, 0]), lambda x: np.take(x, [3, -1, 0]), [(2, 3)]),
    ("take_axis", lambda x: ops.take(x, [[1, 0]], axis=-1), lambda x: np.take(x, [[1, 0]], axis=-1), [(2, 3)]),
    ("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[2, 0], [1, 1]]), axis=1),
     lambda x: np.take_along_axis(x, np.array([[2, 0], [1, 1]]), axis=1), [(2, 3)]),
    ("take_along_axis_broadcast", lambda x: ops.take_along_axis(x, np.array([[0], [1], [0]]), axis=0),
     lambda x: np.take_along_axis(x, np.array([[0], [1], [0]]), axis=0), [(2, 3)]),
    ("repeat", lambda x: ops.repeat(x, 2, axis=-1), lambda x: np.repeat(x, 2, axis=-1), [(2, 3)]),
    ("repeat_counts", lambda x: ops.repeat(x, [1, 0, 3]), lambda x: np.repeat(x, [1, 0, 3]), [(3,)]),
    ("repeat_flat", lambda x: ops.repeat(x, 2), lambda x: np.repeat(x, 2), [(2, 2)]),
    ("flip", ops.flip, np.flip, [(2, 3)]),
    ("flip_axis", lambda x: ops.flip(x, -1), lambda x: np.flip(x, -1), [(2, 3)]),
    ("roll", lambda x: ops.roll(x, 2), lambda x: np.roll(x, 2), [(2, 3)]),
    ("roll_axes", lambda x: ops.roll(x, (1, -4), axis=(0, 1)), lambda x: np.roll(x, (1, -4), axis=(0, 1)), [(2, 3)]),
    ("diagonal", ops.diagonal, np.diagonal, [(3, 4)]),
    ("diagonal_offset", lambda x: ops.diagonal(x, -1, 2, 0), lambda x: np.diagonal(x, -1, 2, 0), [(3, 2, 4)]),
    ("diagonal_past_the_edge", lambda x: ops.diagonal(x, 5), lambda x: np.diagonal(x, 5), [(3, 4)]),
    ("diag_build", lambda v: ops.diag(v, 1), lambda v: np.diag(v, 1), [(3,)]),
    ("diag_build_below", lambda v: ops.diag(v, -2), lambda v: np.diag(v, -2), [(2,)]),
    ("diag_read", lambda x: ops.diag(x, -1), lambda x: np.diag(x, -1), [(3, 3)]),
    ("tril", ops.tril, np.tril, [(3, 4)]),
    ("triu_batch", lambda x: ops.triu(x, 1), lambda x: np.triu(x, 1), [(2, 3, 3)]),
    ("pad", lambda x: ops.pad(x, ((1, 0), (2, 1))), lambda x: np.pad(x, ((1, 0), (2, 1))), [(2, 3)]),
    ("pad_value", lambda x: ops.pad(x, 1, constant_values=-2.5), lambda x: np.pad(x, 1, constant_values=-2.5),
     [(3,)]),
]


test_against_numpy_and_finite_differences = against_numpy_and_finite_differences(CASES)


@settings(max_examples=25)
@given(data=st.data())
def test_any_basic_or_integer_array_index_matches_numpy(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    keys = hnp.basic_indices(shape, allow_newaxis=True)
    if shape and min(shape) > 0:
        keys = keys | hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(min_dims=0, max_dims=2))
    key = data.draw(keys)
    case = ("random", lambda x: x[key], lambda x: x[key], [shape])
    check_value(case, 0)
    check_vjp(case, 1)


def test_empty_and_size_one_axes_match_numpy():
    for shape, key in [((0, 3), (slice(None), 1)), ((1, 3), (0,)), ((3, 1), ([0, 0], 0)), ((2, 0), ([1, 0],))]:
        check_value(("edge", lambda x: x[key], lambda x: x[key], [shape]), 0)


def test_a_gather_reads_as_numpy_code():
    x = ops.input("x", (4, 3))
    graph = gg.Graph([x[[0, 2, 2], 1:]], [x])
    assert str(graph).splitlines()[1] == "v1 = v0[[0, 2, 2], 1:]"
    adjoint = gg.grad_graph(graph).outputs[1]
    assert inline(gg.Graph([adjoint]), adjoint) == "scatter_add(1 → [[0, 2, 2], 1:] of (4, 3))"


def test_the_adjoint_of_a_repeated_index_adds_up():
    x = ops.input("x", (3,))
    grad = gg.grad_graph(gg.Graph([ops.sum(x[[0, 2, 2, 2]])], [x]))(np.zeros(3))[1]
    np.testing.assert_array_equal(grad, [1, 0, 3])


@pytest.mark.parametrize("key, message", [
    ((0, 0, 0), "cannot index an array of shape (2, 3) with [0, 0, 0]"),
    (5, "cannot index an array of shape (2, 3) with [5]"),
    ([[0, 7]], "cannot index an array of shape (2, 3) with [[[0, 7]]]"),
    (np.array([True, False, True]), "cannot index an array of shape (2, 3)"),
])
def test_an_index_that_does_not_fit_names_the_shape_and_key(key, message):
    with pytest.raises(ShapeError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        ops.input("x", (2, 3))[key]


@pytest.mark.parametrize("key, message", [
    (1.5, "must hold integers or booleans"),
    (slice(0, 2, 0), "step cannot be zero"),
    (slice(0.5, 2), "must be an integer"),
])
def test_a_key_that_is_not_an_index_is_refused(key, message):
    with pytest.raises(ArgumentError, match=message):
        ops.input("x", (4,))[key]


def test_a_node_cannot_be_an_index():
    x = ops.input("x", (4,))
    with pytest.raises(ArgumentError, match="not a graph node"):
        x[ops.input("i", (2,))]


def test_shape_errors_of_the_functions_name_the_shapes():
    x = ops.input("x", (3,))
    with pytest.raises(ShapeError, match=r"diagonal needs an array of at least two axes, got shape \(3,\)"):
        ops.diagonal(x)
    with pytest.raises(ShapeError, match=r"take_along_axis needs indices .* \(2, 1\) for \(3,\)"):
        ops.take_along_axis(x, np.zeros((2, 1), int), 0)
    with pytest.raises(ShapeError, match="repeat got 2 counts for an axis of length 3"):
        ops.repeat(x, [1, 2])
    with pytest.raises(ArgumentError, match="mode='constant' only"):
        ops.pad(x, 1, mode="edge")
    with pytest.raises(ShapeError, match=r"values of shape \(3,\) cannot fill \[1:3\] of an array of shape \(5,\)"):
        ops.scatter_add(ops.input("g", (3,)), (slice(1, 3),), (5,))
