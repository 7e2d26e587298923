"""PyTorch's autograd surface in the torch spelling -- ``grad_fn``, ``retain_grad``, ``torch.autograd.grad``,
custom ``torch.autograd.Function``, gradients through views of tensors changed in place, optimizer steps --
against numbers and names recorded from PyTorch 2.13 (``record_names.py`` wrote ``data/autograd.npz``)."""
from pathlib import Path

import numpy as np
import pytest

from graphgrad import torch
from graphgrad.errors import ArgumentError
from tests.torch.recorded import replay

DATA = Path(__file__).resolve().parent / "data" / "autograd.npz"
M = [[1.0, -2.0], [3.0, 0.5]]
V = [0.5, -1.5]


def _x(torch):
    return torch.tensor(M, requires_grad=True)


def _v(torch):
    return torch.tensor(V, requires_grad=True)


# what a tensor's grad_fn is named after each operation
MADE_BY = {
    "add_number": lambda t, x, v: x + 1, "sub": lambda t, x, v: x - v, "mul_number": lambda t, x, v: x * 2,
    "div": lambda t, x, v: x / 3, "pow": lambda t, x, v: x ** 2, "neg": lambda t, x, v: -x,
    "exp": lambda t, x, v: x.exp(), "log": lambda t, x, v: (x * x).log(), "sin": lambda t, x, v: t.sin(x),
    "tanh": lambda t, x, v: x.tanh(), "sigmoid": lambda t, x, v: t.sigmoid(x), "relu": lambda t, x, v: x.relu(),
    "sum": lambda t, x, v: x.sum(), "sum_dim": lambda t, x, v: x.sum(0), "mean": lambda t, x, v: x.mean(),
    "mean_dim": lambda t, x, v: x.mean(1), "mm": lambda t, x, v: x @ x, "mv": lambda t, x, v: x @ v,
    "dot": lambda t, x, v: v @ v, "view": lambda t, x, v: x.view(4), "select": lambda t, x, v: x[0],
    "permute": lambda t, x, v: x.T, "abs": lambda t, x, v: x.abs(), "clamp": lambda t, x, v: x.clamp(-1, 1),
    "max_all": lambda t, x, v: x.max(), "max_dim": lambda t, x, v: t.max(x, 1)[0],
    "cat": lambda t, x, v: t.cat([x, x]),
    "softmax": lambda t, x, v: t.nn.functional.softmax(x, 1),
    "log_softmax": lambda t, x, v: t.nn.functional.log_softmax(x, 1),
    "square": lambda t, x, v: x.square(), "to_double": lambda t, x, v: x.double(),
    "slice": lambda t, x, v: x[:, 1:], "index": lambda t, x, v: x[[1, 0]], "t": lambda t, x, v: x.t(),
    "transpose": lambda t, x, v: x.transpose(0, 1),
    "unsqueeze": lambda t, x, v: v.unsqueeze(0), "stack": lambda t, x, v: t.stack([v, v * 2]),
    "norm": lambda t, x, v: x.norm(), "std": lambda t, x, v: x.std(),
}
# functions that PyTorch computes as one operation and graphgrad builds from several: named as PyTorch names them
_F = {
    "linear": lambda F, x, v: F.linear(x, x, v), "linear_unbiased": lambda F, x, v: F.linear(x, x),
    "mse_loss": lambda F, x, v: F.mse_loss(x, x.detach() * 0.5),
    "mse_loss_sum": lambda F, x, v: F.mse_loss(x, x.detach() * 0.5, reduction="sum"),
    "mse_loss_none": lambda F, x, v: F.mse_loss(x, x.detach() * 0.5, reduction="none"),
    "binary_cross_entropy": lambda F, x, v: F.binary_cross_entropy(x.sigmoid(), (x.detach() > 0).float()),
    "binary_cross_entropy_with_logits": lambda F, x, v: F.binary_cross_entropy_with_logits(x, (x.detach() > 0).float()),
    "nll_loss": lambda F, x, v: F.nll_loss(F.log_softmax(x, 1), (v.detach() < 0).long()),
    "cross_entropy": lambda F, x, v: F.cross_entropy(x, (v.detach() < 0).long()),
    "cross_entropy_none": lambda F, x, v: F.cross_entropy(x, (v.detach() < 0).long(), reduction="none"),
    "leaky_relu": lambda F, x, v: F.leaky_relu(x), "elu": lambda F, x, v: F.elu(x), "selu": lambda F, x, v: F.selu(x),
    "gelu": lambda F, x, v: F.gelu(x), "gelu_tanh": lambda F, x, v: F.gelu(x, approximate="tanh"),
    "softplus": lambda F, x, v: F.softplus(x), "pad": lambda F, x, v: F.pad(x, (1, 1)),
    "conv2d": lambda F, x, v: F.conv2d(x.view(1, 1, 2, 2), x.view(1, 1, 2, 2), v[:1]),
    "max_pool2d": lambda F, x, v: F.max_pool2d(x.view(1, 1, 2, 2), 2),
    "avg_pool2d": lambda F, x, v: F.avg_pool2d(x.view(1, 1, 2, 2), 2),
}
MADE_BY.update({name: (lambda t, x, v, make=make: make(t.nn.functional, x, v)) for name, make in _F.items()})
MADE_BY.update({
    "nn_linear": lambda t, x, v: t.nn.Linear(2, 3)(x),
    "batch_norm": lambda t, x, v: t.nn.BatchNorm2d(1)(x.view(1, 1, 2, 2)),
})


def _grad_fn(torch, make):
    y = make(torch, _x(torch), _v(torch))
    return y.grad_fn.name(), tuple(f is None or f.name() for f, _ in y.grad_fn.next_functions)


def _blitz_chain(torch):
    """The names along the first operands from a loss back to a leaf, as the 60 Minute Blitz prints them."""
    x, v = _x(torch), _v(torch)
    function, names = torch.nn.functional.mse_loss(torch.nn.functional.linear(x, x, v).relu(), x.detach()).grad_fn, []
    while function is not None:
        names.append(function.name())
        function = function.next_functions[0][0] if function.next_functions else None
    return tuple(names), torch.nn.functional.linear(x, x, v).grad_fn.next_functions[2][0].next_functions[0][0].name()


def _index_names(torch):
    """PyTorch names x[key] by its last step (graphgrad takes the key in one step, so only the name is asked)."""
    x = _x(torch)
    return tuple(x[key].grad_fn.name() for key in ((0, slice(1, None)), (slice(1, None), 0), (Ellipsis, 1),
                                                     (None, 1), slice(0, 1), (torch.tensor([1, 0]),)))


def _retained(torch):
    x = _x(torch)
    y = x * x
    y.retain_grad()
    z = (y * 3).sum()
    z.retain_grad()
    (z * z).backward()
    return x.grad, y.grad, z.grad


def _grad(torch, **options):
    x, v = _x(torch), _v(torch)
    return torch.autograd.grad((x @ v).sin().sum(), [x, v], **options)


def _second(torch):
    x = _x(torch)
    g, = torch.autograd.grad((x ** 3).sin().sum(), x, create_graph=True)
    h, = torch.autograd.grad(g.sum(), x)
    return g.detach(), h


def _weighted(torch):
    x = _x(torch)
    return torch.autograd.grad([x * x, x.sum()], x, grad_outputs=[torch.tensor(M) * 0 + 2, torch.tensor(3.0)])


def _custom(torch):
    class Legendre3(torch.autograd.Function):
        """P3(x) = (5x³ - 3x)/2 with its derivative written by hand (PyTorch's own tutorial's example)."""
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    x = _x(torch)
    y = Legendre3.apply(x * 2)
    (y * y).sum().backward()
    return y.detach(), x.grad, y.grad_fn.name()


def _custom_clipped(torch):
    class ClipGrad(torch.autograd.Function):
        """Identity forward, a gradient clipped to [-1, 1] backward: a rule no formula of the forward gives."""
        @staticmethod
        def forward(ctx, input, scale):
            ctx.scale = scale
            return input * 1

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output.clamp(-1, 1) * ctx.scale, None

    x = _x(torch)
    (ClipGrad.apply(x, 0.5) * torch.tensor(M) * 3).sum().backward()
    return x.grad


def _view_of_a_changed_tensor(torch):
    """A recorded view taken before its tensor changed in place shows the change, and its gradient flows
    through it (PyTorch's views share memory)."""
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x * 1
    column, flat, turned = y[:, 2], y.view(6), y.t()
    y.mul_(2)
    (column * column).sum().backward(retain_graph=True)
    first = x.grad.clone()
    x.grad = None
    (flat[1] + turned[0, 1] * 10).backward()
    return column.detach(), flat.detach(), turned.detach(), first, x.grad


def _view_changed_after_its_tensor(torch):
    """A view changed in place after its tensor changed writes into the tensor as it is now."""
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x + 0
    v = y.view(2, 2)
    y.add_(10)
    v.mul_(2)
    y.sum().backward()
    return y.detach(), v.detach(), x.grad


def _view_used_before_the_change(torch):
    """What a view computed before its tensor changed keeps the values it was computed with."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[0:2]
    z = v * 10
    y.mul_(3)
    (z.sum() + v.sum()).backward()
    return z.detach(), v.detach(), x.grad


def _view_of_a_parameter_across_a_step(torch):
    """A view of a parameter taken before ``optimizer.step()`` shows the stepped parameter, and differentiates
    into it."""
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0, 3.0]))
    w = p[1:]
    optimizer = torch.optim.SGD([p], lr=0.25)
    (p * p).sum().backward()
    optimizer.step()
    optimizer.zero_grad()
    (w * 3).sum().backward()
    return w.detach(), p.grad


def _view_of_a_parameter_changed_under_no_grad(torch):
    """A parameter changed in place under ``no_grad``: its view shows the change and still differentiates into
    the parameter (the view keeps its grad_fn)."""
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0, 3.0]))
    w = p[1:]
    with torch.no_grad():
        p.mul_(2)
    (w * 3).sum().backward()
    return w.detach(), p.grad


def _optimizer_of_two_dtypes(torch):
    """One optimizer over a float16 and a float64 parameter: each steps in its own dtype (the float64 one with
    the float64 learning rate), its first step eagerly and the others traced."""
    a = torch.nn.Parameter(torch.tensor([1.0, 2.0], dtype=torch.float16))
    b = torch.nn.Parameter(torch.tensor([0.7, -0.3], dtype=torch.float64))
    optimizer = torch.optim.SGD([a, b], lr=0.1, momentum=0.9)
    for _ in range(4):
        optimizer.zero_grad()
        ((a.to(torch.float64) * b).sum() ** 2).backward()
        optimizer.step()
    return a.detach(), b.detach()


def _expanded_view_of_a_changed_tensor(torch):
    """``expand`` is a view too: it shows its tensor's later in-place change, and its gradient flows through it;
    one that repeats no element (a new axis of length 1) writes into its tensor."""
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x * 1
    rows, single = y[:1].expand_as(y), y.expand(1, 2, 3)
    y.mul_(3)
    single.add_(1)
    (rows * rows).sum().backward(retain_graph=True)
    first = x.grad.clone()
    x.grad = None
    (y * torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    return rows.detach(), single.detach(), y.detach(), first, x.grad


def _adamw(torch):
    """AdamW's decoupled weight decay (its default 0.01, and 0.1 with amsgrad), traced after its first step, and a
    learning rate changed mid-way."""
    results = []
    for options in ({"lr": 0.1}, {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True, "betas": (0.8, 0.9)}):
        w = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5]))
        optimizer = torch.optim.AdamW([w], **options)
        for step in range(5):
            if step == 3:
                optimizer.param_groups[0]["lr"] *= 0.5
            optimizer.zero_grad()
            ((w - 0.25) ** 2).sum().backward()
            optimizer.step()
        results.append(w.detach())
    return tuple(results)


CASES = {f"grad_fn/{name}": (lambda torch, make=make: _grad_fn(torch, make)) for name, make in MADE_BY.items()}
CASES.update({
    "blitz_chain": _blitz_chain,
    "index_names": _index_names,
    "retain_grad": _retained,
    "grad": _grad,
    "grad_second": _second,
    "grad_weighted": _weighted,
    "grad_unused": lambda torch: torch.autograd.grad((_x(torch) * 2).sum(), [_v(torch)], allow_unused=True)[0]
    is None,
    "custom": _custom,
    "custom_clipped": _custom_clipped,
    "view_of_a_changed_tensor": _view_of_a_changed_tensor,
    "view_changed_after_its_tensor": _view_changed_after_its_tensor,
    "view_used_before_the_change": _view_used_before_the_change,
    "view_of_a_parameter_across_a_step": _view_of_a_parameter_across_a_step,
    "expanded_view_of_a_changed_tensor": _expanded_view_of_a_changed_tensor,
    "view_of_a_parameter_changed_under_no_grad": _view_of_a_parameter_changed_under_no_grad,
    "optimizer_of_two_dtypes": _optimizer_of_two_dtypes,
    "adamw": _adamw,
})


test_as_pytorch = replay(CASES, DATA)


def test_leaves_have_no_grad_fn_and_print_like_pytorch():
    x = _x(torch)
    assert x.grad_fn is None and x.is_leaf and not (x * 2).is_leaf
    assert repr((x * 2).grad_fn) == "<MulBackward0 object>"
    assert repr(x.sum()).endswith("grad_fn=<SumBackward0>)")


def test_unused_input_and_constant_output_are_refused():
    x, v = _x(torch), _v(torch)
    with pytest.raises(ArgumentError, match="allow_unused=True"):
        torch.autograd.grad((x * 2).sum(), [x, v])
    with pytest.raises(ArgumentError, match="does not require grad"):
        torch.autograd.grad(torch.tensor(1.0), [x])
    with pytest.raises(ArgumentError, match="can't retain_grad"):
        torch.tensor(1.0).retain_grad()


def test_a_custom_backward_is_not_differentiated_again():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input * input

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 2 * input

    x = _x(torch)
    g, = torch.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g, np.multiply(M, 2))
    with pytest.raises(ArgumentError, match="cannot be differentiated again"):
        torch.autograd.grad((g * x).sum(), x)


def test_grad_mode_switches():
    x = _x(torch)
    with torch.no_grad():
        assert not torch.is_grad_enabled() and not (x * 2).requires_grad
        with torch.enable_grad():
            assert (x * 2).requires_grad
    with torch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert torch.is_grad_enabled()
    torch.set_grad_enabled(False)            # called alone: from now on
    try:
        assert not (x * 2).requires_grad
    finally:
        torch.set_grad_enabled(True)
    assert (x * 2).requires_grad
    from graphgrad.eager import tensor
    depth = len(tensor._recording)
    for mode in (False, True) * 50:          # switches called alone leave nothing behind
        torch.set_grad_enabled(mode)
    assert len(tensor._recording) == depth and torch.is_grad_enabled()
