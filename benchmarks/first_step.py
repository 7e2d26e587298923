"""Time to first step (issue 20): a person at a notebook, in a new process with an empty kernel cache.

Each measurement runs in a new Python process with an empty ``GRAPHGRAD_CACHE_DIR``
and the default backend ("auto": the interpreter from the first step, the
compiled loop once it is built in the background). Timed from the call:
- ``fit``, ``evaluate``, ``predict``: until the first chunk of steps (or batch) has
  run, for W1 (seed 003's 2-4-4-1 net), W2 (seed 004's 784-512-10 MLP) and W4 (LeNet);
- the seed 003 tutorial: ``fit`` with 500 epochs, to its return;
- LeNet: 2 epochs of ``fit`` plus ``evaluate`` on the test set, tiered ("auto") and
  compiled first ("numba"), against PyTorch eager doing the same in the same kind of
  process, with the same threads.
Targets: first step, evaluate and predict within 0.5 s; the tutorial within 1.0 s;
LeNet at most 0.8x PyTorch.
Run: ``python benchmarks/first_step.py [--repeat 5] [--threads 2] [--data DIR]``.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from common import ROOT, machine, optional

CASE = r"""
import json, sys, time
sys.path.insert(0, {benchmarks!r})
import numpy as np
from graphgrad import nn
from graphgrad.compiler import Run, TieredGraph
from graphgrad.datasets import load_mnist, moons
from graphgrad.datasets import to_categorical

what = {what!r}
if what == "W1":
    from w1_moons import seed003_model as build
    x, y = moons(256, noise=0.1, seed=0)
    xt, yt, batch, epochs = x, y, 16, 500
elif what == "W2":
    from w2_mnist import seed004_model as build, load
    (x, y), (xt, yt) = load({data!r})
    batch, epochs = 128, 1
else:
    from w4_lenet import lenet as build, load
    (x, y), (xt, yt) = load({data!r})
    batch, epochs = 64, 2
model = build()
times, now = {{}}, {{"name": None, "start": 0.0, "stop": False}}


class First(Exception):
    pass    # raised after fit's first chunk when only the time to it is measured


def recorded(real):
    # ``real``, noting when its first call within the measured call ``now["name"]`` returned
    def timed(*args, **kwargs):
        result = real(*args, **kwargs)
        if now["name"] not in times:
            times[now["name"]] = time.perf_counter() - now["start"]
            if now["stop"]:
                raise First
        return result
    return timed


def call(name, fn, stop=False):
    now.update(name=name, start=time.perf_counter(), stop=stop)
    try:
        fn()
    except First:
        pass
    times[name + " total"] = time.perf_counter() - now["start"]


Run.advance = recorded(Run.advance)
TieredGraph.__call__ = recorded(TieredGraph.__call__)
if {tutorial!r}:
    call("fit", lambda: model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, backend={backend!r}))
    if what == "W4":
        call("evaluate", lambda: model.evaluate(xt, yt, verbose=0, backend={backend!r}))
else:
    call("fit", lambda: model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0), stop=True)
    call("evaluate", lambda: model.evaluate(xt, yt, verbose=0))
    call("predict", lambda: model.predict(xt))
print(json.dumps(times))
"""

TORCH = r"""
import json, sys, time
sys.path.insert(0, {benchmarks!r})
import numpy as np
import torch
from w4_lenet import load, torch_epoch, torch_lenet
if {threads!r}:
    torch.set_num_threads({threads!r})
(x, y), (xt, yt) = load({data!r})
start = time.perf_counter()
torch.manual_seed(0)
net = torch_lenet(torch)
images, labels = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y.argmax(1))
for _ in range(2):
    torch_epoch(torch, net, images, labels)
with torch.no_grad():
    test = torch.from_numpy(xt.transpose(0, 3, 1, 2).copy())
    logits = net(test)
    loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(yt.argmax(1)))
    accuracy = (logits.argmax(1).numpy() == yt.argmax(1)).mean()
print(json.dumps({{"total": time.perf_counter() - start}}))
"""


def fresh_process(code, threads):
    """The JSON a new process with an empty kernel cache prints for ``code``."""
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, GRAPHGRAD_CACHE_DIR=folder, PYTHONPATH=str(ROOT))
        env.pop("GRAPHGRAD_BACKEND", None)
        if threads:
            env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr)
        return json.loads(out.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    print(machine())
    benchmarks = str(ROOT / "benchmarks")

    def case(what, tutorial=False, backend=None):
        code = CASE.format(benchmarks=benchmarks, what=what, data=args.data, tutorial=tutorial, backend=backend)
        return [fresh_process(code, args.threads) for _ in range(args.repeat)]

    def cell(runs, key):
        values = sorted(r[key] for r in runs)
        return f"{statistics.median(values):.2f} ({values[0]:.2f}-{values[-1]:.2f})"

    print(f"\n  Time to first step, new process, empty cache: median (min-max) of {args.repeat} runs, seconds")
    print(f"  {'model':6s} {'fit: first chunk':>22s} {'evaluate: first batch':>22s} {'predict: first batch':>22s}")
    for what in ("W1", "W2", "W4"):
        runs = case(what)
        print(f"  {what:6s} {cell(runs, 'fit'):>22s} {cell(runs, 'evaluate'):>22s} {cell(runs, 'predict'):>22s}")

    runs = case("W1", tutorial=True)
    print(f"\n  seed 003 tutorial, fit with 500 epochs: {cell(runs, 'fit total')} s (target <= 1.0 s)")

    print(f"\n  LeNet, 2 epochs + evaluate, median (min-max) of {args.repeat} runs, seconds:")
    medians = {}
    for backend in ("auto", "numba"):
        totals = [r["fit total"] + r["evaluate total"] for r in case("W4", tutorial=True, backend=backend)]
        medians[backend] = statistics.median(totals)
        print(f"    graphgrad, backend {backend:5s}    {medians[backend]:6.2f} ({min(totals):.2f}-{max(totals):.2f})")
    if optional("torch") is not None:
        code = TORCH.format(benchmarks=benchmarks, data=args.data, threads=args.threads)
        totals = [fresh_process(code, args.threads)["total"] for _ in range(args.repeat)]
        reference = statistics.median(totals)
        print(f"    PyTorch eager             {reference:6.2f} ({min(totals):.2f}-{max(totals):.2f})")
        print("    ratios to PyTorch: " + ", ".join(f"{b} {m / reference:.2f}x" for b, m in medians.items())
              + " (target <= 0.8x)")


if __name__ == "__main__":
    main()
