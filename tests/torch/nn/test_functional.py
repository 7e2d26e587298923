"""``torch.nn.functional`` on graphgrad ops: PyTorch's arguments mean what they mean in PyTorch."""
import numpy as np
import pytest

from graphgrad import torch
import graphgrad.torch.nn as nn
import graphgrad.torch.nn.functional as F
from tests.ops.test_convolution import reference_padded_average


@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool2d_counts_the_padding_as_asked(count_include_pad):
    x = np.random.default_rng(0).normal(size=(2, 3, 5, 4)).astype(np.float32)
    expected = reference_padded_average(x.transpose(0, 2, 3, 1), 3, 2, 1, count_include_pad).transpose(0, 3, 1, 2)
    y = F.avg_pool2d(torch.tensor(x), 3, stride=2, padding=1, count_include_pad=count_include_pad)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5)
    module = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=count_include_pad)
    np.testing.assert_array_equal(module(torch.tensor(x)).numpy(), y.numpy())


def test_relu_in_place_changes_its_input_and_keeps_the_gradient():
    w = torch.tensor([-1.0, 2.0, 3.0], requires_grad=True)
    h = w * 2.0
    out = nn.ReLU(inplace=True)(h)
    assert out is h and h.tolist() == [0.0, 4.0, 6.0]
    (h * h).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 16.0, 24.0])     # d(2w)²/dw = 8w where 2w > 0
    x = torch.tensor([-1.0, 1.0])
    assert F.relu(x).tolist() == [0.0, 1.0] and x.tolist() == [-1.0, 1.0]
