"""Seed 002's PyTorch code with only its imports changed, against numbers recorded from real PyTorch 2.13
(``tests/torch/record_pytorch.py`` wrote ``data/``): outputs, losses, gradients and updated weights to 1e-5."""
from pathlib import Path

import numpy as np
import pytest

from graphgrad import torch
import graphgrad.torch.nn as nn
import graphgrad.torch.nn.functional as F
import graphgrad.torch.optim as optim
from graphgrad.eager import tracing

DATA = Path(__file__).resolve().parent / "data"
# name -> (optimizer class, its arguments), the same for torch.optim in record_pytorch.py and for the spelling here
OPTIMIZERS = {
    "sgd": ("SGD", dict(lr=0.01)),
    "sgd_momentum_nesterov_decay": ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    "adam": ("Adam", dict()),
    "adam_amsgrad_decay": ("Adam", dict(lr=0.01, weight_decay=1e-2, amsgrad=True)),
    "rmsprop": ("RMSprop", dict()),
    "rmsprop_centered_momentum": ("RMSprop", dict(lr=1e-3, momentum=0.5, centered=True)),
}


def make_optimizer(optim, name, parameters):
    """The optimizer ``name`` of ``OPTIMIZERS`` from the module ``optim`` (torch.optim or its spelling)."""
    kind, arguments = OPTIMIZERS[name]
    return getattr(optim, kind)(parameters, **arguments)


class Net(nn.Module):
    """Seed 002's network, verbatim (with the tutorial's num_flat_features)."""

    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 3x3 square convolution
        # kernel
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 6 * 6, 120)  # 6*6 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # Max pooling over a (2, 2) window
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # If the size is a square you can only specify a single number
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]  # all dimensions except the batch dimension
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


def batch_net(torch, nn, F):
    """Padding, strides, batch norm, average pooling and cross-entropy on a batch of 4, in the given spelling
    (real PyTorch in record_pytorch.py, graphgrad's here): one definition for the recording and the replay."""

    class BatchNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 4, 3, stride=2, padding=1, bias=False)   # a bias before batch norm: grad 0
            self.bn = nn.BatchNorm2d(4)
            self.fc = nn.Linear(4 * 2 * 2, 3)

        def forward(self, x):
            x = F.avg_pool2d(F.relu(self.bn(self.conv(x))), 2)
            return self.fc(torch.flatten(x, 1))
    return BatchNet


def recorded(name, net, optimizer, target_dtype=None):
    """A recording's numbers, with ``net`` given its initial weights: (data, input, target, the optimizer,
    the steps' names)."""
    data = np.load(DATA / f"{name}_{optimizer}.npz")
    net.load_state_dict({k[len("init/"):]: data[k] for k in data.files if k.startswith("init/")})
    steps = sorted({k.split("/")[0] for k in data.files if k.startswith("step")})
    return (data, torch.tensor(data["input"]), torch.tensor(data["target"], dtype=target_dtype),
            make_optimizer(optim, optimizer, net.parameters()), steps)


def replay(name, net, criterion, optimizer, target_dtype=None):
    """The recorded run repeated with the torch spelling, every number compared as it is made."""
    data, input, target, opt, steps = recorded(name, net, optimizer, target_dtype)
    for step in steps:
        # in your training loop:
        opt.zero_grad()   # zero the gradient buffers
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        # float32 outputs drift by up to 1.9e-6 from PyTorch's over three Adam steps, whatever order the
        # convolution sums in (NumPy's einsum or BLAS), so outputs near 0 are compared to 3e-6 absolutely
        np.testing.assert_allclose(output.detach().numpy(), data[f"{step}/output"], rtol=1e-5, atol=3e-6)
        assert loss.item() == pytest.approx(float(data[f"{step}/loss"]), rel=1e-5)
        if step == "step0":
            for k, p in net.named_parameters():
                np.testing.assert_allclose(p.grad.numpy(), data[f"grad/{k}"], rtol=1e-4, atol=1e-6, err_msg=k)
        opt.step()    # Does the update
    for k, v in net.state_dict().items():
        np.testing.assert_allclose(v.numpy(), data[f"final/{k}"], rtol=1e-5, atol=1e-6, err_msg=k)
    return net


def test_seed002_net_and_training_step_match_pytorch():
    replay("seed002", Net(), nn.MSELoss(), "sgd")


def test_seed002_step_compiled_in_nchw_matches_pytorch(monkeypatch):
    """The loop reading its numbers after each step, so the steps after the first are traced; the kernel is
    loaded once built, so the last step runs compiled (convolutions and pooling in NCHW, batch 1)."""
    monkeypatch.delenv("GRAPHGRAD_EAGER", raising=False)
    net, criterion = Net(), nn.MSELoss()
    data, input, target, opt, steps = recorded("seed002", net, "sgd")
    for step in steps:
        opt.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        opt.step()
        np.testing.assert_allclose(output.detach().numpy(), data[f"{step}/output"], rtol=1e-5, atol=3e-6)
        assert loss.item() == pytest.approx(float(data[f"{step}/loss"]), rel=1e-5)
        for program in tracing.programs(opt):
            program.load()
    for k, v in net.state_dict().items():
        np.testing.assert_allclose(v.numpy(), data[f"final/{k}"], rtol=1e-5, atol=1e-6, err_msg=k)
    [program] = tracing.programs(opt)
    assert program.compiled and program.calls == len(steps) - 1
    assert all(f"{helper}(" in program.source for helper in ("im2col_nchw", "max_pool_argmax", "add_at"))


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_optimizers_batch_norm_and_cross_entropy_match_pytorch(optimizer):
    net = replay("batchnet", batch_net(torch, nn, F)(), nn.CrossEntropyLoss(), optimizer, target_dtype=torch.int64)
    assert int(net.bn.num_batches_tracked.item()) == 3


def test_the_recorded_graph_of_one_step_renders():
    net = Net()
    loss = nn.MSELoss()(net(torch.randn(1, 1, 32, 32)), torch.randn(1, 10))
    graph, _ = __import__("graphgrad.eager", fromlist=["graph_of"]).graph_of(loss)
    names = {n.op.name for n in graph.nodes}
    assert {"conv2d", "max_pool2d", "matmul", "relu"} <= names
    assert "conv2d" in __import__("graphgrad.eager", fromlist=["draw"]).draw(loss)
