"""``torch.nn.functional``'s activations, padding and losses, ``torch.gather`` and their modules, against values
and gradients recorded from PyTorch 2.13 (``tests/torch/record_names.py`` wrote
``tests/torch/data/functional.npz``)."""
from pathlib import Path

import numpy as np
import pytest

from graphgrad import torch
from graphgrad.errors import ArgumentError
from tests.torch.recorded import replay

DATA = Path(__file__).resolve().parents[1] / "data" / "functional.npz"
Z = [[-3.0, -0.5, 0.0, 0.25], [1.5, -1.25, 4.0, 30.0]]     # both signs, a zero, a large logit
P = [[0.1, 0.5, 0.9, 0.999], [0.25, 0.75, 0.01, 0.6]]      # probabilities
Y = [[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.25, 1.0]]          # targets (one soft)
# float64: in float32, 1 + erf(x/√2) cancels at x = -3, where PyTorch's float32 GELU is 1e-4 off
Z64 = np.array(Z)


def with_grad(f, values=Z):
    """``f`` as a case: its value at ``values`` and the gradient of (value · weights).sum(), weights fixed."""
    def case(torch):
        x = torch.tensor(values, requires_grad=True)
        y = f(torch, x)
        weights = torch.arange(1, y.numel() + 1, dtype=y.dtype).reshape(y.shape) / 7
        (y * weights).sum().backward()
        return y.detach(), x.grad
    return case


def F(torch):
    return torch.nn.functional


CASES = {
    "gelu": with_grad(lambda t, x: F(t).gelu(x), Z64),
    "gelu_tanh": with_grad(lambda t, x: F(t).gelu(x, approximate="tanh")),
    "leaky_relu": with_grad(lambda t, x: F(t).leaky_relu(x)),
    "leaky_relu_slope": with_grad(lambda t, x: F(t).leaky_relu(x, 0.2)),
    "elu": with_grad(lambda t, x: F(t).elu(x, alpha=0.5)),
    "selu": with_grad(lambda t, x: F(t).selu(x)),
    "softplus": with_grad(lambda t, x: F(t).softplus(x)),
    "softplus_beta": with_grad(lambda t, x: F(t).softplus(x, beta=2)),
    "erf": with_grad(lambda t, x: t.erf(x)),
    "pad_last": with_grad(lambda t, x: F(t).pad(x, (1, 2))),
    "pad_two_value": with_grad(lambda t, x: F(t).pad(x, (0, 1, 2, 0), value=-1.5)),
    "gather_rows": with_grad(lambda t, x: t.gather(x, 1, t.tensor([[3, 0], [1, 1]]))),
    "gather_columns": with_grad(lambda t, x: x.gather(0, t.tensor([[1, 0, 1, 0]]))),
    "bce": with_grad(lambda t, x: F(t).binary_cross_entropy(x, t.tensor(Y)), P),
    "bce_sum_weight": with_grad(lambda t, x: F(t).binary_cross_entropy(x, t.tensor(Y), t.tensor([1., 2, 3, 4]),
                                                                        reduction="sum"), P),
    "bce_logits": with_grad(lambda t, x: F(t).binary_cross_entropy_with_logits(x, t.tensor(Y))),
    "bce_logits_pos_weight": with_grad(lambda t, x: F(t).binary_cross_entropy_with_logits(
        x, t.tensor(Y), pos_weight=t.tensor([1.0, 2.0, 0.5, 3.0]), reduction="none")),
    "nll": with_grad(lambda t, x: F(t).nll_loss(F(t).log_softmax(x, 1), t.tensor([3, 0]))),
    "nll_weight_sum": with_grad(lambda t, x: F(t).nll_loss(x, t.tensor([1, 2]), weight=t.tensor([1., 2, 3, 4]),
                                                            reduction="sum")),
    "nll_weight_mean_ignore": with_grad(lambda t, x: F(t).nll_loss(
        t.cat([x, x]), t.tensor([1, 2, -100, 0]), weight=t.tensor([1., 2, 3, 4]))),
    "module_gelu": with_grad(lambda t, x: t.nn.GELU()(x), Z64),
    "module_leaky_relu": with_grad(lambda t, x: t.nn.LeakyReLU(0.1)(x)),
    "module_elu": with_grad(lambda t, x: t.nn.ELU()(x)),
    "module_softplus": with_grad(lambda t, x: t.nn.Softplus(beta=0.5)(x)),
    "module_log_softmax": with_grad(lambda t, x: t.nn.LogSoftmax(dim=1)(x)),
    "module_softmax": with_grad(lambda t, x: t.nn.Softmax(dim=0)(x)),
    "module_bce": with_grad(lambda t, x: t.nn.BCELoss()(x, t.tensor(Y)), P),
    "module_bce_logits": with_grad(lambda t, x: t.nn.BCEWithLogitsLoss(pos_weight=t.tensor(2.0))(x, t.tensor(Y))),
    "module_nll": with_grad(lambda t, x: t.nn.NLLLoss(reduction="none")(x, t.tensor([0, 3]))),
    "module_batch_norm1d": with_grad(lambda t, x: t.nn.BatchNorm1d(4)(x)),
    "module_batch_norm1d_sequence": with_grad(lambda t, x: t.nn.BatchNorm1d(2, affine=False)(x.reshape(2, 2, 2))),
}


def batch_norm_running(torch):
    """Two training batches move the running statistics; evaluation then uses them; the module's repr."""
    norm = torch.nn.BatchNorm1d(4, momentum=0.25)
    for scale in (1.0, 3.0):
        norm(torch.tensor(Z) * scale)
    norm.eval()
    return norm.running_mean, norm.running_var, norm(torch.tensor(P)).detach(), repr(norm)


CASES["module_batch_norm1d_running"] = batch_norm_running


test_as_pytorch = replay(CASES, DATA)


def test_in_place_activation_changes_the_tensor():
    x = torch.tensor(Z)
    assert torch.nn.functional.leaky_relu(x, 0.5, inplace=True) is x
    np.testing.assert_allclose(x, np.where(np.array(Z) > 0, Z, np.multiply(Z, 0.5)))


def test_bad_arguments_are_refused_in_one_line():
    x = torch.tensor(Z)
    with pytest.raises(ArgumentError, match="class indices must be in 0..3"):
        torch.nn.functional.nll_loss(x, torch.tensor([0, 4]))
    with pytest.raises(ArgumentError, match="padding length must be even"):
        torch.nn.functional.pad(x, (1, 2, 3))
    with pytest.raises(ArgumentError, match="approximate must be"):
        torch.nn.functional.gelu(x, approximate="erf")
    with pytest.raises(ArgumentError, match="as many dimensions"):
        x.gather(1, torch.tensor([0, 1]))
