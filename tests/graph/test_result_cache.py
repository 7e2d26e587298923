"""``primitive.result_for`` remembers each (primitive, operand specs, parameters)'s shape and dtype: what it
remembers for one key is never given for another (other shapes, dtypes, weakness or parameters), checked against
NumPy's own results on arrays, in an order hypothesis draws so that keys repeat and interleave."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad import ops
from graphgrad.ops.reductions import sum_p
from graphgrad.errors import ArgumentError, ShapeError
from graphgrad.graph.primitive import result_for

DTYPES = [np.dtype(d) for d in ("float32", "float64", "int32", "int64", "bool")]
SHAPES = [(), (3,), (1, 3), (2, 1), (2, 3)]


def _numpy(name, a, b, axis, keepdims):
    """NumPy's result for the case (the reference), with graphgrad's primitive and parameters beside it."""
    if name == "add":
        return np.add(a, b), ops.add, [a, b], {}
    if name == "maximum":
        return np.maximum(a, b), ops.maximum, [a, b], {}
    axes = (axis,) if a.ndim else None
    return np.sum(a, axis=axes, keepdims=keepdims), sum_p, [a], {"axis": axes, "keepdims": keepdims}


case = st.tuples(st.sampled_from(["add", "maximum", "sum"]), st.sampled_from(SHAPES), st.sampled_from(SHAPES),
                 st.sampled_from(DTYPES), st.sampled_from([0, -1]), st.sampled_from([False, True, 0, 1]))


@settings(max_examples=40, deadline=None)
@given(st.lists(case, min_size=2, max_size=12))
def test_a_remembered_result_belongs_to_its_own_key(cases):
    for name, shape_a, shape_b, dtype, axis, keepdims in cases + cases[::-1]:   # every key met twice
        a, b = np.zeros(shape_a, dtype), np.zeros(shape_b, dtype)
        try:
            expected, prim, arrays, params = _numpy(name, a, b, axis, keepdims)
        except ValueError:                       # shapes that do not broadcast: refused as NumPy refuses them
            with pytest.raises(ShapeError):
                result_for(ops.add, [(a.shape, a.dtype, False), (b.shape, b.dtype, False)], {})
            continue
        shape, dtype_found, weak = result_for(prim, [(x.shape, x.dtype, False) for x in arrays], params)
        assert (shape, dtype_found, weak) == (expected.shape, expected.dtype, False)


def test_parameters_equal_in_value_and_of_other_types_are_each_right():
    """``keepdims=0`` and ``keepdims=False`` compare equal and hash alike (so do 1 and True): keys apart by type."""
    spec = [((2, 3), np.dtype("float32"), False)]
    assert result_for(sum_p, spec, {"axis": (0,), "keepdims": True})[0] == (1, 3)
    assert result_for(sum_p, spec, {"axis": (0,), "keepdims": 0})[0] == (3,)
    assert result_for(sum_p, spec, {"axis": (0,), "keepdims": False})[0] == (3,)
    assert result_for(sum_p, spec, {"axis": (1,), "keepdims": 1})[0] == (2, 1)


def test_a_weak_operand_is_another_key():
    """A Python number (weak) takes the array's dtype; a 0-d int64 array promotes float32 to float64."""
    f32, i64 = np.dtype("float32"), np.dtype("int64")
    assert result_for(ops.add, [((2,), f32, False), ((), i64, True)], {})[1] == f32
    assert result_for(ops.add, [((2,), f32, False), ((), i64, False)], {})[1] == np.result_type(f32, i64)
    assert result_for(ops.add, [((), i64, True), ((), i64, True)], {})[2] is True


def test_a_wrong_number_of_operands_is_refused_every_time():
    spec = ((2,), np.dtype("float32"), False)
    for _ in range(2):
        with pytest.raises(ArgumentError, match="add takes 2 arguments, got 3"):
            result_for(ops.add, [spec, spec, spec], {})
