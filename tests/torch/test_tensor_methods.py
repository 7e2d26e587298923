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
