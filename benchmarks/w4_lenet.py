"""W4: LeNet on the real MNIST through ``fit`` (seconds per epoch) against PyTorch eager in the same run.

LeNet as the issue gives it: 28x28x1 -> conv 6@3x3 relu -> maxpool 2 -> conv 16@3x3 relu -> maxpool 2 ->
dense 120 relu -> 84 relu -> 10 softmax; SGD lr 0.01 momentum 0.9, batch 64, categorical cross-entropy.
graphgrad: ``model.fit(..., metrics=["accuracy"])`` in the compiled loop (``backend="numba"``: the kernel
loaded, the steady state; ``first_step.py`` times the default, tiered start), the path users take. PyTorch:
the same net in NCHW with ``torch.optim.SGD`` on the same threads. Then two epochs of ``fit`` from fresh
weights for the test accuracy. Target: no slower than PyTorch eager; test accuracy >= 0.97.
Run: ``python benchmarks/w4_lenet.py [--threads 2] [--data /work/shared/data/mnist] [--repeat 2]``.
"""
import argparse
import time

from common import ROOT, interleaved, load as load_average, machine, optional, report, threads

import numpy as np  # noqa: E402  (common sets the BLAS threads first)

from graphgrad import nn  # noqa: E402
from graphgrad.datasets import load_mnist, to_categorical  # noqa: E402

BATCH = 64


def load(folder):
    """((x_train, y_train), (x_test, y_test)): float32 images in [0, 1] as (n, 28, 28, 1), one-hot labels."""
    (x, y), (x_test, y_test) = load_mnist(folder)
    def prepare(images, labels):
        return images.reshape(len(images), 28, 28, 1).astype(np.float32) / 255, to_categorical(labels, 10)
    return prepare(x, y), prepare(x_test, y_test)


def lenet(seed=0):
    model = nn.Sequential([
        nn.Conv2D(6, 3, activation="relu", input_shape=(28, 28, 1)), nn.MaxPooling2D(2),
        nn.Conv2D(16, 3, activation="relu"), nn.MaxPooling2D(2), nn.Flatten(),
        nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"), nn.Dense(10, activation="softmax")],
        seed=seed)
    model.compile(optimizer=nn.SGD(0.01, momentum=0.9), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def torch_lenet(torch):
    F = torch.nn.functional

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = torch.nn.Conv2d(1, 6, 3), torch.nn.Conv2d(6, 16, 3)
            self.fc1, self.fc2, self.fc3 = torch.nn.Linear(400, 120), torch.nn.Linear(120, 84), torch.nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = torch.flatten(x, 1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
    return Net()


def torch_epoch(torch, net, x, labels):
    """One epoch of shuffled mini-batches, as a PyTorch user writes it."""
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    order = torch.randperm(len(x))
    for start in range(0, len(x), BATCH):
        idx = order[start:start + BATCH]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x[idx]), labels[idx]).backward()
        opt.step()


def accuracy(model, x, y):
    return float(np.mean(model.predict(x, batch_size=1000).argmax(1) == y.argmax(1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (and PyTorch's)")
    args = parser.parse_args()
    print(machine())
    (x, y), (x_test, y_test) = load(args.data)

    model = lenet()
    start = time.perf_counter()
    model.fit(x[:2 * BATCH], y[:2 * BATCH], epochs=1, batch_size=BATCH, verbose=0, backend="numba")   # compiles
    print(f"  cold start of fit (step graph, passes, code generation, Numba compile or cache load): "
          f"{time.perf_counter() - start:.2f} s")
    candidates = {"graphgrad model.fit (numba, metrics=accuracy)":
                  lambda: model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0, backend="numba")}
    torch = optional("torch")
    if torch is not None:
        if threads():
            torch.set_num_threads(threads())
        net = torch_lenet(torch)
        xt, labels = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y.argmax(1))
        candidates["PyTorch eager"] = lambda: torch_epoch(torch, net, xt, labels)
    best = interleaved(candidates, args.repeat)
    reference = "PyTorch eager" if torch is not None else next(iter(candidates))
    report(f"W4: one epoch of LeNet on MNIST (float32, batch {BATCH}, {len(x)} samples)",
           {k: (v, "s/epoch") for k, v in best.items()}, reference)

    model = lenet(seed=1)
    start = time.perf_counter()
    history = model.fit(x, y, epochs=2, batch_size=BATCH, verbose=0)
    print(f"\n  model.fit, 2 epochs in {time.perf_counter() - start:.2f} s, losses "
          f"{np.round(history.history['loss'], 4).tolist()}, test accuracy {accuracy(model, x_test, y_test):.4f} "
          f"(load average {load_average()})")


if __name__ == "__main__":
    main()
