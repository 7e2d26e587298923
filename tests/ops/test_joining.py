"""concatenate, stack, hstack, vstack, split and array_split against NumPy."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.errors import ShapeError
from tests.ops.checks import against_numpy_and_finite_differences, check_value


def pieces(split):
    """A function of one array whose value is its pieces, joined again in reverse order (so each piece counts)."""
    return lambda x: split(x)[::-1]


CASES = [
    ("concatenate", lambda a, b: ops.concatenate([a, b]), lambda a, b: np.concatenate([a, b]), [(2, 3), (1, 3)]),
    ("concatenate_negative_axis", lambda a, b, c: ops.concatenate([a, b, c], axis=-1),
     lambda a, b, c: np.concatenate([a, b, c], axis=-1), [(2, 1), (2, 3), (2, 2)]),
    ("concatenate_flat", lambda a, b: ops.concatenate([a, b], axis=None),
     lambda a, b: np.concatenate([a, b], axis=None), [(2, 2), (3,)]),
    ("concatenate_empty_piece", lambda a, b: ops.concatenate([a, b]), lambda a, b: np.concatenate([a, b]),
     [(0, 2), (2, 2)]),
    ("stack", lambda a, b: ops.stack([a, b], axis=-1), lambda a, b: np.stack([a, b], axis=-1), [(2, 3), (2, 3)]),
    ("stack_0d", lambda a, b: ops.stack([a, b]), lambda a, b: np.stack([a, b]), [(), ()]),
    ("hstack_1d", lambda a, b: ops.hstack([a, b]), lambda a, b: np.hstack([a, b]), [(2,), (3,)]),
    ("hstack_2d", lambda a, b: ops.hstack([a, b]), lambda a, b: np.hstack([a, b]), [(2, 1), (2, 2)]),
    ("vstack", lambda a, b, c: ops.vstack([a, b, c]), lambda a, b, c: np.vstack([a, b, c]), [(3,), (2, 3), (1, 3)]),
    ("split", lambda x: ops.concatenate(ops.split(x, 3, axis=1)[::-1], axis=1),
     lambda x: np.concatenate(np.split(x, 3, axis=1)[::-1], axis=1), [(2, 6)]),
    ("split_at", lambda x: ops.concatenate(ops.split(x, [1, 3])[::-1]),
     lambda x: np.concatenate(np.split(x, [1, 3])[::-1]), [(5,)]),
    ("array_split", lambda x: ops.concatenate(ops.array_split(x, 3, axis=-1)[::-1], axis=-1),
     lambda x: np.concatenate(np.array_split(x, 3, axis=-1)[::-1], axis=-1), [(2, 7)]),
]


test_against_numpy_and_finite_differences = against_numpy_and_finite_differences(CASES)


@pytest.mark.parametrize("sections", [1, 3, 5, [0, 2, 2, 9]])
def test_every_piece_of_array_split_is_numpy_s(sections):
    x = ops.input("x", (4, 2))
    value = np.arange(8.0).reshape(4, 2)
    got = [gg.Graph([p], [x])(value) for p in ops.array_split(x, sections)]
    expected = np.array_split(value, sections)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
        assert g.shape == e.shape


def test_a_piece_is_one_named_slice_node():
    x = ops.input("x", (4,))
    first, second = ops.split(x, 2)
    assert str(gg.Graph([second], [x])).splitlines()[1] == "v1 = v0[2:]"


def test_float32_operands_stay_float32():
    a, b = ops.input("a", (2,), np.float32), ops.input("b", (1,), np.float32)
    assert ops.concatenate([a, b]).dtype == np.float32


def test_errors_name_every_shape():
    a, b = ops.input("a", (2, 3)), ops.input("b", (2, 4))
    with pytest.raises(ShapeError, match=r"cannot join \(2, 3\) and \(2, 4\) along axis 0"):
        ops.concatenate([a, b])
    with pytest.raises(ShapeError, match=r"\(2, 3\) and \(3,\) must all have the same number of axes"):
        ops.concatenate([a, ops.input("c", (3,))])
    with pytest.raises(ShapeError, match=r"every array must have the same shape, got \(2, 3\) and \(2, 4\)"):
        ops.stack([a, b])
    with pytest.raises(ShapeError, match=r"split cannot cut axis 1 of shape \(2, 3\) into 2 equal sections"):
        ops.split(a, 2, axis=1)
    check_value(("one", lambda x: ops.concatenate([x]), lambda x: np.concatenate([x]), [(2,)]), 0)
