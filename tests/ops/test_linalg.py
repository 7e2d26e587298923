"""einsum and the products written with it (tensordot, dot, inner), outer, kron and trace, against NumPy."""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import ops
from graphgrad.errors import ArgumentError, ShapeError
from tests.ops.checks import against_numpy_and_finite_differences, check_value


def einsum_case(subscripts, *shapes):
    return (f"einsum {subscripts}", lambda *xs: ops.einsum(subscripts, *xs),
            lambda *xs: np.einsum(subscripts, *xs), list(shapes))


CASES = [
    einsum_case("ij,jk->ik", (2, 3), (3, 2)),
    einsum_case("ij,jk", (2, 3), (3, 2)),
    einsum_case("ii->", (3, 3)),
    einsum_case("ii->i", (3, 3)),
    einsum_case("iij->ji", (2, 2, 3)),
    einsum_case("ij->", (2, 3)),
    einsum_case("ij->j", (2, 3)),
    einsum_case("ijk->kij", (2, 3, 2)),
    einsum_case("i,i", (3,), (3,)),
    einsum_case("i,j->ij", (2,), (3,)),
    einsum_case("bij,bjk->bik", (2, 2, 3), (2, 3, 2)),
    einsum_case("ij,ij->i", (2, 3), (2, 3)),
    einsum_case("ab,bc,cd->ad", (2, 3), (3, 2), (2, 2)),
    einsum_case("i,jk->", (2,), (2, 2)),
    einsum_case(",i->i", (), (3,)),
    ("tensordot_2", lambda a, b: ops.tensordot(a, b), lambda a, b: np.tensordot(a, b), [(2, 3, 2), (3, 2)]),
    ("tensordot_0", lambda a, b: ops.tensordot(a, b, 0), lambda a, b: np.tensordot(a, b, 0), [(2,), (3,)]),
    ("tensordot_lists", lambda a, b: ops.tensordot(a, b, ([0, 2], [2, 0])),
     lambda a, b: np.tensordot(a, b, ([0, 2], [2, 0])), [(2, 3, 2), (2, 2, 2)]),
    ("dot_scalar", ops.dot, np.dot, [(), (2, 3)]),
    ("dot_vectors", ops.dot, np.dot, [(3,), (3,)]),
    ("dot_matrix_vector", ops.dot, np.dot, [(2, 3), (3,)]),
    ("dot_matrices", ops.dot, np.dot, [(2, 3), (3, 2)]),
    ("dot_nd_1d", ops.dot, np.dot, [(2, 2, 3), (3,)]),
    ("dot_1d_nd", ops.dot, np.dot, [(2,), (3, 2, 2)]),
    ("dot_nd_nd", ops.dot, np.dot, [(2, 2, 3), (2, 3, 2)]),
    ("inner_scalar", ops.inner, np.inner, [(2,), ()]),
    ("inner_vectors", ops.inner, np.inner, [(3,), (3,)]),
    ("inner_nd", ops.inner, np.inner, [(2, 3), (2, 2, 3)]),
    ("outer", ops.outer, np.outer, [(2, 2), (3,)]),
    ("outer_0d", ops.outer, np.outer, [(), (2,)]),
    ("kron", ops.kron, np.kron, [(2, 2), (2, 3)]),
    ("kron_mixed_ndim", ops.kron, np.kron, [(3,), (2, 2)]),
    ("trace", ops.trace, np.trace, [(3, 3)]),
    ("trace_offset_axes", lambda x: ops.trace(x, 1, 2, 0), lambda x: np.trace(x, 1, 2, 0), [(3, 2, 3)]),
    ("dot_method", lambda a, b: a.dot(b), lambda a, b: a.dot(b), [(3,), (3, 2)]),
]


test_against_numpy_and_finite_differences = against_numpy_and_finite_differences(CASES)


def test_empty_and_size_one_axes_match_numpy():
    for case in [einsum_case("ij,jk->ik", (2, 0), (0, 3)), einsum_case("ij->i", (0, 2)),
                 ("outer", ops.outer, np.outer, [(0,), (2,)]), einsum_case("ij,jk->ik", (1, 1), (1, 2))]:
        check_value(case, 0)


def test_an_int32_einsum_stays_int32():
    a, b = ops.input("a", (2, 2), np.int32), ops.input("b", (2, 2), np.int32)
    out = gg.Graph([ops.einsum("ij,jk->ik", a, b)], [a, b])(np.eye(2, dtype=np.int32), np.ones((2, 2), np.int32))
    assert out.dtype == np.int32


def test_an_einsum_reads_as_written():
    x, w = ops.input("x", (2, 3)), ops.input("w", (3, 2))
    assert str(gg.Graph([ops.einsum("ij,jk", x, w)], [x, w])).splitlines()[2] == "v1 = einsum('ij,jk->ik', v-1, v0)"


def test_a_permutation_or_identity_is_no_einsum_node():
    x = ops.input("x", (2, 3))
    assert ops.einsum("ij->ij", x) is x
    assert ops.einsum("ij->ji", x).op.name == "transpose"


@pytest.mark.parametrize("subscripts, shapes, error, message", [
    ("ij,jk->ik", [(2, 3), (2, 2)], ShapeError,
     r"axis 'j' has length 3 in one operand and 2 in another \(operands \(2, 3\), \(2, 2\)\)"),
    ("ijk->i", [(2, 3)], ShapeError, r"operand 'ijk' names 3 axes, its shape \(2, 3\) has 2"),
    ("...i->i", [(2, 3)], ArgumentError, r"'\.\.\.' are not supported"),
    ("ij->ik", [(2, 3)], ArgumentError, "only axes of the operands"),
    ("ij,jk->ik", [(2, 3)], ArgumentError, r"name 2 operand\(s\), got 1"),
])
def test_einsum_errors_say_what_is_wrong(subscripts, shapes, error, message):
    with pytest.raises(error, match=message):
        ops.einsum(subscripts, *(ops.input(f"x{i}", s) for i, s in enumerate(shapes)))


def test_tensordot_and_dot_mismatches_name_both_shapes():
    with pytest.raises(ShapeError, match=r"operands \(2, 3\), \(2, 2\)"):
        ops.tensordot(ops.input("a", (2, 3)), ops.input("b", (2, 2)), 1)
    with pytest.raises(ShapeError, match=r"cannot sum over 2 axes of \(3,\) and \(3, 2\)"):
        ops.tensordot(ops.input("a", (3,)), ops.input("b", (3, 2)))
    with pytest.raises(ShapeError, match=r"\(2, 3\) @ \(2,\)"):
        ops.dot(ops.input("a", (2, 3)), ops.input("b", (2,)))
