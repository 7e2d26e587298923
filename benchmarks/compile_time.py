"""Compile time of the W1 and W2 training loops and the W3 gradient: cold (empty cache), from the cache, and for a
model of the same structure with other sizes.

Each measurement runs in a new Python process (imports and building the
``graphgrad.nn`` model's step graph are included in neither number: the time
is that of ``compile_step`` / ``compile`` alone: passes, code generation, Numba).
Numba's own start in a process (installing its typing and lowering registries,
which imports SciPy's linear algebra) is timed first and apart: every Numba
program pays it once, at its first compile or cache load. Targets: under 3 s
cold for W1 and W2, under 0.3 s from the cache. "cold" is a new graph (empty
kernel cache); "other sizes" is W1 with a batch of 32 and W2 with 128 hidden
units and a batch of 64, after the seeds' models were compiled into the same
cache (shape-generic kernels: loaded, not compiled); "first ever" also compiles
graphgrad's few runtime helpers (Numba's own cache empty too), as right after
installing.
Run: ``python benchmarks/compile_time.py``.
"""
import os
import subprocess
import sys
import tempfile

from common import ROOT, machine

SCRIPT = """
import sys, time
sys.path.insert(0, {benchmarks!r})
import graphgrad as gg
from graphgrad import nn
from graphgrad.compiler import compile, compile_step
from w1_moons import seed003_model
from w2_mnist import seed004_model
what, other = {what!r}, {other!r}
if what == "W1":
    step = seed003_model().step_graph(32 if other else 16)
elif what == "W2" and other:
    model = nn.Sequential([nn.Dense(128, activation="relu", input_shape=(784,)), nn.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    step = model.step_graph(64)
elif what == "W2":
    step = seed004_model().step_graph(128)
start = time.perf_counter()
from numba.core.registry import cpu_target
cpu_target.typing_context.refresh()
cpu_target.target_context.refresh()
numba_start = time.perf_counter() - start
start = time.perf_counter()
if what == "W3":
    compile(gg.parse("ln(x1) + x1*x2 - sin(x2)"), wrt=["x1", "x2"])
else:
    compile_step(step).load()
print(numba_start, time.perf_counter() - start)
"""


def timed(what, folder, everything=False, other=False):
    """``(Numba's start, compile)`` in seconds for ``what`` in a new process with kernel cache ``folder``;
    ``everything``: Numba's cache there too, so graphgrad's runtime helpers compile as well (a first run after
    installing); ``other``: the model with other sizes."""
    env = dict(os.environ, GRAPHGRAD_CACHE_DIR=folder, PYTHONPATH=str(ROOT))
    if everything:
        env["NUMBA_CACHE_DIR"] = os.path.join(folder, "numba")
    code = SCRIPT.format(benchmarks=str(ROOT / "benchmarks"), what=what, other=other)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return tuple(float(v) for v in out.stdout.split()[-2:])


def main():
    print(machine())
    print(f"\n  {'kernel':6s} {'cold (s), best of 2':>20s} {'from cache (s)':>15s} {'other sizes (s)':>16s} "
          f"{'first ever (s)':>15s} {'Numba start (s)':>16s}")
    for what in ("W1", "W2", "W3"):
        colds, warm, others = [], [], []
        for _ in range(2):
            with tempfile.TemporaryDirectory() as folder:
                colds.append(timed(what, folder)[1])
                warm += [timed(what, folder) for _ in range(2)]
                if what != "W3":   # a gradient of scalars has no sizes
                    others.append(timed(what, folder, other=True)[1])
        with tempfile.TemporaryDirectory() as folder:
            first = timed(what, folder, everything=True)[1]
        other = f"{min(others):16.3f}" if others else f"{'-':>16s}"
        print(f"  {what:6s} {min(colds):20.2f} {min(t for _, t in warm):15.3f} {other} {first:15.2f} "
              f"{min(start for start, _ in warm):16.2f}   (cold runs: {', '.join(f'{c:.2f}' for c in colds)})")


if __name__ == "__main__":
    main()
