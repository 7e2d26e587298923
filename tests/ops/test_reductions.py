"""Reductions against NumPy for every kind of axis (None, negative, tuples, keepdims, empty and size-1 axes),
prod's derivative at zeros, and the positions and truth values that have no derivative; 0 or -1 of a 0-d operand
as NumPy takes it, and no axis twice."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import graphgrad as gg
from graphgrad import ops
from graphgrad.numeric import gradient as numeric_gradient
from tests.ops.checks import assert_like_numpy, evaluate, seeds, shapes, values


@st.composite
def shape_and_axis(draw, min_side=0):
    shape = draw(shapes(min_dims=1, min_side=min_side))
    ndim = len(shape)
    axis = draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                          st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
                              lambda axes: tuple(a - ndim if k % 2 else a for k, a in enumerate(axes)))))
    return shape, axis


REDUCTIONS = ["sum", "mean", "prod", "all", "any", "min", "max"]


@pytest.mark.parametrize("name", REDUCTIONS)
@settings(max_examples=10)
@given(case=shape_and_axis(), keepdims=st.booleans(), dtype=st.sampled_from([np.float32, np.float64, np.int32]),
       seed=seeds)
def test_reductions_match_numpy(name, case, keepdims, dtype, seed):
    shape, axis = case
    v = np.round(values(shape, np.float64, seed, -3, 3)).astype(dtype)
    axes = range(len(shape)) if axis is None else [a % len(shape) for a in np.atleast_1d(axis)]
    reduced = [shape[a] for a in axes]
    if name in ("min", "max", "mean") and 0 in reduced:
        with pytest.raises(gg.ShapeError, match="no elements"):
            evaluate(getattr(ops, name), v, axis=axis, keepdims=keepdims)
        return
    rtol = 1e-5 if dtype == np.float32 else None
    assert_like_numpy(getattr(ops, name), getattr(np, name), v, axis=axis, keepdims=keepdims, rtol=rtol)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@settings(max_examples=10)
@given(shape=shapes(min_dims=1, min_side=1), keepdims=st.booleans(), seed=seeds, data=st.data())
def test_positions_match_numpy(name, shape, keepdims, seed, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    v = np.round(values(shape, np.float64, seed, -2, 2))   # ties: the first position, as in NumPy
    assert_like_numpy(getattr(ops, name), getattr(np, name), v, axis=axis, keepdims=keepdims)


def test_zero_dimensional_and_bool_operands():
    assert_like_numpy(ops.prod, np.prod, np.float32(3.0))
    assert_like_numpy(ops.sum, np.sum, np.array([True, True, False]))
    assert_like_numpy(ops.prod, np.prod, np.array([], np.float64))
    assert_like_numpy(ops.all, np.all, np.zeros((2, 0)), axis=1)


def test_positions_and_truth_values_are_not_differentiable():
    x = ops.input("x", (3,))
    for out in (ops.argmax(x), ops.any(x > 0)):
        with pytest.raises(gg.ArgumentError, match="not differentiable"):
            gg.grad_graph(gg.Graph([out]))
    with pytest.raises(gg.ShapeError, match="empty"):
        ops.argmin(ops.input("e", (0,)))


@pytest.mark.parametrize("row", [[2.0, 3.0, 4.0], [0.0, 3.0, 4.0], [0.0, 3.0, 0.0], [0.0, 0.0, 0.0]])
def test_prod_gradient_is_the_product_of_the_others_even_at_zeros(row):
    x = ops.input("x", (3,))
    graph = gg.Graph([ops.prod(x)])
    v = np.array(row)
    expected = [np.prod(np.delete(v, i)) for i in range(3)]
    np.testing.assert_array_equal(gg.grad_graph(graph)(x=v)[1], expected)
    np.testing.assert_allclose(numeric_gradient(graph, {"x": v})["x"], expected, atol=1e-9)
    hessian = np.array([[np.prod(np.delete(v, [i, j])) if i != j else 0 for j in range(3)] for i in range(3)])
    gradient = gg.Graph([gg.grad_graph(graph).outputs[1]], [x])
    np.testing.assert_allclose(gg.jacobian(gradient, {"x": v})["x"], hessian)


@pytest.mark.parametrize("reduce", [ops.sum, ops.max, ops.mean, ops.min, ops.prod])
@pytest.mark.parametrize("axis", [0, -1, 1, (0,)])
def test_an_axis_of_a_0d_operand_is_taken_exactly_when_numpy_takes_it(reduce, axis):
    s = ops.input("s", ())
    try:
        expected = getattr(np, reduce.__name__)(np.array(3.0), axis=axis)
    except np.exceptions.AxisError:
        with pytest.raises(gg.ShapeError, match="out of range"):
            reduce(s, axis=axis)
        return
    graph = gg.Graph([reduce(s, axis=axis)])
    assert graph(s=3.0) == expected and gg.grad_graph(graph)(s=3.0)[1] == 1.0


def test_an_axis_named_twice_is_a_shape_error_as_in_numpy():
    with pytest.raises(gg.ShapeError, match=r"axis -2 is repeated in \(0, -2\)"):
        ops.sum(ops.input("x", (2, 3)), axis=(0, -2))
