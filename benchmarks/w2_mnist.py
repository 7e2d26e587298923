"""W2: the seed 004 MNIST MLP (784-512-10 relu/softmax, RMSprop, batch 128), seconds per epoch.

The network is the real ``graphgrad.nn`` model, as a user writes it; its
training step (``model.step_graph(128)``) runs in graphgrad's compiled loop,
and ``model.fit`` is timed end to end as seed 004 writes it (``metrics=["accuracy"]``,
the default ``verbose=1``, its output to a file), and with ``validation_split=0.1``.
In the same run: the bare matrix products one epoch needs (NumPy/OpenBLAS: the
floor and the reference), the same step written by hand in NumPy, and PyTorch
eager when installed; each turn's ratio of ``fit`` to the bare products is
printed. Then 5 epochs of ``fit`` as written: the first epoch's training
accuracy (Keras' running mean) and the test accuracy.
Targets: ``fit`` within 1.3x of the bare products in every turn (1.4x with
validation), faster than every peer, test accuracy >= 0.978.
Run: ``python benchmarks/w2_mnist.py [--threads 1] [--data /work/shared/data/mnist] [--epochs 5] [--parallel]``.
"""
import argparse
import contextlib
import os
import time

from common import ROOT, load as load_average, machine, model_arrays, optional, report, threads, turn_ratios, turns

import numpy as np  # noqa: E402  (common sets the BLAS threads first)

from graphgrad import nn  # noqa: E402
from graphgrad.compiler import compile_step, train_loop  # noqa: E402
from graphgrad.datasets import load_mnist, to_categorical  # noqa: E402

BATCH = 128


def load(folder):
    """((x_train, y_train), (x_test, y_test)): float32 images in [0, 1] as rows of 784, one-hot labels."""
    (x, y), (x_test, y_test) = load_mnist(folder)
    def prepare(images, labels):
        return images.reshape(len(images), 784).astype(np.float32) / 255, to_categorical(labels, 10)
    return prepare(x, y), prepare(x_test, y_test)


def seed004_model(seed=0):
    """Seed 004's network: Dense(512, relu) -> Dense(10, softmax), RMSprop, categorical cross-entropy, accuracy."""
    model = nn.Sequential([nn.Dense(512, activation="relu", input_shape=(784,)),
                           nn.Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def fit_as_written(model, x, y, epochs, **options):
    """``network.fit(train_images, train_labels, epochs=..., batch_size=128)``, its progress bar to a file."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        return model.fit(x, y, epochs=epochs, batch_size=BATCH, backend="numba", **options)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (and PyTorch's)")
    parser.add_argument("--parallel", action="store_true", help="prange the large elementwise loops")
    args = parser.parse_args()
    print(machine())
    (x, y), (x_test, y_test) = load(args.data)
    batches = len(x) // BATCH
    model = seed004_model()
    step = model.step_graph(BATCH)
    start = time.perf_counter()
    compile_step(step, parallel=args.parallel).load()
    print(f"  compile (or load from the cache): {time.perf_counter() - start:.2f} s")
    params, state = model_arrays(model, step)
    w1, w2 = params[0].copy(), params[2].copy()
    hand_p, _ = model_arrays(model, step)
    hand_s = [np.zeros_like(p) for p in hand_p]
    fitted, validated = seed004_model(seed=1), seed004_model(seed=1)
    fit_as_written(fitted, x[:2 * BATCH], y[:2 * BATCH], 1)     # builds and compiles fit's kernels
    fit_as_written(validated, x[:2 * BATCH], y[:2 * BATCH], 1, validation_split=0.1)
    epoch = iter(range(10 ** 6))
    candidates = {
        "graphgrad compiled loop (step graph)": lambda: train_loop(step, x, y, params, state, 1, BATCH,
                                                                   seed=next(epoch), parallel=args.parallel),
        "graphgrad fit as written": lambda: fit_as_written(fitted, x, y, 1),
        "graphgrad fit, validation_split=0.1": lambda: fit_as_written(validated, x, y, 1, validation_split=0.1),
        "bare matrix products (NumPy)": lambda: bare_products(x, w1, w2, batches),
        "NumPy by hand": lambda: numpy_by_hand(x, y, hand_p, hand_s, batches),
    }
    torch = optional("torch")
    if torch is not None:
        if threads():
            torch.set_num_threads(threads())
        candidates["PyTorch eager"] = lambda: torch_epoch(torch, x, y, batches)
    times = turns(candidates, args.repeat)
    best = {name: min(t) for name, t in times.items()}
    report(f"W2: one epoch of the 784-512-10 MLP (float32, {batches} steps)",
           {k: (v, "s/epoch") for k, v in best.items()}, "bare matrix products (NumPy)")
    turn_ratios(times, ("graphgrad fit as written", "graphgrad fit, validation_split=0.1"),
                "bare matrix products (NumPy)", "bare products")
    model = seed004_model()
    start = time.perf_counter()
    history = fit_as_written(model, x, y, args.epochs)
    took = time.perf_counter() - start
    test = model.evaluate(x_test, y_test, return_dict=True)
    print(f"\n  model.fit as written, {args.epochs} epochs in {took:.2f} s, loss "
          f"{np.round(history.history['loss'], 4).tolist()}, accuracy (running mean) "
          f"{np.round(history.history['accuracy'], 4).tolist()}; test accuracy {test['accuracy']:.4f} "
          f"(load average {load_average()})")


if __name__ == "__main__":
    main()
