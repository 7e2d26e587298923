"""Ctrl-C during ``fit`` on the compiled loop: how long until KeyboardInterrupt reaches the caller.

Seed 004's network trains on MNIST (``fit`` as the seed writes it, its progress bar to a file); a timer
thread sends SIGINT to the process at a few moments after training starts, and the time from the signal to
the KeyboardInterrupt is measured, with the steps the model kept. Target: within half a second.
Run: ``python benchmarks/interrupt.py [--data DIR] [--turns 5] [--threads 1]``.
"""
import argparse
import contextlib
import os
import signal
import threading
import time

from common import ROOT, machine

import numpy as np  # noqa: E402  (common sets the BLAS threads first)

from graphgrad import nn  # noqa: E402
from w2_mnist import BATCH, load, seed004_model  # noqa: E402


def interrupted_fit(model, x, y, after):
    """Seconds from SIGINT (sent ``after`` s into training) to the KeyboardInterrupt, and the steps kept."""
    sent = []

    def interrupt():
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)
    start = nn.LambdaCallback(on_train_begin=lambda logs=None: threading.Timer(after, interrupt).start())
    try:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            model.fit(x, y, epochs=5, batch_size=BATCH, backend="numba", callbacks=[start])
    except KeyboardInterrupt:
        return time.perf_counter() - sent[0], int(model._state["optimizer/iterations"])
    raise RuntimeError("fit finished before the signal")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads")
    args = parser.parse_args()
    print(machine())
    (x, y), _ = load(args.data)
    model = seed004_model()
    model.fit(x[:BATCH], y[:BATCH], epochs=1, batch_size=BATCH, verbose=0, backend="numba")  # compile
    latencies = []
    for after in np.linspace(0.5, 2.5, args.turns):
        before = int(model._state["optimizer/iterations"])
        latency, steps = interrupted_fit(model, x, y, after)
        steps -= before
        latencies.append(latency)
        print(f"  SIGINT {after:.2f} s into fit: KeyboardInterrupt {latency * 1e3:.0f} ms later, {steps} steps kept")
    print(f"  worst {max(latencies) * 1e3:.0f} ms, median {np.median(latencies) * 1e3:.0f} ms (target < 500 ms)")


if __name__ == "__main__":
    main()
