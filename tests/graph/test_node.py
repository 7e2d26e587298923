"""Nodes: immutable, hashed by their id, with no truth value; a 1-d or wider node has a length and rows."""
import numpy as np
import pytest

from graphgrad import ops


def test_a_node_has_no_truth_value_and_cannot_change():
    a = ops.input("a", (3,), "float32")
    with pytest.raises(TypeError, match="no truth value"):
        bool(a > 0)
    with pytest.raises(AttributeError, match="immutable"):
        a.shape = (4,)


def test_a_node_has_a_length_and_rows_along_its_first_axis():
    a = ops.input("a", (3, 2), "float32")
    assert len(a) == 3 and [row.shape for row in a] == [(2,)] * 3
    with pytest.raises(TypeError, match="0-d"):
        len(ops.input("s", (), "float32"))


def test_a_node_made_again_on_other_inputs_is_new_and_keeps_its_fields():
    a, b = ops.input("a", (2,), "float32"), ops.input("b", (2,), "float32")
    n = a + b
    m = n.on([b, a])
    assert m.id != n.id and hash(m) == m.id and m.inputs == (b, a)
    assert (m.op, m.shape, m.dtype, m.params, m.weak) == (n.op, n.shape, np.dtype("float32"), n.params, n.weak)
