"""In-place operations of the torch spelling: PyTorch's refusals, parameters keeping their identity, views put
back into their tensor, recorded changes differentiated correctly (finite differences) and history that later
changes leave alone."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad import torch
import graphgrad.torch.nn as nn
import graphgrad.torch.optim as optim
from graphgrad.errors import ArgumentError, InPlaceError, ShapeError


def test_a_leaf_that_requires_grad_changes_only_inside_no_grad():
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for change in (lambda: w.add_(1), lambda: w.__isub__(1), lambda: w.zero_(), lambda: w.__setitem__(0, 5.0),
                   lambda: w[0].mul_(2)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad is being used in an in-place"):
            change()
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 2.0, 3.0])    # nothing changed
    with torch.no_grad():
        w[0] = 5.0
        w -= 0.5
    assert w.is_leaf and w.requires_grad
    np.testing.assert_array_equal(w.detach().numpy(), [4.5, 1.5, 2.5])


def test_manual_sgd_moves_a_models_parameters_as_optim_sgd_does():
    """``with no_grad(): p -= lr * p.grad`` then ``p.grad.zero_()``, and the tutorial's
    ``f.data.sub_(f.grad.data * lr)``: the module sees its own parameters changed, as after ``optimizer.step()``."""
    x, target = torch.randn(4, 3), torch.randn(4, 2)

    def trained(update):
        torch.manual_seed(0)
        net = nn.Linear(3, 2)
        optimizer = optim.SGD(net.parameters(), lr=0.1)
        for _ in range(3):
            loss = nn.MSELoss()(net(x), target)
            loss.backward()
            update(net, optimizer)
        return [p.detach().numpy() for p in net.parameters()]

    def by_hand(net, optimizer):
        with torch.no_grad():
            for p in net.parameters():
                p -= 0.1 * p.grad
        for p in net.parameters():
            p.grad.zero_()

    def through_data(net, optimizer):
        for f in net.parameters():
            f.data.sub_(f.grad.data * 0.1)
        net.zero_grad()

    def stepped(net, optimizer):
        optimizer.step()
        optimizer.zero_grad()

    expected = trained(stepped)
    for update in (by_hand, through_data):
        for a, b in zip(trained(update), expected):
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_grad_zero_keeps_the_grad_tensor():
    w = torch.ones(3, requires_grad=True)
    (w * w).sum().backward()
    grad = w.grad
    assert grad.zero_() is grad and w.grad is grad
    np.testing.assert_array_equal(w.grad.numpy(), 0.0)


def _mutated(w):
    """A computation that changes recorded tensors in place in every way (w holds three numbers)."""
    h = w * 2.0
    h[0] = w[1] * w[2]             # item assignment
    h.mul_(h)                      # the tensor with itself
    h[1:] += w[:2].exp()           # a view changed in place, put back
    h.clamp_(max=12.0)
    h.sub_(0.7).relu_()
    out = torch.zeros(2, dtype=torch.float64)   # a leaf without grad takes recorded values
    out.copy_(h[:2] / (1.0 + h[2]))
    out.sub_(w[0], alpha=0.5)
    return (out * out).sum() + h.sum()


def _mutated_numpy(w):
    """The same function written out in NumPy."""
    h = w * 2.0
    h[0] = w[1] * w[2]
    h = h * h
    h[1:] = h[1:] + np.exp(w[:2])
    h = np.maximum(np.minimum(h, 12.0) - 0.7, 0.0)
    out = h[:2] / (1.0 + h[2]) - 0.5 * w[0]
    return (out * out).sum() + h.sum()


@settings(max_examples=10, deadline=None)
@given(st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_in_place_changes_of_recorded_tensors_differentiate_correctly(values):
    w0 = np.array(values)
    w = torch.tensor(w0, requires_grad=True)
    loss = _mutated(w)
    loss.backward()
    assert loss.item() == pytest.approx(_mutated_numpy(w0), rel=1e-12)
    eps = 1e-6
    numeric = [(_mutated_numpy(w0 + eps * e) - _mutated_numpy(w0 - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(w.grad.numpy(), numeric, rtol=1e-5, atol=1e-6)


def test_history_recorded_before_a_change_keeps_the_former_value():
    """y was computed with the old x and w; changing them afterwards does not change y's gradient."""
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.tensor([3.0, 4.0])
    h = a * 1.0
    y = (a * x * h).sum()
    x.add_(10.0)
    h.zero_()
    with torch.no_grad():
        a.mul_(100.0)
    y.backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * np.array([1.0, 2.0]) * [3.0, 4.0])   # d(a²x)/da at the old values


def test_views_put_their_changes_back():
    x = torch.tensor(np.arange(6.0).reshape(2, 3))
    expected = np.arange(6.0).reshape(2, 3)
    x[0].add_(1.0)
    expected[0] += 1.0
    x.view(-1)[4] = 40.0
    expected.reshape(-1)[4] = 40.0
    x.t()[2, 0] = -1.0
    expected.T[2, 0] = -1.0
    x[:, 1:].unsqueeze(0)[0, 1, 0] *= 3.0
    expected[:, 1:][1, 0] *= 3.0
    x.detach()[1, 2] = 9.0
    expected[1, 2] = 9.0
    np.testing.assert_array_equal(x.numpy(), expected)


@pytest.mark.parametrize("recorded", [False, True])
def test_a_key_with_an_array_a_list_or_a_bool_picks_a_copy_as_numpy_and_pytorch_do(recorded):
    """Changing the result of ``x[idx]``, ``x[mask]``, ``x[[0, 1]]``, ``x[:, [1]]`` or ``x[True]`` in place
    leaves ``x`` alone; ints, slices, None, ``...`` and a 0-d integer tensor give views; ``x[idx] += 1`` writes
    (NumPy, whose indexing rules PyTorch's follow here, is the reference; a 0-d tensor is an int to PyTorch, an
    array to NumPy)."""

    def as_numpy(k):
        return k if not isinstance(k, torch.Tensor) else k.item() if k.ndim == 0 else k.numpy()
    w = torch.tensor(np.ones((3, 2)), requires_grad=recorded)
    x = w * torch.tensor(np.arange(6.0).reshape(3, 2))     # recorded when w requires grad
    expected = np.arange(6.0).reshape(3, 2)
    keys = [torch.tensor([0, 2]), x > 3, [0, 1], (slice(None), [1]), True, 1, torch.tensor(1),
            (None, 1, Ellipsis), (slice(0, 2), 0)]
    for key in keys:
        plain = tuple(map(as_numpy, key)) if isinstance(key, tuple) else as_numpy(key)
        part = x[key]
        part += 100.0
        view = expected[plain]
        view += 100.0
        np.testing.assert_array_equal(x.detach().numpy(), expected, err_msg=repr(key))
    x[torch.tensor([0, 2])] += 1.0
    expected[np.array([0, 2])] += 1.0
    np.testing.assert_array_equal(x.detach().numpy(), expected)


@pytest.mark.parametrize("take, numpy_take", [(lambda x: x.T, lambda a: a.T), (lambda x: x[0], lambda a: a[0]),
                                               (lambda x: x[:, 1:], lambda a: a[:, 1:]),
                                               (lambda x: x.view(-1), lambda a: a.reshape(-1)),
                                               (lambda x: x.permute(1, 0), lambda a: a.transpose(1, 0)),
                                               (lambda x: x, lambda a: a)], ids=["T", "row", "columns", "view",
                                                                                  "permute", "itself"])
def test_contiguous_is_the_tensor_itself_only_when_its_elements_lie_in_order(take, numpy_take):
    """As NumPy's strides say of the same view (PyTorch's rule): a transposed or column-sliced view is copied,
    so changing the copy leaves the tensor alone; a row or a flat view is itself."""
    x, a = torch.tensor(np.arange(6.0).reshape(3, 2)), np.arange(6.0).reshape(3, 2)
    in_order = numpy_take(a).flags.c_contiguous
    view = take(x)
    assert view.is_contiguous() == in_order and (view.contiguous() is view) == in_order
    part = view.contiguous()
    part += 100.0
    expected = np.arange(6.0).reshape(3, 2)
    if in_order:
        numpy_take(expected)[...] += 100.0
    np.testing.assert_array_equal(x.numpy(), expected)
    np.testing.assert_array_equal(part.numpy(), numpy_take(np.arange(6.0).reshape(3, 2)) + 100.0)


def test_a_view_shows_its_tensor_as_it_is_now_as_pytorchs_shared_storage_does():
    """A view taken before its tensor changed in place shows the change (PyTorch's views share storage; NumPy's
    do too, and are the reference): reading it, changing it in place, a view of it, ``detach()``."""
    b, expected = torch.zeros(2, 3), np.zeros((2, 3))
    v, w, d, flat = b[0], b[1], b.detach(), b.view(-1)
    ev, ew, ed, eflat = expected[0], expected[1], expected, expected.reshape(-1)
    v.mul_(2.0).add_(1.0)
    ev *= 2.0
    ev += 1.0
    b.add_(1.0)
    expected += 1.0
    np.testing.assert_array_equal(v.numpy(), ev)              # read after its tensor changed
    v.mul_(2.0)                                               # changed in place: row 0 as it now is
    ev *= 2.0
    w[0:2].add_(5.0)                                          # a view of a view
    ew[0:2] += 5.0
    for got, want in [(b, expected), (v, ev), (w, ew), (d, ed), (flat, eflat)]:
        np.testing.assert_array_equal(got.numpy(), want)


def test_an_expanded_view_that_repeats_elements_is_not_changed_in_place():
    """PyTorch refuses to write a tensor some of whose elements share one memory location (``expand``'s)."""
    x = torch.tensor([1.0, 2.0])
    rows = x.expand(3, 2)
    with pytest.raises(InPlaceError, match="more than one element of the written-to tensor"):
        rows.mul_(2.0)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])


def test_a_parameters_data_taken_before_a_step_shows_the_step():
    """``old = p.data`` before ``optimizer.step()`` is the parameter's new value after it, as in PyTorch (the
    reason its tutorials write ``p.data.clone()`` to keep an old value)."""
    w = nn.Parameter(torch.tensor([1.0, 2.0]))
    kept, data = w.data.clone(), w.data
    optimizer = optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(data.numpy(), [0.0, 0.0])     # w - 0.5 * 2w
    np.testing.assert_array_equal(kept.numpy(), [1.0, 2.0])


@settings(max_examples=25, deadline=None)
@given(st.tuples(st.integers(-3, 2), st.integers(-3, 3), st.integers(1, 2)), st.booleans(), st.integers(0, 2**31))
def test_item_assignment_is_numpys(slice_, whole_row, seed):
    """``x[key] = v`` (a row or a strided slice of columns, v broadcast) sets what NumPy's assignment sets."""
    rng = np.random.default_rng(seed)
    start, stop, step = slice_
    key = (1,) if whole_row else (slice(None), slice(start, stop, step))
    expected = rng.normal(size=(3, 4))
    selected = expected[key].shape
    value = rng.normal(size=selected[-1:] if selected else ())
    x = torch.tensor(expected.copy())
    x[key] = torch.tensor(value)
    expected[key] = value
    np.testing.assert_array_equal(x.numpy(), expected)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(-4, 3), st.integers(0, 3)), min_size=1, max_size=30))
def test_counting_by_item_updates_gives_numpys_counts(pairs):
    """A bigram lecture's loop (``N[i, j] += 1``, then a row read back) counts what ``np.add.at`` counts: item
    updates of a tensor nothing records run on values, through the same views and write-backs."""
    counts = torch.zeros((4, 4), dtype=torch.int32)
    for i, j in pairs:
        counts[i, j] += 1
    row = counts[1]
    row += 2                                              # a view changed in place is written back
    expected = np.zeros((4, 4), np.int32)
    np.add.at(expected, tuple(np.array(pairs).T), 1)
    expected[1] += 2
    np.testing.assert_array_equal(counts.numpy(), expected)
    assert counts.dtype == torch.int32


def test_setting_back_a_view_writes_only_what_changed_since():
    """``N[k] = v`` after ``v = N[k]; v += 1`` changes nothing more (the view put its value back already), but
    a view changed without putting back (``.data``) is written, and so is one set into another place."""
    n = torch.zeros((3, 3))
    v = n[1, 2]
    v += 1
    n[1, 2] = v
    v.data = torch.tensor(5.0)                    # the view changes; the tensor does not, until set back
    assert n[1, 2].item() == 1.0
    n[1, 2] = v
    n[0, 0] = v
    np.testing.assert_array_equal(n.numpy(), [[5, 0, 0], [0, 0, 5], [0, 0, 0]])


def test_in_place_results_keep_the_tensors_dtype_and_shape():
    counts = torch.tensor([1, 2, 3])
    counts[0] = 2.7                                     # assignment casts, as in PyTorch
    assert counts.dtype == torch.int64 and counts.tolist() == [2, 2, 3]
    with pytest.raises(ArgumentError, match="result type float.* can't be cast to the desired output type int64"):
        counts *= 0.5
    with pytest.raises(ShapeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"):
        torch.ones(3).add_(torch.ones(2, 3))
    with pytest.raises(ArgumentError, match="names an element twice"):
        torch.zeros(3)[[0, 0]] = torch.tensor([1.0, 2.0])
    halves = torch.ones(2, dtype=torch.float32)
    halves += np.array([0.5, 0.25])                    # a float64 operand is cast to the tensor's float32
    assert halves.dtype == torch.float32 and halves.tolist() == [1.5, 1.25]


def test_changes_that_would_lose_history_are_refused():
    w = torch.ones(2, requires_grad=True)
    h = w * 2
    with torch.no_grad():
        with pytest.raises(RuntimeError, match="recorded tensor .* inside no_grad"):
            h.add_(1)
    with pytest.raises(RuntimeError, match="through detach"):
        h.detach().zero_()
    layer = nn.Linear(2, 1)
    layer.bias.requires_grad_(False)
    with pytest.raises(RuntimeError, match="Parameter cannot hold recorded history"):
        layer.bias.add_(w[0])
    np.testing.assert_array_equal(h.detach().numpy(), [2.0, 2.0])


def test_random_fills_come_from_the_seeded_generator():
    torch.manual_seed(5)
    a = torch.empty(1000).uniform_(-2.0, 2.0)
    b = torch.zeros(1000).normal_(1.0, 0.5)
    assert a.numpy().min() >= -2.0 and a.numpy().max() < 2.0 and abs(a.numpy().mean()) < 0.15
    assert b.numpy().mean() == pytest.approx(1.0, abs=0.05) and b.numpy().std() == pytest.approx(0.5, rel=0.1)
    torch.manual_seed(5)
    np.testing.assert_array_equal(torch.empty(1000).uniform_(-2.0, 2.0).numpy(), a.numpy())
    torch.manual_seed(5)
    np.testing.assert_array_equal(nn.init.uniform_(torch.empty(1000), -2.0, 2.0).numpy(), a.numpy())


@pytest.mark.parametrize("make, recorded", [
    # w after two steps on sum(w²) from [1, 2], recorded from PyTorch 2.13 (a plain leaf tensor, not a Parameter)
    (lambda w: optim.RMSprop([w], lr=0.1), [-3.0027536013221834e-10, 0.5509867072105408]),
    (lambda w: optim.SGD([w], lr=0.1, momentum=0.9), [0.46000000834465027, 0.9200000166893005]),
    (lambda w: optim.Adam([w], lr=0.1), [0.8004122376441956, 1.8001664876937866]),
])
def test_optimizers_step_a_plain_leaf_tensor_as_pytorch_does(make, recorded):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = make(w)
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.detach().numpy(), recorded, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_floor_division_and_remainder_round_down_as_pytorch_and_numpy_do(dtype):
    """``//`` rounds toward minus infinity and ``%`` takes the divisor's sign (PyTorch's floor_divide and
    remainder, NumPy's floor_divide and mod), reflected too."""
    a = np.array([7, -7, 5, -5], dtype)
    b = np.array([2, 2, -3, -3], dtype)
    x, y = torch.tensor(a), torch.tensor(b)
    for got, expected in [(x // y, a // b), (x % y, a % b), (x // 2, a // 2), (x % 3, a % 3), (7 // y, 7 // b),
                          (7 % y, 7 % b), (torch.floor_divide(x, y), np.floor_divide(a, b))]:
        np.testing.assert_array_equal(got.numpy(), expected)
        assert got.numpy().dtype == expected.dtype


def test_softmax_and_log_softmax_as_functions_and_methods_are_scipys():
    from scipy import special
    a = np.array([[1.0, 2.0, 4.0], [3.0, -1.0, 0.5]], np.float32)
    x = torch.tensor(a)
    for dim in (0, 1, -1):
        for got in (torch.softmax(x, dim), x.softmax(dim), torch.nn.functional.softmax(x, dim)):
            np.testing.assert_allclose(got.numpy(), special.softmax(a, axis=dim), rtol=1e-6)
        for got in (torch.log_softmax(x, dim=dim), x.log_softmax(dim)):
            np.testing.assert_allclose(got.numpy(), special.log_softmax(a, axis=dim), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(torch.softmax(torch.tensor([1, 2]), 0).numpy(), special.softmax([1.0, 2.0]),
                               rtol=1e-6)   # integers taken as floats


def test_as_tensor_shares_what_it_can_and_copies_the_rest():
    a = np.ones(3, np.float32)
    shared = torch.as_tensor(a)
    shared += 1
    np.testing.assert_array_equal(a, [2.0, 2.0, 2.0])             # a NumPy array of the dtype: its memory
    copied = torch.as_tensor(a, dtype=torch.float64)
    copied += 1
    np.testing.assert_array_equal(a, [2.0, 2.0, 2.0])             # another dtype: a copy
    assert copied.dtype == torch.float64
    t = torch.tensor([1.0, 2.0])
    assert torch.as_tensor(t) is t and torch.as_tensor([1, 2]).dtype == torch.int64
