"""Compile time of the W1 and W2 training loops and the W3 gradient: cold (empty cache) and from the cache.

Each measurement runs in a new Python process (imports and building the
``graphgrad.nn`` model's step graph are included in neither number: the time
is that of ``compile_step`` / ``compile`` alone: passes, code generation, Numba). Targets:
under 3 s cold for W1 and W2, under 0.5 s from the cache. "cold" is a new graph
(empty kernel cache); "first ever" also compiles graphgrad's few runtime
helpers (Numba's own cache empty too), as right after installing.
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
from graphgrad.compiler import compile, compile_step
from w1_moons import seed003_model
from w2_mnist import seed004_model
what = {what!r}
if what != "W3":
    step = (seed003_model() if what == "W1" else seed004_model()).step_graph(16 if what == "W1" else 128)
start = time.perf_counter()
if what == "W3":
    compile(gg.parse("ln(x1) + x1*x2 - sin(x2)"), wrt=["x1", "x2"])
else:
    compile_step(step).load()
print(time.perf_counter() - start)
"""


def timed(what, folder, everything=False):
    """Seconds to compile ``what`` in a new process with kernel cache ``folder``; ``everything``: Numba's
    cache there too, so graphgrad's runtime helpers compile as well (a first run after installing)."""
    env = dict(os.environ, GRAPHGRAD_CACHE_DIR=folder, PYTHONPATH=str(ROOT))
    if everything:
        env["NUMBA_CACHE_DIR"] = os.path.join(folder, "numba")
    code = SCRIPT.format(benchmarks=str(ROOT / "benchmarks"), what=what)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main():
    print(machine())
    print(f"\n  {'kernel':6s} {'cold (s), best of 2':>20s} {'from cache (s)':>16s} {'first ever (s)':>16s}")
    for what in ("W1", "W2", "W3"):
        colds = []
        for _ in range(2):
            with tempfile.TemporaryDirectory() as folder:
                colds.append(timed(what, folder))
                warm = min(timed(what, folder) for _ in range(3))
        with tempfile.TemporaryDirectory() as folder:
            first = timed(what, folder, everything=True)
        print(f"  {what:6s} {min(colds):20.2f} {warm:16.3f} {first:16.2f}   "
              f"(cold runs: {', '.join(f'{c:.2f}' for c in colds)})")


if __name__ == "__main__":
    main()
