"""The lectures' own PyTorch training loops, written once, run by PyTorch and by graphgrad's spelling.

Two loops, each a function of the ``torch`` module it is given, so the only
change between the runs is the import:

- ``lenet``: the LeNet step of the backprop lecture (``zero_grad``, ``net(input)``,
  ``MSELoss``, ``backward``, ``step``; batch 64 of 1x32x32, SGD lr 0.01);
- ``tutorial``: the 2-4-4-1 two-moons net (``nn.Sequential``, SGD momentum 0.9,
  ``mse_loss``, batch 16 by ``randperm``), as ``w1_moons.py`` writes it.

Each runs as PyTorch eager (when installed), graphgrad's spelling traced (the
default: each step runs as one compiled program once its kernel is built;
the warm-up waits for it) and graphgrad's spelling eager (``GRAPHGRAD_EAGER=1``),
timed in turns; the tutorial loop also against the hand-written Numba loop of
``w1_moons.py``. Then both spellings' loss curves and weights are compared. First, the
cost of small-tensor operations and of an item update, against PyTorch's.
Run: ``python benchmarks/eager_loops.py [--steps N] [--threads 1] [--eager]`` (``--eager``: only
the per-operation costs and the eager LeNet step against PyTorch's).
"""
import argparse
import contextlib
import inspect
import os
import statistics
import time

from common import machine, optional, report, turn_ratios, turns

import numpy as np  # noqa: E402  (common sets the BLAS threads first)

import graphgrad.torch as gg_torch  # noqa: E402
from graphgrad.eager import tracing  # noqa: E402
from w1_moons import hand_numba  # noqa: E402
from graphgrad.datasets import moons  # noqa: E402
from tests.torch import test_pytorch_reference  # noqa: E402

COMPILE_WAIT = 300.0   # seconds the warm-up waits for a traced step's kernel


def lenet(torch):
    """The backprop lecture's LeNet (its class as ``tests/torch`` holds it, verbatim) and its training step."""
    namespace = {"nn": torch.nn, "F": torch.nn.functional}
    exec(inspect.getsource(test_pytorch_reference.Net), namespace)   # the same code under either import
    Net = namespace["Net"]
    nn = torch.nn
    torch.manual_seed(0)
    net = Net()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    rng = np.random.default_rng(0)
    data = [(torch.from_numpy(rng.normal(size=(64, 1, 32, 32)).astype(np.float32)),
             torch.from_numpy(rng.normal(size=(64, 10)).astype(np.float32))) for _ in range(4)]

    def steps(n):
        losses = []
        for i in range(n):
            input, target = data[i % len(data)]
            optimizer.zero_grad()
            output = net(input)
            loss = criterion(output, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses
    return steps, net, optimizer


def tutorial(torch):
    """The 2-4-4-1 net on two moons in PyTorch's spelling (``w1_moons.torch_eager``), one step per call."""
    X, labels = moons(256, seed=0)
    x, y = torch.from_numpy(X.astype(np.float32)), torch.from_numpy(labels.astype(np.float32).reshape(-1, 1))
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 4),
                                torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    order = np.random.default_rng(0).permutation(len(x))

    def steps(n):
        losses = []
        for i in range(n):
            b = i % (len(x) // 16)
            idx = torch.from_numpy(order[b * 16:(b + 1) * 16])
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses
    return steps, model, opt


@contextlib.contextmanager
def eager_only():
    """graphgrad's eager layer without tracing (``GRAPHGRAD_EAGER=1``)."""
    os.environ["GRAPHGRAD_EAGER"] = "1"
    try:
        yield
    finally:
        del os.environ["GRAPHGRAD_EAGER"]


def warmed(loop, torch, traced):
    """A loop's ``steps`` after a warm-up (for the traced spelling: until its step's kernel runs)."""
    steps, _, optimizer = loop(torch)
    steps(3)
    if traced:
        start = time.perf_counter()
        while not all(p.compiled for p in tracing.programs(optimizer)):
            if time.perf_counter() - start > COMPILE_WAIT:
                raise SystemExit(f"{loop.__name__}: the traced step's kernel was not ready after {COMPILE_WAIT} s")
            steps(20)
    return steps


def same_numbers(loop, n):
    """The largest differences between the traced and the eager spelling's losses and final weights."""
    traced_steps, traced_net, _ = loop(gg_torch)
    traced = traced_steps(n)
    with eager_only():
        eager_steps, eager_net, _ = loop(gg_torch)
        eager = eager_steps(n)
    weights = max(float(np.max(np.abs(a.detach().numpy() - b.detach().numpy())))
                  for a, b in zip(traced_net.parameters(), eager_net.parameters()))
    return float(np.max(np.abs(np.subtract(traced, eager)))), weights


def hand_written(n):
    """The tutorial net's hand-written Numba loop (``w1_moons.hand_numba``): ``n`` steps (16 an epoch)."""
    X, labels = moons(256, seed=0)
    X, Y = X.astype(np.float32), labels.astype(np.float32).reshape(-1, 1)
    rng = np.random.default_rng(0)
    p = [rng.normal(size=s).astype(np.float32) for s in ((2, 4), (4,), (4, 4), (4,), (4, 1), (1,))]
    v = tuple(np.zeros_like(a) for a in p)
    hand_numba(X, Y, *p, v, max(n // 16, 1), np.float32(0.1), np.float32(0.9), 0)


def _eagerly(steps):
    def run(n):
        with eager_only():
            return steps(n)
    return run


def per_operation(torch):
    """Small-tensor operations as a lecture's loops write them: ``a + b``, ``a * b`` and ``x.relu()`` on
    2-element tensors, ``w * w`` recorded (w requires grad), an item update ``N[3, 4] += 1`` of a 27x27
    int32 count table (the bigram lecture's inner loop) and ``loss.item()`` of a recorded loss; each a
    function running it ``n`` times."""
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, -4.0])
    counts = torch.zeros((27, 27), dtype=torch.int32)
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    loss = (w * w).sum()

    def add(n):
        for _ in range(n):
            a + b

    def mul(n):
        for _ in range(n):
            a * b

    def relu(n):
        for _ in range(n):
            b.relu()

    def recorded(n):
        for _ in range(n):
            w * w

    def update(n):
        for _ in range(n):
            counts[3, 4] += 1

    def item(n):
        for _ in range(n):
            loss.item()
    return {"a + b": add, "a * b": mul, "x.relu()": relu, "w * w, recorded": recorded, "N[3, 4] += 1": update,
            "loss.item()": item}


def operation_costs(torch, repeat, n=2000):
    """Print each operation's microseconds (the best turn, CPU time of this process: the operations are
    single-threaded Python and the machine may be loaded) and, with PyTorch, the ratio of the best turns and
    the range and median of the turns' ratios (each turn against PyTorch's turn beside it)."""
    operations = {"graphgrad": per_operation(gg_torch)}
    if torch is not None:
        operations["PyTorch"] = per_operation(torch)
    print(f"\nper operation (us, CPU time, best of {repeat} turns of {n})")
    for name in operations["graphgrad"]:
        times = turns({who: (lambda run=ops[name]: run(n)) for who, ops in operations.items()}, repeat,
                      clock=time.process_time)
        row = {who: min(t) / n * 1e6 for who, t in times.items()}
        ratio = ""
        if "PyTorch" in row:
            each = [g / p for g, p in zip(times["graphgrad"], times["PyTorch"])]
            ratio = (f" ({row['graphgrad'] / row['PyTorch']:.1f}x PyTorch; turns {min(each):.1f}-{max(each):.1f}x, "
                     f"median {statistics.median(each):.1f}x)")
        print(f"  {name:28s} " + ", ".join(f"{who} {us:.2f}" for who, us in row.items()) + ratio)


def eager_lenet(torch, n, repeat):
    """The LeNet step eagerly (``GRAPHGRAD_EAGER=1``: every operation computed as it is called, convolutions
    and pooling by the compiled helpers) against PyTorch eager, in turns, in wall time and in CPU time (the
    process's: with ``--threads 1``, what a loaded machine leaves alone)."""
    with eager_only():
        candidates = {"graphgrad spelling, eager (GRAPHGRAD_EAGER=1)": _eagerly(warmed(lenet, gg_torch, False))}
    if torch is not None:
        candidates["PyTorch eager"] = warmed(lenet, torch, False)
    for clock in (time.perf_counter, time.process_time):
        times = turns({name: (lambda run=run: run(n)) for name, run in candidates.items()}, repeat, clock=clock)
        rows = {name: (min(t) / n * 1e6, "us/step") for name, t in times.items()}
        report(f"lenet, eager, {clock.__name__}: {lenet.__doc__.splitlines()[0]}", rows, next(reversed(rows)))
        if torch is not None:
            turn_ratios(times, ["graphgrad spelling, eager (GRAPHGRAD_EAGER=1)"], "PyTorch eager", "PyTorch's")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50, help="steps per timed turn of the LeNet loop "
                        "(the tutorial loop takes 40 times as many)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (and PyTorch's)")
    parser.add_argument("--eager", action="store_true", help="only the per-operation costs and the eager "
                        "LeNet step (GRAPHGRAD_EAGER=1) against PyTorch's: no tracing, no kernel to wait for")
    args = parser.parse_args()
    print(machine())
    torch = optional("torch")
    if torch is not None and args.threads:
        torch.set_num_threads(args.threads)
    if args.eager:
        operation_costs(torch, args.repeat)
        eager_lenet(torch, args.steps, args.repeat)
        return
    print("\nfirst steps in this process (s): the first runs eagerly, the second is traced (its program built,"
          "\nits kernel's source generated, run on the interpreter while the kernel is built in the background)")
    for loop in (lenet, tutorial):
        steps, _, _ = loop(gg_torch)
        times = []
        for _ in range(2):
            start = time.perf_counter()
            steps(1)
            times.append(time.perf_counter() - start)
        print(f"  {loop.__name__:10s} first {times[0]:.3f}, second {times[1]:.3f}")
    operation_costs(torch, args.repeat)
    for loop, n in ((lenet, args.steps), (tutorial, args.steps * 40)):
        candidates = {"graphgrad spelling, traced": warmed(loop, gg_torch, True)}
        with eager_only():
            candidates["graphgrad spelling, eager (GRAPHGRAD_EAGER=1)"] = _eagerly(warmed(loop, gg_torch, False))
        if torch is not None:
            candidates["PyTorch eager"] = warmed(loop, torch, False)
        if loop is tutorial:
            hand_written(16)   # compile
            candidates["hand-written Numba loop"] = hand_written
        times = turns({name: (lambda run=run: run(n)) for name, run in candidates.items()}, args.repeat)
        rows = {name: (min(t) / n * 1e6, "us/step") for name, t in times.items()}
        base = "PyTorch eager" if torch is not None else "graphgrad spelling, eager (GRAPHGRAD_EAGER=1)"
        report(f"{loop.__name__}: {loop.__doc__.splitlines()[0]}", rows,
               "hand-written Numba loop" if loop is tutorial else base)
        checked = 3 * (16 if loop is tutorial else 4)
        losses, weights = same_numbers(loop, checked)
        print(f"  traced against eager over {checked} steps: losses differ by {losses:.2g}, "
              f"weights by {weights:.2g}")


if __name__ == "__main__":
    main()
