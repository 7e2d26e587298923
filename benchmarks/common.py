"""Shared helpers of the benchmarks: timing side by side, the machine description, the results table.

``--threads N`` on a benchmark's command line sets the BLAS (and OpenMP) thread
count; it is read here, before NumPy is imported, because BLAS reads it only once.
"""
import os
import platform
import sys
import time
from pathlib import Path


def _blas_threads():
    if "--threads" in sys.argv[:-1]:
        count = sys.argv[sys.argv.index("--threads") + 1]
        os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = count


_blas_threads()

import numpy as np  # noqa: E402  (after the thread count is set)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_of(fn, repeat=5):
    """The fastest of ``repeat`` timed calls of ``fn()`` (seconds): the least disturbed by other work."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


SETTLE = 0.5   # seconds of rest before each timed turn


def turns(candidates, repeat=5, clock=time.perf_counter):
    """Every time of each named candidate, timed in turns so machine noise hits all alike.

    Each turn starts after a short rest: the thread pools of the previous candidate (OpenBLAS, PyTorch's
    OpenMP) keep spinning for a while after their work, and on two cores they would slow whoever comes next.
    ``clock=time.process_time`` counts this process's CPU time only: single-threaded Python on a loaded
    machine, where the time other processes hold the core would swamp the wall clock.
    """
    times = {name: [] for name in candidates}
    for _ in range(repeat):
        for name, fn in candidates.items():
            time.sleep(SETTLE)
            start = clock()
            fn()
            times[name].append(clock() - start)
    return times


def interleaved(candidates, repeat=5):
    """Best time of each named candidate, timed in turns so machine noise hits all alike."""
    return {name: min(times) for name, times in turns(candidates, repeat).items()}


def machine():
    """One line on the machine, threads and versions the numbers were measured with."""
    import numba
    import scipy
    threads = os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS") or "default"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} logical cores, BLAS threads {threads}; Python {platform.python_version()}, "
            f"NumPy {np.__version__}, SciPy {scipy.__version__}, Numba {numba.__version__} "
            f"(threading layer {numba.config.THREADING_LAYER}); load average {load()}")


def load():
    """The 1-minute load average now (the machine is shared: say how busy it was)."""
    return f"{os.getloadavg()[0]:.2f}"


def threads():
    """The BLAS thread count asked for with --threads, or None for the library's default."""
    return int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv[:-1] else None


def model_arrays(model, step):
    """Fresh copies of a ``graphgrad.nn`` model's weights and initial optimizer state, in the step's order
    (what ``train_loop`` updates in place)."""
    from graphgrad.nn.step import initial_state
    weights = model.weights
    state = initial_state(model, weights)
    return ([np.ascontiguousarray(weights[n.name]) for n in step.params],
            [np.array(state[n.name], dtype=n.dtype) for n in step.state])


def optional(name):
    """The module ``name`` if installed, else None (the benchmark says it skipped that peer)."""
    try:
        return __import__(name)
    except ImportError:
        print(f"  ({name} is not installed: skipped)")
        return None


def turn_ratios(times, names, reference, what):
    """Print each named candidate's turns as ratios to ``reference``'s turn of the same round, and their
    median: a measure that drifts of the machine's speed between rounds leave alone."""
    for name in names:
        ratios = [a / b for a, b in zip(times[name], times[reference])]
        print(f"  {name}, each turn / {what} of that turn: {', '.join(f'{r:.2f}x' for r in ratios)} "
              f"(median {np.median(ratios):.2f}x)")


def report(title, rows, reference):
    """Print a table of times per unit and ratios to ``reference``."""
    print(f"\n{title}")
    base = rows[reference]
    for name, (value, unit) in rows.items():
        print(f"  {name:38s} {value:12.4g} {unit:10s} {value / base[0]:7.2f}x")
