"""Record real PyTorch's numbers for the torch-spelling tests: ``python tests/torch/record_pytorch.py``.

Needs PyTorch (``pip install torch==2.13.0``, CPU); the tests read the .npz files
it writes to ``tests/torch/data/`` and never import torch. With fixed weights and
inputs it saves each step's outputs and losses, the first step's gradients and
the final weights: for seed 002's net with its SGD, and for a small CNN with
padding, strides, batch norm and average pooling under every optimizer.
"""
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from test_pytorch_reference import OPTIMIZERS, batch_net, make_optimizer   # what the tests replay (torch-free)

DATA = Path(__file__).resolve().parent / "data"
STEPS = 3


class Net(nn.Module):
    """Seed 002's LeNet, as the PyTorch tutorial writes it."""

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 6 * 6)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def record(name, make_net, x, target, criterion, optimizer):
    """Initial weights, each step's output, loss and gradients, the weights after the last step."""
    torch.manual_seed(0)
    net = make_net()
    data = {f"init/{k}": v.detach().numpy().copy() for k, v in net.state_dict().items()}
    data["input"], data["target"] = x.numpy(), target.numpy()
    opt = make_optimizer(optim, optimizer, net.parameters())
    for step in range(STEPS):
        opt.zero_grad()
        output = net(x)
        loss = criterion(output, target)
        loss.backward()
        data[f"step{step}/output"] = output.detach().numpy()
        data[f"step{step}/loss"] = np.array(loss.item())
        if step == 0:
            data.update({f"grad/{k}": p.grad.numpy().copy() for k, p in net.named_parameters()})
        opt.step()
    data.update({f"final/{k}": v.detach().numpy().copy() for k, v in net.state_dict().items()})
    np.savez_compressed(DATA / f"{name}_{optimizer}.npz", **data)


def main():
    DATA.mkdir(exist_ok=True)
    torch.manual_seed(1)
    x, target = torch.randn(1, 1, 32, 32), torch.randn(10).view(1, -1)
    record("seed002", Net, x, target, nn.MSELoss(), "sgd")
    torch.manual_seed(2)
    x, labels = torch.randn(4, 2, 8, 8), torch.tensor([0, 2, 1, 2])
    for optimizer in OPTIMIZERS:
        record("batchnet", batch_net(torch, nn, F), x, labels, nn.CrossEntropyLoss(), optimizer)
    print(f"wrote {len(OPTIMIZERS) + 1} files to {DATA} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
