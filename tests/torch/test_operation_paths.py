"""The short paths of eager operations in the torch spelling give what the long ones gave: results of many
shapes and dtypes in one process (their shapes and dtypes remembered per key) against NumPy's, snapshots reused
while a tensor is unchanged and made again when it changes, and the bookkeeping that lets tensors go."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad import eager, ops, torch
from graphgrad.errors import ArgumentError

SHAPES = [(), (3,), (1, 3), (2, 1), (2, 3)]
DTYPES = ["float32", "float64", "int32", "int64"]
OPERATIONS = {"a + b": (lambda a, b: a + b, np.add), "a * b": (lambda a, b: a * b, np.multiply),
              "a - b": (lambda a, b: a - b, np.subtract), "a.relu()": (lambda a, b: a.relu(), lambda a, b: a * (a > 0)),
              "a + 3": (lambda a, b: a + 3, lambda a, b: a + a.dtype.type(3))}

case = st.tuples(st.sampled_from(sorted(OPERATIONS)), st.sampled_from(SHAPES), st.sampled_from(SHAPES),
                 st.sampled_from(DTYPES))


@settings(max_examples=30, deadline=None)
@given(st.lists(case, min_size=2, max_size=10), st.integers(0, 2**32 - 1))
def test_same_dtype_operations_match_numpy_in_any_order(cases, seed):
    """Operands of one dtype (where PyTorch's promotion and NumPy's agree); every case runs twice, the keys
    interleaved, so a remembered shape or dtype given to the wrong key shows."""
    rng = np.random.default_rng(seed)
    for name, shape_a, shape_b, dtype in cases + cases[::-1]:
        a, b = (rng.integers(-5, 6, size=s).astype(dtype) for s in (shape_a, shape_b))
        ours, numpy = OPERATIONS[name]
        try:
            expected = np.asarray(numpy(a, b))
        except ValueError:                                   # shapes that do not broadcast
            with pytest.raises(ValueError):
                ours(torch.tensor(a), torch.tensor(b))
            continue
        got = ours(torch.tensor(a), torch.tensor(b))
        assert got.numpy().dtype == expected.dtype and got.numpy().shape == expected.shape, name
        np.testing.assert_array_equal(got.numpy(), expected)


def test_relu_keeps_nan_and_zeroes_minus_infinity_in_every_float_dtype():
    for dtype in ("float16", "float32", "float64"):
        x = torch.tensor(np.array([-np.inf, -1.0, 0.0, 2.0, np.nan, np.inf], dtype))
        np.testing.assert_array_equal(x.relu().numpy(), np.array([0, 0, 0, 2, np.nan, np.inf], dtype))
        assert x.relu().numpy().dtype == np.dtype(dtype)
    n = torch.tensor(np.array([-3, 0, 4], np.int8))
    assert n.relu().tolist() == [0, 0, 4] and n.relu().numpy().dtype == np.int8


def test_a_snapshot_stands_for_its_tensor_only_while_the_tensor_is_unchanged():
    """d/dw of sum(w0²) + sum(w0²) + sum(w1²), w1 = w0 - 1 set under no_grad: 4·w0 + 2·w1."""
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    y1, y2 = w * w, w * w
    assert y1.parents[0] is y2.parents[0]                      # one state read twice: one snapshot
    with torch.no_grad():
        w -= 1.0
    y3 = w * w
    assert y3.parents[0] is not y1.parents[0]
    (y1.sum() + y2.sum() + y3.sum()).backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4 * 1.0 + 2 * 0.0, 4 * -2.0 + 2 * -3.0])
    np.testing.assert_array_equal(y1.detach().numpy(), [1.0, 4.0])   # history kept the old value


def test_a_snapshot_follows_requires_grad_and_memory_numpy_shares():
    t, w = torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0], requires_grad=True)
    y = t * w
    shared = t.numpy()                                  # t's memory is NumPy's now: its snapshots are copies
    shared[0] = 5.0
    y2 = t * w
    shared[0] = 7.0
    y3 = t * w
    assert [y.tolist(), y2.tolist(), y3.tolist()] == [[1.0, 2.0], [5.0, 2.0], [7.0, 2.0]]
    x = torch.tensor([3.0])
    z1 = x * w
    x.requires_grad_()
    z2 = x * w
    assert z2.parents[0] is not z1.parents[0] and z2.parents[0].requires_grad
    z2.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0])   # x broadcast against w = [1, 1]


def test_parameters_and_leaves_go_when_nothing_holds_them():
    p = torch.nn.Parameter(torch.zeros(3))
    w = torch.tensor([1.0], requires_grad=True)
    (p * p).sum().backward()
    y = w * w
    refs = [weakref.ref(p), weakref.ref(w)]
    del p, w, y
    gc.collect()
    assert [r() for r in refs] == [None, None]


def test_an_operation_given_the_wrong_number_of_operands_is_refused_recorded_or_not():
    x = torch.tensor([1.0, 2.0])
    for t in (x, torch.tensor([1.0, 2.0], requires_grad=True)):
        with pytest.raises(ArgumentError, match="add takes 2 arguments, got 1"):
            eager.call(ops.add, t)


def test_a_weak_dictionary_entry_goes_with_its_key_after_being_replaced():
    d, key = eager.WeakIdKeyDictionary(), torch.tensor([1.0])
    d[key] = 1
    d[key] = 2
    assert d.get(key) == 2 and d.get(torch.tensor([1.0]), "none") == "none"
    del key
    gc.collect()
    assert len(d) == 0
