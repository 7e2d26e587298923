"""Randomness in the torch spelling: PyTorch's distributions (not its stream of numbers), repeatable with
``manual_seed`` or a seeded ``torch.Generator``; and the CPU as the one device. Shapes and dtypes are checked
against PyTorch in test_names.py."""
import numpy as np
import pytest

from graphgrad import torch
import graphgrad.torch.nn as nn
from graphgrad.errors import ArgumentError

N = 20000


def test_manual_seed_repeats_every_random_function():
    def draws():
        torch.manual_seed(7)
        return [torch.randn(3), torch.rand(3), torch.randint(0, 9, (3,)), torch.normal(0.0, 1.0, (3,)),
                torch.multinomial(torch.ones(5), 3), torch.randperm(4), nn.Linear(2, 2).weight.detach()]
    for first, again in zip(draws(), draws()):
        np.testing.assert_array_equal(first, again)


def test_a_generator_is_its_own_stream():
    g = torch.Generator().manual_seed(3)
    first = torch.randn(4, generator=g)
    torch.manual_seed(0)
    torch.randn(4)                                     # the default generator moves; g does not
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    np.testing.assert_array_equal(torch.randn(4, generator=g), first)


def test_normal_and_randint_have_pytorchs_distributions():
    g = torch.Generator().manual_seed(0)
    x = torch.normal(2.0, 3.0, size=(N,), generator=g).numpy()
    assert abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    means, stds = torch.tensor([[-5.0], [5.0]]), torch.tensor([[0.5], [2.0]])
    rows = torch.normal(means * torch.ones(2, N), stds * torch.ones(2, N), generator=g).numpy()
    np.testing.assert_allclose(rows.mean(axis=1), [-5.0, 5.0], atol=0.1)
    np.testing.assert_allclose(rows.std(axis=1), [0.5, 2.0], atol=0.05)
    k = torch.randint(-2, 3, (N,), generator=g).numpy()
    assert set(np.unique(k)) == {-2, -1, 0, 1, 2}
    np.testing.assert_allclose(np.bincount(k + 2) / N, 0.2, atol=0.015)


def test_multinomial_draws_in_proportion_to_the_weights():
    g = torch.Generator().manual_seed(0)
    weights = torch.tensor([1.0, 0.0, 3.0])               # not normalised, one impossible
    drawn = torch.multinomial(weights, N, replacement=True, generator=g).numpy()
    np.testing.assert_allclose(np.bincount(drawn, minlength=3) / N, [0.25, 0.0, 0.75], atol=0.015)
    firsts = np.array([torch.multinomial(weights, 2, generator=g).tolist() for _ in range(2000)])
    assert (firsts[:, 0] != firsts[:, 1]).all() and set(firsts.ravel()) == {0, 2}   # without replacement
    np.testing.assert_allclose((firsts[:, 0] == 2).mean(), 0.75, atol=0.03)
    assert sorted(torch.randperm(6, generator=g).tolist()) == list(range(6))


def test_the_cpu_is_the_only_device():
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert repr(device) == "device(type='cpu')" and str(torch.device("cuda:0")) == "cuda:0"
    x = torch.ones(2, device=device).to(device)
    assert x.device == device and nn.Linear(2, 1).to(device)(x).shape == (1,)
    with pytest.raises(ArgumentError, match="CPU only"):
        x.to("cuda")
    with pytest.raises(ArgumentError, match="CPU only"):
        torch.zeros(2, device=torch.device("cuda", 0))
