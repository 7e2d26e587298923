"""Compile time of the W1 and W2 training loops and the W3 gradient: cold (empty cache) and from the cache.

Each measurement runs in a new Python process (imports included in neither
number: the time is that of ``compile_step`` / ``compile`` alone). Targets:
under 3 s cold for W1 and W2, under 0.5 s from the cache.
Run: ``python benchmarks/compile_time.py``.
"""
import os
import subprocess
import sys
import tempfile

from common import ROOT, machine

SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
import numpy as np
import graphgrad as gg
from graphgrad.compiler import compile, compile_step
from nets import mlp_step, moons_step
what = {what!r}
start = time.perf_counter()
if what == "W1":
    compile_step(moons_step(16, np.float32))
elif what == "W2":
    compile_step(mlp_step(128))
else:
    compile(gg.parse("ln(x1) + x1*x2 - sin(x2)"), wrt=["x1", "x2"])
print(time.perf_counter() - start)
"""


def timed(what, folder):
    env = dict(os.environ, GRAPHGRAD_CACHE_DIR=folder, PYTHONPATH=str(ROOT))
    code = SCRIPT.format(tests=str(ROOT / "tests" / "compiler"), what=what)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main():
    print(machine())
    print(f"\n  {'kernel':6s} {'cold (s)':>10s} {'from cache (s)':>16s}")
    for what in ("W1", "W2", "W3"):
        with tempfile.TemporaryDirectory() as folder:
            cold = timed(what, folder)
            warm = min(timed(what, folder) for _ in range(3))
        print(f"  {what:6s} {cold:10.2f} {warm:16.3f}")


if __name__ == "__main__":
    main()
