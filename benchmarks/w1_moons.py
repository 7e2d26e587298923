"""W1: the seed 003 net (2-4-4-1 sigmoid, MSE, SGD momentum 0.9, batch 16, 256 two-moons points, 2,000 epochs).

The network is the real ``graphgrad.nn`` model; its training step
(``model.step_graph(16)``) runs in graphgrad's compiled loop, against a
hand-written Numba loop of the same network and arithmetic (float32) in the
same run, and NumPy by hand; PyTorch eager when installed. ``model.fit`` is
timed end to end in the same rotation as the seed writes it (``metrics=["mse"]``,
and again with ``["accuracy"]``): ``verbose=0`` (target within 1.3x of the
hand-written Numba loop), ``verbose=1`` with the progress bar written to a file
(target 1.5x), and with a callback acting at every epoch end (which makes each
chunk stop there).
Run: ``python benchmarks/w1_moons.py [--epochs N] [--threads 1]``.
"""
import argparse
import contextlib
import os

from common import interleaved, machine, model_arrays, optional, report, turn_ratios, turns

import numpy as np  # noqa: E402  (common sets the BLAS threads first)
from numba import njit  # noqa: E402

from graphgrad import nn  # noqa: E402
from graphgrad.compiler import Run, compile_step, train_loop  # noqa: E402
from graphgrad.datasets import moons  # noqa: E402

DT = np.float32


@njit(cache=True)
def _sig(z):
    return np.float32(1) / (np.float32(1) + np.exp(-z))


@njit(cache=True)
def hand_numba(X, Y, W1, b1, W2, b2, W3, b3, V, epochs, lr, mom, seed):
    """The whole loop by hand: explicit loops, preallocated buffers, shuffle inside."""
    n, B = X.shape[0], 16
    order = np.arange(n)
    h1 = np.empty((B, 4), np.float32); h2 = np.empty((B, 4), np.float32); o = np.empty(B, np.float32)
    d3 = np.empty(B, np.float32); d2 = np.empty((B, 4), np.float32); d1 = np.empty((B, 4), np.float32)
    gW1 = np.empty((2, 4), np.float32); gW2 = np.empty((4, 4), np.float32); gW3 = np.empty(4, np.float32)
    gb1 = np.empty(4, np.float32); gb2 = np.empty(4, np.float32)
    vW1, vb1, vW2, vb2, vW3, vb3 = V
    np.random.seed(seed)
    last = 0.0
    for epoch in range(epochs):
        np.random.shuffle(order)
        total = 0.0
        for b in range(n // B):
            for r in range(B):
                i = order[b * B + r]
                for j in range(4):
                    h1[r, j] = _sig(X[i, 0] * W1[0, j] + X[i, 1] * W1[1, j] + b1[j])
                for j in range(4):
                    z = b2[j]
                    for k in range(4):
                        z += h1[r, k] * W2[k, j]
                    h2[r, j] = _sig(z)
                z = b3[0]
                for k in range(4):
                    z += h2[r, k] * W3[k, 0]
                o[r] = _sig(z)
                e = o[r] - Y[i, 0]
                total += e * e
                d3[r] = np.float32(2.0 / B) * e * o[r] * (np.float32(1) - o[r])
            gb3 = np.float32(0)
            for k in range(4):
                gW3[k] = 0; gb2[k] = 0; gb1[k] = 0
                for j in range(4):
                    gW2[k, j] = 0
                gW1[0, k] = 0; gW1[1, k] = 0
            for r in range(B):
                gb3 += d3[r]
                for k in range(4):
                    gW3[k] += h2[r, k] * d3[r]
                    d2[r, k] = d3[r] * W3[k, 0] * h2[r, k] * (np.float32(1) - h2[r, k])
                for k in range(4):
                    gb2[k] += d2[r, k]
                    s = np.float32(0)
                    for j in range(4):
                        gW2[k, j] += h1[r, k] * d2[r, j]
                        s += d2[r, j] * W2[k, j]
                    d1[r, k] = s * h1[r, k] * (np.float32(1) - h1[r, k])
                i = order[b * B + r]
                for k in range(4):
                    gb1[k] += d1[r, k]
                    gW1[0, k] += X[i, 0] * d1[r, k]
                    gW1[1, k] += X[i, 1] * d1[r, k]
            for k in range(4):
                for j in range(4):
                    vW2[k, j] = mom * vW2[k, j] - lr * gW2[k, j]; W2[k, j] += vW2[k, j]
                vW3[k, 0] = mom * vW3[k, 0] - lr * gW3[k]; W3[k, 0] += vW3[k, 0]
                vb2[k] = mom * vb2[k] - lr * gb2[k]; b2[k] += vb2[k]
                vb1[k] = mom * vb1[k] - lr * gb1[k]; b1[k] += vb1[k]
                vW1[0, k] = mom * vW1[0, k] - lr * gW1[0, k]; W1[0, k] += vW1[0, k]
                vW1[1, k] = mom * vW1[1, k] - lr * gW1[1, k]; W1[1, k] += vW1[1, k]
            vb3[0] = mom * vb3[0] - lr * gb3; b3[0] += vb3[0]
        last = total / n
    return last


def numpy_by_hand(X, Y, P, V, epochs, lr, mom, seed):
    """The same loop in NumPy, one array operation at a time."""
    W1, b1, W2, b2, W3, b3 = P
    rng = np.random.default_rng(seed)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for b in range(len(X) // 16):
            idx = order[b * 16:(b + 1) * 16]
            x, y = X[idx], Y[idx]
            h1 = sig(x @ W1 + b1); h2 = sig(h1 @ W2 + b2); o = sig(h2 @ W3 + b3)
            d3 = (2 / 16) * (o - y) * o * (1 - o)
            d2 = (d3 @ W3.T) * h2 * (1 - h2)
            d1 = (d2 @ W2.T) * h1 * (1 - h1)
            grads = (x.T @ d1, d1.sum(0), h1.T @ d2, d2.sum(0), h2.T @ d3, d3.sum(0))
            for p, v, g in zip(P, V, grads):
                v *= mom; v -= lr * g; p += v


def torch_eager(torch, X, Y, epochs):
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 4),
                                torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for b in range(len(x) // 16):
            idx = order[b * 16:(b + 1) * 16]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x[idx]), y[idx])
            loss.backward()
            opt.step()


def seed003_model(seed=0, metrics=("mse",)):
    """Seed 003's network: Dense(4, sigmoid) -> Dense(4, sigmoid) -> Dense(1, sigmoid), MSE, SGD(0.1, momentum 0.9)."""
    model = nn.Sequential([nn.Dense(4, activation="sigmoid", input_shape=(2,)), nn.Dense(4, activation="sigmoid"),
                           nn.Dense(1, activation="sigmoid")], seed=seed)
    model.compile(optimizer=nn.SGD(learning_rate=0.1, momentum=0.9), loss="mse", metrics=list(metrics))
    return model


def fit_as_written(model, X, Y, epochs, verbose=0, callbacks=None):
    """``model.fit`` as seed 003 calls it; verbose output goes to a file (as when a notebook logs it)."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        model.fit(X, Y, epochs=epochs, batch_size=16, verbose=verbose, backend="numba", callbacks=callbacks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads")
    args = parser.parse_args()
    print(machine())
    X, labels = moons(256, seed=0)
    X, Y = X.astype(DT), labels.astype(DT).reshape(-1, 1)
    model = seed003_model()
    step = model.step_graph(16)
    compile_step(step).load()
    steps = args.epochs * (len(X) // 16)
    params, state = model_arrays(model, step)
    hand_p = [p.copy() for p in params]
    hand_v = tuple(np.zeros_like(p) for p in hand_p)
    hand_p[5] = hand_p[5].reshape(1)
    hand_numba(X, Y, *hand_p, hand_v, 1, np.float32(0.1), np.float32(0.9), 0)  # compile
    fits = {"graphgrad fit, metrics=['mse'], verbose=0": (seed003_model(1), {}),
            "graphgrad fit, metrics=['accuracy'], verbose=0": (seed003_model(1, ["accuracy"]), {}),
            "graphgrad fit, metrics=['mse'], verbose=1": (seed003_model(1), {"verbose": 1}),
            "graphgrad fit + epoch-end callback": (
                seed003_model(1), {"callbacks": [nn.LambdaCallback(on_epoch_end=lambda epoch, logs: None)]})}
    for model, options in fits.values():
        fit_as_written(model, X, Y, 1, **options)         # compile (or load) its kernel
    def one_call():
        """The same loop with no chunks: every step in one compiled call (what chunking is measured against)."""
        Run(compile_step(step), X, Y, params, state, args.epochs, seed=1).advance(steps=steps)

    candidates = {
        "graphgrad compiled loop (chunks)": lambda: train_loop(step, X, Y, params, state, args.epochs, 16, seed=1),
        "graphgrad compiled loop (one call)": one_call,
        "hand-written Numba loop": lambda: hand_numba(X, Y, *hand_p, hand_v, args.epochs, np.float32(0.1),
                                                      np.float32(0.9), 1),
        **{name: (lambda model=model, options=options: fit_as_written(model, X, Y, args.epochs, **options))
           for name, (model, options) in fits.items()},
    }
    times = turns(candidates, args.repeat)
    rows = {name: (min(t) / steps * 1e6, "us/step") for name, t in times.items()}
    small = max(args.epochs // 50, 1)
    np_p = [p.copy() for p in params]
    np_v = [np.zeros_like(p) for p in params]
    rows["NumPy by hand"] = (interleaved({"": lambda: numpy_by_hand(X, Y, np_p, np_v, small, 0.1, 0.9, 1)}, 1)[""]
                             / (small * 16) * 1e6, "us/step")
    torch = optional("torch")
    if torch is not None:
        rows["PyTorch eager (1 thread)"] = (interleaved({"": lambda: torch_eager(torch, X, Y, small)}, 1)[""]
                                            / (small * 16) * 1e6, "us/step")
    report(f"W1: {steps} steps of the 2-4-4-1 net (float32)", rows, "hand-written Numba loop")
    turn_ratios(times, [name for name in fits if "callback" not in name], "hand-written Numba loop",
                "the hand-written loop")


if __name__ == "__main__":
    main()
