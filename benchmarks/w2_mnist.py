"""W2: the seed 004 MNIST MLP (784-512-10 relu/softmax, RMSprop, batch 128), seconds per epoch.

graphgrad's compiled training loop against, in the same run, the bare matrix
products one epoch needs (NumPy/OpenBLAS: the floor), the same step written
by hand in NumPy, and PyTorch eager when installed; then 5 epochs for test
accuracy. Target: within 1.3x of the bare products, accuracy >= 0.978.
Run: ``python benchmarks/w2_mnist.py [--data /work/shared/data/mnist] [--epochs 5]``.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np

from common import ROOT, interleaved, machine, optional, report

sys.path.insert(0, str(ROOT / "tests" / "compiler"))
from nets import glorot_values, mlp_step  # noqa: E402

from graphgrad.compiler import compile, compile_step, train_loop  # noqa: E402

BATCH = 128


def read_idx(path):
    """An IDX array (the MNIST file format), gzipped or not."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(folder):
    """((x_train, y_train), (x_test, y_test)) as float32 in [0, 1] and one-hot labels."""
    def part(images, labels):
        x = read_idx(os.path.join(folder, images)).reshape(-1, 784).astype(np.float32) / 255
        y = np.eye(10, dtype=np.float32)[read_idx(os.path.join(folder, labels))]
        return x, y
    return (part("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
            part("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"))


def bare_products(x, w1, w2, batches):
    """The matrix products of one epoch and nothing else: forward, both weight gradients, one input gradient."""
    h = np.empty((BATCH, 512), np.float32)
    o = np.empty((BATCH, 10), np.float32)
    g1 = np.empty((784, 512), np.float32)
    g2 = np.empty((512, 10), np.float32)
    dh = np.empty((BATCH, 512), np.float32)
    for b in range(batches):
        xb = x[b * BATCH:(b + 1) * BATCH]
        np.dot(xb, w1, out=h)
        np.dot(h, w2, out=o)
        np.dot(h.T, o, out=g2)
        np.dot(o, w2.T, out=dh)
        np.dot(xb.T, dh, out=g1)


def numpy_by_hand(x, y, params, slots, batches, lr=0.001, rho=0.9, eps=1e-7):
    """One epoch of the same step in NumPy by hand (in-place updates)."""
    w1, b1, w2, b2 = params
    order = np.random.default_rng(0).permutation(len(x))
    for b in range(batches):
        idx = order[b * BATCH:(b + 1) * BATCH]
        xb, yb = x[idx], y[idx]
        z = xb @ w1 + b1
        h = np.maximum(z, 0)
        logits = h @ w2 + b2
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        d = (p - yb) / BATCH
        dh = (d @ w2.T) * (z > 0)
        grads = (xb.T @ dh, dh.sum(0), h.T @ d, d.sum(0))
        for w, s, g in zip(params, slots, grads):
            s *= rho
            s += (1 - rho) * g * g
            w -= lr * g / (np.sqrt(s) + eps)


def torch_epoch(torch, x, y, batches):
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.argmax(1))
    order = torch.randperm(len(xt))
    for b in range(batches):
        idx = order[b * BATCH:(b + 1) * BATCH]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
        opt.step()


def accuracy(params, x, y):
    from graphgrad.ops import input as make_input
    import graphgrad as gg
    w1, b1, w2, b2 = (make_input(n, p.shape, np.float32) for n, p in zip("w1 b1 w2 b2".split(), params))
    xs = make_input("x", x.shape, np.float32)
    predict = compile(gg.Graph([gg.relu(xs @ w1 + b1) @ w2 + b2], [xs, w1, b1, w2, b2]))
    return float(np.mean(predict(x, *params).argmax(1) == y.argmax(1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--parallel", action="store_true", help="prange the large elementwise loops")
    args = parser.parse_args()
    print(machine())
    (x, y), (x_test, y_test) = load(args.data)
    batches = len(x) // BATCH
    step = mlp_step(BATCH)
    start = time.perf_counter()
    compile_step(step, parallel=args.parallel)
    print(f"  compile: {time.perf_counter() - start:.2f} s")
    params, state = glorot_values(step, seed=0)
    w1, w2 = params[0].copy(), params[2].copy()
    hand_p, _ = glorot_values(step, seed=0)
    hand_s = [np.zeros_like(p) for p in hand_p]
    epoch = iter(range(10 ** 6))
    candidates = {
        "graphgrad compiled loop": lambda: train_loop(step, x, y, params, state, 1, BATCH, seed=next(epoch),
                                                      parallel=args.parallel),
        "bare matrix products (NumPy)": lambda: bare_products(x, w1, w2, batches),
        "NumPy by hand": lambda: numpy_by_hand(x, y, hand_p, hand_s, batches),
    }
    torch = optional("torch")
    if torch is not None:
        candidates["PyTorch eager"] = lambda: torch_epoch(torch, x, y, batches)
    best = interleaved(candidates, args.repeat)
    report("W2: one epoch of the 784-512-10 MLP (float32, 468 steps)",
           {k: (v, "s/epoch") for k, v in best.items()}, "bare matrix products (NumPy)")
    params, state = glorot_values(step, seed=0)
    start = time.perf_counter()
    losses = train_loop(step, x, y, params, state, args.epochs, BATCH, seed=0, parallel=args.parallel)
    took = time.perf_counter() - start
    print(f"\n  {args.epochs} epochs in {took:.2f} s, losses {np.round(losses, 4).tolist()}, "
          f"test accuracy {accuracy(params, x_test, y_test):.4f}")


if __name__ == "__main__":
    main()
