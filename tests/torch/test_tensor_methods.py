"""The torch spelling's tensors: dtypes as PyTorch makes them, gradients that accumulate until zero_grad,
recording switched off by no_grad, refusals with one clear line, and PyTorch's default initialisation."""
import math

import numpy as np
import pytest

from graphgrad import torch
import graphgrad.torch.nn as nn
from graphgrad.errors import ArgumentError


def test_tensor_dtypes_follow_pytorch():
    assert torch.tensor([1.0, 2.0]).dtype == torch.float32
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert torch.tensor(np.array([1.0])).dtype == torch.float64     # arrays keep theirs
    assert torch.randn(2, 3).size() == (2, 3) and torch.zeros((2, 3)).numel() == 6


def test_gradients_accumulate_until_zeroed():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0]) + 3)
    linear = nn.Linear(3, 2)
    linear(x.view(1, 3)).sum().backward()
    np.testing.assert_allclose(linear.bias.grad.numpy(), [1.0, 1.0])
    linear.zero_grad()
    assert linear.bias.grad is None


def test_no_grad_records_nothing_and_misuse_is_refused():
    w = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = (w * 2).sum()
    assert not y.requires_grad and y.is_leaf
    with pytest.raises(ArgumentError, match="does not require grad"):
        y.backward()
    with pytest.raises(ArgumentError, match="only for scalar outputs"):
        (w * 2).backward()
    with pytest.raises(ArgumentError, match="detach"):
        w.numpy()
    with pytest.raises(ArgumentError, match="missing keys.*unexpected keys \\['extra'\\]"):
        nn.Linear(2, 2).load_state_dict({"weight": np.zeros((2, 2)), "extra": np.zeros(1)})


def test_default_initialisation_is_kaiming_uniform_with_a_sqrt5():
    """Linear(in, out): weight and bias uniform in ±1/sqrt(in), so variance 1/(3·in)."""
    torch.manual_seed(0)
    layer = nn.Conv2d(16, 64, 3)
    bound = 1 / math.sqrt(16 * 3 * 3)
    weights = layer.weight.detach().numpy()
    assert np.abs(weights).max() <= bound and np.abs(layer.bias.detach().numpy()).max() <= bound
    assert weights.var() == pytest.approx(bound ** 2 / 3, rel=0.05)
    torch.manual_seed(0)
    np.testing.assert_array_equal(nn.Conv2d(16, 64, 3).weight.detach().numpy(), weights)   # seeded


def test_shape_methods_are_numpys_and_carry_the_gradient():
    """unsqueeze, squeeze, permute, transpose, reshape against NumPy; the gradient of a weighted sum through
    all of them is the weights put back in place."""
    values = np.arange(24.0).reshape(2, 3, 4)
    x = torch.tensor(values, requires_grad=True)
    y = x.unsqueeze(1).permute(3, 1, 0, 2).squeeze(1).transpose(0, 2).reshape(6, 4)
    expected = np.transpose(values[:, None].transpose(3, 1, 0, 2)[:, 0], (2, 1, 0)).reshape(6, 4)
    np.testing.assert_array_equal(y.detach().numpy(), expected)
    assert x.squeeze(0).shape == (2, 3, 4) and x.unsqueeze(-1).shape == (2, 3, 4, 1)   # PyTorch's rules
    weights = np.linspace(-1.0, 1.0, 24).reshape(6, 4)
    (y * torch.tensor(weights)).sum().backward()
    inverse = np.zeros(24)
    np.put(inverse, np.transpose(np.arange(24).reshape(2, 3, 4)[:, None].transpose(3, 1, 0, 2)[:, 0],
                                 (2, 1, 0)).reshape(-1), weights.reshape(-1))
    np.testing.assert_array_equal(x.grad.numpy(), inverse.reshape(2, 3, 4))


def test_joining_and_making_functions():
    a, b = torch.ones(2, 3), torch.zeros(1, 3)
    np.testing.assert_array_equal(torch.cat([a, b]).numpy(), np.concatenate([np.ones((2, 3)), np.zeros((1, 3))]))
    assert torch.stack([a, a * 2], dim=1).shape == (2, 2, 3)
    assert torch.arange(5).dtype == torch.int64 and torch.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert torch.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert torch.empty(2, 3).tolist() == [[0.0] * 3] * 2 and torch.zeros_like(a, dtype=torch.int64).dtype == torch.int64
    assert torch.ones_like(b).tolist() == [[1.0] * 3] and torch.rand(4, 2).shape == (4, 2)
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.cat([w, w * 3]).sum().backward()       # the gradient flows through every piece
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 4.0])


def test_arithmetic_and_dtype_methods():
    x, y = torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[0.5, 0.0], [1.0, -1.0]])
    np.testing.assert_array_equal(torch.add(x, y, alpha=2).numpy(), x.numpy() + 2 * y.numpy())
    np.testing.assert_array_equal(x.mm(y).numpy(), x.numpy() @ y.numpy())
    np.testing.assert_array_equal(x.matmul(y).numpy(), torch.matmul(x, y).numpy())
    assert x.type() == "torch.FloatTensor" and x.type(torch.float64).type() == "torch.DoubleTensor"
    assert x.type("torch.LongTensor").dtype == torch.int64
    assert x.to(torch.int64).tolist() == [[1, 2], [3, 4]] and x.to("cpu") is x
    with pytest.raises(ArgumentError, match="CPU only"):
        x.to("cuda:0")
    w = torch.tensor([1.5, -2.0], requires_grad=True)
    (w.double() * w.double()).sum().backward()            # a float cast is recorded, as in PyTorch
    assert w.grad.dtype == torch.float32 and w.grad.tolist() == [3.0, -4.0]
    c = w.clone()
    with torch.no_grad():
        w.zero_()
    assert c.tolist() == [1.5, -2.0] and not c.is_leaf    # a clone is a copy that keeps the history


@pytest.mark.parametrize("bounds", [dict(min=2.0), dict(max=2.0), dict(min=2.0, max=3.0), dict(min=1.0, max=2.0)])
def test_clamp_at_a_bound_passes_the_whole_gradient_as_pytorch_does(bounds):
    """PyTorch 2 gives 1.0 for each of these at x = 2 (a bound): clamp's gradient is 1 on the closed interval."""
    x = torch.tensor(2.0, requires_grad=True)
    x.clamp(**bounds).backward()
    assert x.grad.item() == 1.0


@pytest.mark.parametrize("values, name", [([1, 2, 3], "Long"), ([True, False], "Bool")])
def test_the_mean_of_integers_is_refused_as_pytorch_refuses_it(values, name):
    """PyTorch 2.13 raises, rather than pick a dtype, for the mean of an integer or boolean tensor."""
    with pytest.raises(ArgumentError, match=rf"mean\(\): could not infer output dtype\. .* Got: {name}$"):
        torch.tensor(values).mean()
    assert torch.tensor(values).float().mean().item() == pytest.approx(np.mean(values))
    assert torch.tensor(values).mean(dtype=torch.float64).dtype == torch.float64     # as PyTorch 2.13
    with pytest.raises(ArgumentError, match=rf"Optional dtype must be .* Got: Long$"):
        torch.tensor(values).mean(dtype=torch.int64)
