"""Seed 004's MNIST network trained by graphgrad's fit: time per epoch and test accuracy, on either backend.

Dense(512, relu) -> Dense(10, softmax), RMSprop (Keras defaults), categorical
cross-entropy, batch 128, 5 epochs, float32 -- as in the seed, where Keras
reached test accuracy 0.9785. ``--backend numba`` (the default, as for fit)
runs the compiled training loop, ``--backend numpy`` the NumPy interpreter;
the first numba epoch includes compiling the training kernel unless it is in
the on-disk cache, so the compile time is measured and reported separately.
Alongside it, in the same run, the bare matrix products one epoch of this
network needs (forward + the two backward GEMMs), and one epoch of the same
network written by hand in NumPy (forward, backward, RMSprop), so graphgrad's
time is reported as ratios measured on the same machine in the same run (the
machine is shared: absolute times vary with load).

    PYTHONPATH=. python benchmarks/mnist_seed004.py [--backend numba|numpy] [--data ../shared/data/mnist]
                                                  [--epochs 5] [--limit N] [--blas-threads 1]
"""
import argparse
import os
import time


def parse_args():
    parser = argparse.ArgumentParser(description="Seed 004's MNIST network trained by graphgrad's fit")
    parser.add_argument("--backend", choices=("numba", "numpy"), default="numba",
                        help="fit's backend: the compiled loop (default) or the NumPy interpreter")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "..", "..", "shared", "data", "mnist"))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--verbose", type=int, default=2)
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="OPENBLAS_NUM_THREADS for this run (set before NumPy is imported)")
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None and ARGS.blas_threads:
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.blas_threads)

import numpy as np  # noqa: E402  (after the BLAS thread count is chosen)

from common import machine  # noqa: E402  (also puts the repository on sys.path)
from graphgrad import nn  # noqa: E402
from graphgrad.datasets import load_mnist, to_categorical  # noqa: E402


def bare_matmuls(x, batch_size=128, hidden=512, classes=10, dtype=np.float32):
    """Seconds for the GEMMs of one epoch (x@W1, h@W2, dW2, dh, dW1) with nothing else around them."""
    rng = np.random.default_rng(0)
    w1 = rng.normal(size=(x.shape[1], hidden)).astype(dtype)
    w2 = rng.normal(size=(hidden, classes)).astype(dtype)
    start = time.perf_counter()
    for s in range(0, len(x), batch_size):
        xb = x[s:s + batch_size]
        h = xb @ w1
        o = h @ w2
        _ = h.T @ o
        dh = o @ w2.T
        _ = xb.T @ dh
    return time.perf_counter() - start


def numpy_by_hand_epoch(x, y, batch_size=128, hidden=512, lr=0.001, rho=0.9, eps=1e-7):
    """Seconds for one epoch of the seed 004 network trained by hand-written NumPy (the usual reference)."""
    rng = np.random.default_rng(0)
    limit1, limit2 = np.sqrt(6 / (784 + hidden)), np.sqrt(6 / (hidden + 10))
    params = [rng.uniform(-limit1, limit1, (784, hidden)).astype(np.float32), np.zeros(hidden, np.float32),
              rng.uniform(-limit2, limit2, (hidden, 10)).astype(np.float32), np.zeros(10, np.float32)]
    velocity = [np.zeros_like(p) for p in params]
    order = rng.permutation(len(x))
    start = time.perf_counter()
    for s in range(0, len(x), batch_size):
        idx = order[s:s + batch_size]
        xb, yb = x[idx], y[idx]
        w1, b1, w2, b2 = params
        z = xb @ w1 + b1
        h = np.maximum(z, 0)
        logits = h @ w2 + b2
        e = np.exp(logits - logits.max(1, keepdims=True))
        g_logits = (e / e.sum(1, keepdims=True) - yb) / len(xb)
        g_h = (g_logits @ w2.T) * (z > 0)
        grads = [xb.T @ g_h, g_h.sum(0), h.T @ g_logits, g_logits.sum(0)]
        for p, v, g in zip(params, velocity, grads):
            v *= rho
            v += (1 - rho) * g * g
            p -= lr * g / np.sqrt(v + eps)
    return time.perf_counter() - start


def compile_steps(model, batch_size=128):
    """Seconds to compile (or load from the on-disk cache) the training loop fit will use (the last, partial
    batch runs in it too, masked)."""
    from graphgrad.compiler import compile_step
    start = time.perf_counter()
    compile_step(model.step_graph(batch_size)).load()
    return time.perf_counter() - start


def main(args):
    load_before = f"{os.getloadavg()[0]:.2f}"
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    y_train, y_test = to_categorical(y_train, 10), to_categorical(y_test, 10)
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]

    hand_before = numpy_by_hand_epoch(x_train, y_train)
    gemm_before = bare_matmuls(x_train)
    model = nn.Sequential([nn.Dense(512, activation="relu", input_shape=(784,)),
                           nn.Dense(10, activation="softmax")], seed=0)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    compile_time = compile_steps(model) if args.backend == "numba" else 0.0
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=args.verbose,
                        backend=args.backend)
    train_time = time.perf_counter() - start
    test_loss, test_acc = model.evaluate(x_test, y_test, batch_size=1000)
    gemm = (gemm_before + bare_matmuls(x_train)) / 2
    hand = (hand_before + numpy_by_hand_epoch(x_train, y_train)) / 2

    per_epoch = train_time / args.epochs
    print(f"train accuracy, running mean of each epoch: {[round(a, 4) for a in history.history['accuracy']]}")
    print(f"test loss {test_loss:.4f}  test accuracy {test_acc:.4f}  (seed 004 / Keras: 0.9785)")
    print(f"graphgrad fit, backend={args.backend}: {train_time:.1f} s for {args.epochs} epochs = "
          f"{per_epoch:.2f} s/epoch" + (f" (after {compile_time:.1f} s compiling the training kernel)"
                                        if args.backend == "numba" else ""))
    print(f"machine: {machine()}")
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average before/after: {load_before} / {os.getloadavg()[0]:.2f}")
    print(f"NumPy by hand, one epoch (same run, mean of before and after): {hand:.2f} s  ->  graphgrad/hand ratio {per_epoch / hand:.1f}x")
    print(f"bare matrix products of one epoch (same run, mean of before and after): {gemm:.2f} s  ->  "
          f"graphgrad/GEMM ratio {per_epoch / gemm:.1f}x")


if __name__ == "__main__":
    main(ARGS)
