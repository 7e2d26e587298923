"""PyTorch's names in the torch spelling against numbers recorded from PyTorch 2.13 (``record_names.py`` wrote
``data/names.npz``): every name of the spelling's table (``tensor.UNARY``, ``BINARY``) as function and method,
reductions along a dimension, creation functions, comparisons, iteration and one_hot (values and dtypes), and the
shapes and dtypes of random draws."""
from pathlib import Path

import numpy as np
import pytest

from graphgrad import torch
from graphgrad.errors import ArgumentError, ShapeError
from graphgrad.torch.tensor import BINARY, IN_PLACE, UNARY
from tests.torch.recorded import replay

DATA = Path(__file__).resolve().parent / "data" / "names.npz"
WIDE = [[-2.5, -0.5, 0.0], [1.5, 2.5, 3.75]]        # signs, a zero and rounding ties
UNIT = [[0.125, 0.25, 0.5], [0.625, 0.75, 0.875]]   # inside (0, 1): 1/x, logarithms, roots, inverse sines
OTHER = [[1.5, -0.5, 2.0], [-1.5, 2.5, 0.0]]        # equal to WIDE in places, a zero for the logical ops
IN_UNIT = {"reciprocal", "sqrt", "log", "log2", "log10", "log1p", "asin", "acos", "arcsin", "arccos", "atanh"}
NONZERO_DIVISOR = {"fmod", "remainder", "floor_divide"}   # x mod 0: NaN in NumPy, 0 or NaN in PyTorch


def unary_operand(torch, name):
    values = np.add(UNIT, 1) if name == "acosh" else UNIT if name in IN_UNIT else WIDE
    return torch.tensor(np.asarray(values, np.float32))


def binary_operands(torch, name):
    other = np.where(np.equal(OTHER, 0), 1.0, OTHER) if name in NONZERO_DIVISOR else OTHER
    return torch.tensor(WIDE), torch.tensor(np.asarray(other, np.float32))


def F(torch):
    """``torch.nn.functional`` of the module ``torch``."""
    return torch.nn.functional


def _grad_of_square(torch):
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (w * w).sum().backward()
    return w.grad


# name -> a computation with the module ``torch`` (PyTorch or the spelling); its result, a tensor, number or tuple
CASES = {
    "linspace": lambda torch: torch.linspace(-1, 2, 7),
    "linspace_one": lambda torch: torch.linspace(0.5, 0.5, 1),
    "linspace_int64": lambda torch: torch.linspace(0, 10, 5, dtype=torch.int64),
    "eye": lambda torch: torch.eye(3),
    "eye_rectangular": lambda torch: torch.eye(2, 4, dtype=torch.float64),
    "max": lambda torch: torch.max(torch.tensor(WIDE)),
    "max_dim": lambda torch: tuple(torch.max(torch.tensor(WIDE), 1)),
    "max_dim_keepdim": lambda torch: tuple(torch.tensor(WIDE).max(dim=0, keepdim=True)),
    "max_named": lambda torch: (torch.max(torch.tensor(WIDE), dim=1).values, torch.max(torch.tensor(WIDE), 1).indices),
    "max_other": lambda torch: torch.max(torch.tensor(WIDE), torch.tensor(OTHER)),
    "min": lambda torch: torch.tensor(WIDE).min(),
    "min_dim": lambda torch: tuple(torch.min(torch.tensor(WIDE), 0)),
    "argmin": lambda torch: torch.argmin(torch.tensor(WIDE), 1),
    "norm": lambda torch: torch.tensor(WIDE).norm(),
    "norm_3d": lambda torch: torch.norm(torch.tensor(WIDE).view(1, 2, 3)),
    "norm_dim": lambda torch: torch.tensor(WIDE).norm(dim=1),
    "norm_p1_keepdim": lambda torch: torch.tensor(WIDE).norm(p=1, dim=0, keepdim=True),
    "nelement": lambda torch: torch.ones(2, 3, 4).nelement(),
    "numel": lambda torch: torch.numel(torch.ones(2, 3)),
    "gt_number": lambda torch: torch.tensor(WIDE) > 0.5,
    "lt_number_reflected": lambda torch: 0.5 < torch.tensor(WIDE),
    "lt": lambda torch: torch.tensor(WIDE) < torch.tensor(OTHER),
    "le": lambda torch: torch.tensor(WIDE) <= torch.tensor(OTHER),
    "ge": lambda torch: torch.tensor(WIDE) >= torch.tensor(OTHER),
    "eq": lambda torch: torch.tensor(WIDE) == torch.tensor(OTHER),
    "ne": lambda torch: torch.tensor(WIDE) != torch.tensor(OTHER),
    "eq_int_broadcast": lambda torch: torch.arange(3) == torch.tensor([[0], [2]]),
    "grad_eq": lambda torch: _grad_of_square(torch) == torch.tensor([2.0, 4.0, 7.0]),
    "iterate": lambda torch: tuple(torch.tensor(WIDE)),
    "iterate_vector": lambda torch: tuple(v * 2 for v in torch.tensor([1.0, 2.0, 3.0])),
    "one_hot": lambda torch: F(torch).one_hot(torch.tensor([0, 2, 1, 2])),
    "one_hot_classes": lambda torch: F(torch).one_hot(torch.tensor([[0], [3]]), num_classes=5),
    "narrow": lambda torch: torch.tensor(WIDE).narrow(1, 1, 2),
    "narrow_function_negative": lambda torch: torch.narrow(torch.tensor(WIDE), -1, -2, 1),
    "select": lambda torch: torch.tensor(WIDE).select(1, -1),
    "select_function": lambda torch: torch.select(torch.tensor(WIDE), 0, 1),
    "unbind": lambda torch: torch.tensor(WIDE).unbind(),
    "unbind_function_dim": lambda torch: torch.unbind(torch.tensor(WIDE), dim=1),
    "split": lambda torch: torch.arange(7).split(3),
    "split_sizes_dim": lambda torch: torch.split(torch.tensor(WIDE), [2, 0, 1], dim=1),
    "chunk_uneven": lambda torch: torch.arange(7.0).chunk(3),
    "chunk_fewer": lambda torch: torch.chunk(torch.arange(6), 4),
    "chunk_dim": lambda torch: torch.tensor(WIDE).chunk(2, dim=-1),
    "chunk_empty_axis": lambda torch: _chunks_of_an_empty_axis(torch),
    "zero_dim_axes": lambda torch: (torch.tensor(5.0).squeeze(0), torch.tensor(5.0).squeeze(-1),
                                    torch.tensor(5.0).transpose(0, -1), torch.tensor(WIDE).flatten(1, 1)),
    "movedim": lambda torch: torch.arange(24.0).view(2, 3, 4).movedim(0, -1),
    "movedim_sequences": lambda torch: torch.movedim(torch.arange(24.0).view(2, 3, 4), (0, 1), (2, 0)),
    "swapaxes": lambda torch: torch.arange(24.0).view(2, 3, 4).swapaxes(0, 2),
    "swapdims_function": lambda torch: torch.swapdims(torch.tensor(WIDE), 0, 1),
    "mT": lambda torch: torch.arange(24.0).view(2, 3, 4).mT,
    "view_as": lambda torch: torch.tensor(WIDE).view_as(torch.zeros(3, 2)),
    "unflatten": lambda torch: torch.arange(24.0).view(2, 12).unflatten(1, (3, -1)),
    "moved_axes_are_views": lambda torch: _moved_axes_changed_in_place(torch),
    "reshape_copies_what_is_not_in_order": lambda torch: _reshapes_changed_in_place(torch),
    "is_contiguous": lambda torch: _contiguity(torch),
    "pieces_gradient": lambda torch: _gradient_through_pieces(torch),
}


def _reshapes_changed_in_place(torch):
    """``reshape`` and ``flatten`` are views when the elements lie in order in memory, else copies: changing the
    result in place changes the tensor only in the first case."""
    x = torch.arange(12.0).view(3, 4)
    x.reshape(6, 2)[0, 1] = -1.0                # in order: a view
    x.t().reshape(-1)[2] = -2.0                 # transposed: a copy
    x.t().flatten()[3] = -3.0
    x[1:].reshape(2, 2, 2)[1, 1, 1] = -4.0      # rows in order: a view
    x[:, 1:3].reshape(6)[0] = -5.0              # columns cut: a copy
    x.t().t().view(12)[11] = -6.0               # transposed back: in order again
    x[:, ::2].reshape(3, 2)[2, 0] = -7.0        # a view of the same shape whatever the strides: a view
    return x


def _contiguity(torch):
    x = torch.arange(24.0).view(2, 3, 4)
    shown = [x, x.t() if x.ndim == 2 else x.transpose(0, 2), x[1], x[:, 1:], x[..., ::2], x.unsqueeze(1),
             x.transpose(0, 1)[:1].squeeze(0), x[:1].expand(3, 3, 4), x.permute(0, 1, 2), x.mT.mT, x.detach(),
             x.transpose(1, 2).contiguous()]
    return torch.tensor([t.is_contiguous() for t in shown])


def _moved_axes_changed_in_place(torch):
    """Tensors of moved, swapped or split axes are views: changing one in place changes the tensor."""
    x = torch.arange(24.0).view(2, 3, 4)
    x.movedim(0, -1)[0, 0, 1] = -1.0
    x.mT[1, 3, 2] = -2.0
    x.unflatten(2, (2, 2)).mul_(10)
    x.swapaxes(0, 1)[2].add_(0.5)
    x.view_as(torch.zeros(6, 4))[5].sub_(0.25)
    return x


def _pieces_changed_in_place(torch):
    """A piece changed in place changes the tensor it was taken from (they share memory in PyTorch)."""
    x = torch.tensor(WIDE)
    first, _ = x.chunk(2, dim=1)
    first += 10
    x.select(0, 1).mul_(2)
    x.narrow(1, 2, 1).zero_()
    x.unbind()[0][1] = -7.0
    return x


def _chunks_of_an_empty_axis(torch):
    """``chunks`` empty pieces (not one), named as PyTorch names them."""
    pieces = torch.zeros(0, 2, requires_grad=True).chunk(3)
    return (*(p.detach() for p in pieces), " ".join(p.grad_fn.name() for p in pieces))


def _gradient_through_pieces(torch):
    """Each piece's gradient lands at its elements, and grad_fn is named as PyTorch names it."""
    x = torch.tensor(WIDE, requires_grad=True)
    a, b = x.split([1, 2], dim=1)
    rows = x.unbind(0)
    loss = (a * 3).sum() + (b ** 2).sum() + rows[1].select(0, 0) + x.narrow(0, 0, 1).chunk(3, 1)[2].sum()
    loss.backward()
    names = " ".join(t.grad_fn.name() for t in (a, rows[1], x.narrow(0, 0, 1), x.chunk(3, 1)[0],
                                                        x.select(1, 0), x.split(2, 1)[0]))
    return x.grad, names

# random draws as zeros of their shape and dtype (their numbers are PyTorch's in distribution only: test_random.py)
DRAWS = {
    "randint": lambda torch: torch.randint(10, (2, 3)),
    "randint_low": lambda torch: torch.randint(-3, 3, size=(4,), generator=torch.Generator().manual_seed(1)),
    "randperm": lambda torch: torch.randperm(5),
    "rand_generator": lambda torch: torch.rand(2, 2, generator=torch.Generator().manual_seed(1)),
    "randn_float64": lambda torch: torch.randn(3, dtype=torch.float64),
    "normal_numbers": lambda torch: torch.normal(2.0, 3.0, size=(2, 5)),
    "normal_tensor_mean": lambda torch: torch.normal(torch.zeros(3, 1), 1.0),
    "normal_tensors": lambda torch: torch.normal(torch.zeros(2, 1, dtype=torch.float64),
                                                 torch.ones(2, 1, dtype=torch.float64)),
    "multinomial": lambda torch: torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 2),
    "multinomial_rows": lambda torch: torch.multinomial(torch.ones(4, 3), 5, replacement=True),
}
CASES.update({f"draw/{name}": (lambda torch, draw=draw: torch.zeros_like(draw(torch))) for name, draw in DRAWS.items()})
CASES.update({f"unary/{name}": (lambda torch, name=name: getattr(torch, name)(unary_operand(torch, name)))
              for name in UNARY})
CASES.update({f"binary/{name}": (lambda torch, name=name: getattr(torch, name)(*binary_operands(torch, name)))
              for name in BINARY})


def _in_place(torch, name):
    """``x.name_(...)`` on a copy of the operands of ``name``: what it leaves in x, and that it returns x."""
    if name == "pow":
        x, args = torch.tensor(np.abs(WIDE)), (1.5,)
    elif name in UNARY:
        x, args = unary_operand(torch, name), ()
    else:
        x, *args = binary_operands(torch, name)
    returned = getattr(x, name + "_")(*args)
    return x, returned is x


def _gradient_through_in_place(torch):
    """A recorded tensor changed in place: its grad_fn and the gradient through the change."""
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x * 2
    y.sin_().add_(1).pow_(2)
    y.sum().backward()
    return y.grad_fn.name(), x.grad


CASES.update({f"in_place/{name}": (lambda torch, name=name: _in_place(torch, name)) for name in IN_PLACE})
CASES["in_place_gradient"] = _gradient_through_in_place


test_name_gives_pytorchs_numbers = replay(CASES, DATA)


@pytest.mark.parametrize("name", [*UNARY, *BINARY])
def test_method_is_the_function(name):
    operands = (unary_operand(torch, name),) if name in UNARY else binary_operands(torch, name)
    np.testing.assert_array_equal(getattr(operands[0], name)(*operands[1:]), getattr(torch, name)(*operands))


@pytest.mark.parametrize("call, words", [
    (lambda x: x.permute(0, 3), r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 3\)"),
    (lambda x: x.unsqueeze(4), r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 4\)"),
    (lambda x: x.transpose(0, -3), r"range of \[-2, 1\], but got -3\)"),
    (lambda x: x.squeeze(2), "but got 2"),
    (lambda x: x.argmax(5), "but got 5"),
    (lambda x: x.flatten(0, 5), "but got 5"),
    (lambda x: x.unbind(2), "but got 2"),
    (lambda x: x.narrow(1, 2, 2), r"start \(2\) \+ length \(2\) exceeds dimension size \(3\)"),
    (lambda x: x.narrow(0, -3, 1), r"start out of range \(expected to be in range of \[-2, 2\], but got -3\)"),
    (lambda x: x.narrow(1, 1, -1), r"narrow\(\): length must be non-negative"),
    (lambda x: x.split([4, -1], 1), r"only non-negative entries, but got split_sizes=\[4, -1\]"),
    (lambda x: x.flatten(1, 0), "flatten\\(\\) has invalid args: start_dim cannot come after end_dim"),
    (lambda x: x.select(0, 2), r"index 2 out of range for tensor of size \[2, 3\] at dimension 0"),
    (lambda x: x.split(0, 1), "split_size can only be 0 if dimension size is 0"),
    (lambda x: x.split([1, 1], 1), r"sum exactly to 3 .* but got split_sizes=\[1, 1\]"),
    (lambda x: x.chunk(0), "chunk expects `chunks` to be greater than 0, got: 0"),
    (lambda x: x.t().view(6), r"view size is not compatible with input tensor's size and stride .* Use "
                              r"\.reshape\(\.\.\.\) instead"),
    (lambda x: x.sum(0).mT, "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."),
    (lambda x: x.movedim((0, 1), 1), "should contain the same number of dims as destination"),
    (lambda x: x.movedim(0, 2), r"range of \[-2, 1\], but got 2\)"),
    (lambda x: x.sum().narrow(0, 0, 1), "narrow\\(\\) cannot be applied to a 0-dim tensor"),
    (lambda x: x.sum().select(0, 0), "select\\(\\) cannot be applied to a 0-dim tensor"),
    (lambda x: x.sum().unbind(), "Dimension specified as 0 but tensor has no dimensions"),
    (lambda x: x.sum().split(1), "split expects at least a 1-dimensional tensor"),
    (lambda x: x.sum().chunk(1), "chunk expects at least a 1-dimensional tensor"),
])
def test_an_axis_out_of_range_is_refused_as_pytorch_refuses_it(call, words):
    """A dimension past the tensor's (which wrapped around: ``permute(0, 3)`` of a matrix gave it back as it
    was) and pieces past its end are refused in PyTorch's words."""
    with pytest.raises((ShapeError, ArgumentError), match=words):
        call(torch.tensor(WIDE))


def test_comparisons_are_not_recorded_and_iteration_ends():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert not (x > 1).requires_grad and (x * 2 > 1).is_leaf
    assert len(list(torch.ones(3, 2))) == 3
    with pytest.raises(TypeError, match="0-d"):
        iter(torch.tensor(1.0))
    with pytest.raises(TypeError, match="must be Tensor"):
        torch.sin(0.5)
