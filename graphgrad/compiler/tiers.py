"""Tiered execution: start at once on the interpreter, move to the compiled kernel when it is ready.

A person at a notebook should not wait for Numba. ``TieredStep`` (a chunk
runner for ``loop.Run``) and ``TieredGraph`` (a callable graph, for
``evaluate`` and ``predict``) run on the NumPy interpreter from the first
step. The kernel's source is generated at once (passes and code generation,
10-50 ms); a kernel this process has loaded is used from the first step, and
one the cache holds is loaded by a background thread (``background``). Any
other is compiled, by Numba in another process, once the interpreter's time
on the graph, spent and foreseen, passes ``TIER_UP_SECONDS``, about what a
compile costs. The next chunk or call after the kernel is ready runs
compiled. A short run (the training lecture's 2-4-4-1 net) finishes on the
interpreter and never waits for a compile.

The switch is between two steps: the interpreter and the kernel run the same
steps on the same shuffles and noise (the generator's state moves with the
switch), so the weights match those of a run on either tier alone to float
tolerance. A graph the code generator refuses, or a compile that fails, leaves
the run on the interpreter, with one warning line.
"""
import sys
import time

from ..backends.numpy_backend import outputs
from ..errors import UnknownNameError
from .loop import Interpreted, batches_per_epoch
from .passes import deduplicated

TIER_UP_SECONDS = 2.0    # interpreted seconds (spent and foreseen) from which a kernel is compiled: about a compile


class Tier:
    """One graph's compiled object, made now (passes and code generation), and the interpreter's time on it."""

    def __init__(self, make, what):
        from .codegen import CompileError
        self.what, self.seconds, self.build, self.compiled = what, 0.0, None, None
        try:
            self.candidate = make()
        except CompileError as exc:
            self.candidate = None
            self._warn(exc)
            return
        if self.candidate.in_process():
            self.compiled = self.candidate.load()
        elif self.candidate.on_disk():
            self._start()

    def _start(self):
        from .background import Build
        self.build = Build(self.candidate)

    def _warn(self, reason):
        print(f"graphgrad: warning: {self.what} runs on the interpreter: {reason}", file=sys.stderr)

    def time(self, seconds, foreseen=0.0):
        """Count ``seconds`` of interpreting; start the compile once spent and ``foreseen`` pass the threshold."""
        self.seconds += seconds
        waiting = self.build is None and self.compiled is None and self.candidate is not None
        if waiting and self.seconds + foreseen > TIER_UP_SECONDS:
            self._start()

    def ready(self):
        """The compiled object once loaded; None before, and after a failure (told once)."""
        if self.compiled is None and self.build is not None:
            if not self.build.ready:
                time.sleep(0)   # hand the GIL to the loading thread: a loop of small steps would starve it
                return None
            if self.build.error:
                self._warn(self.build.error)
                self.candidate = None
            else:
                self.compiled = self.candidate
            self.build = None
        return self.compiled


class TieredStep:
    """A chunk runner of a StepGraph: the interpreter's chunks until the compiled loop is ready, then its."""

    def __init__(self, step, parallel=False):
        def make():
            from .executor import compile_step
            return compile_step(step, parallel=parallel)
        self.step_graph = step
        self.interpreted = Interpreted(step)
        self.tier = Tier(make, "the training loop")
        self.compiled, self.measured = None, None   # measured: interpreted [seconds, steps] after the first chunk

    def check(self, params, state):
        self.interpreted.check(params, state)

    def rng_state(self):
        return (self.compiled or self.interpreted).rng_state()

    def set_rng_state(self, state):
        self.interpreted.set_rng_state(state)
        if self.compiled is not None:
            self.compiled.set_rng_state(state)

    def chunk(self, data_x, data_y, params, state, order, seed, first, epochs, shuffle, position, steps,
              to_epoch_end, totals):
        """As ``CompiledStep.chunk``, on whichever tier is ready."""
        args = (data_x, data_y, params, state, order, seed, first, epochs, shuffle, position, steps,
                to_epoch_end, totals)
        if self.compiled is None and self.tier.ready() is not None:
            self.compiled = self.tier.compiled
            self.compiled.set_rng_state(self.interpreted.rng_state())   # the noise goes on where it was
        if self.compiled is not None:
            return self.compiled.chunk(*args)
        batches = batches_per_epoch(self.step_graph, len(data_x))
        before, start = int(position[0]) * batches + int(position[1]), time.perf_counter()
        loss = self.interpreted.chunk(*args)
        done, elapsed = int(position[0]) * batches + int(position[1]) - before, time.perf_counter() - start
        foreseen = 0.0
        if self.measured is None:   # the first chunk's speed includes one-time costs: the foresight waits
            self.measured = [0.0, 0]
        else:                       # the mean speed of the chunks since, steadier than the last chunk's
            self.measured = [self.measured[0] + elapsed, self.measured[1] + done]
            foreseen = self.measured[0] / max(self.measured[1], 1) * (epochs * batches - before - done)
        self.tier.time(elapsed, foreseen)
        return loss


class TieredGraph:
    """A graph called with its inputs' arrays: on the interpreter until its compiled kernel is ready."""

    def __init__(self, graph):
        def make():
            from .executor import CompiledGraph
            return CompiledGraph(graph)
        self.graph = graph
        self.interpreted = deduplicated(graph)   # each value computed once: a sixth fewer operations in a step
        self.ids = [n.id for n in self.interpreted.inputs]
        self.tier = Tier(make, "evaluation")

    def __call__(self, *arrays):
        compiled = self.tier.ready()
        if compiled is not None:
            return compiled(*arrays)
        start = time.perf_counter()
        values = outputs(self.interpreted, dict(zip(self.ids, arrays)))
        self.tier.time(time.perf_counter() - start)
        return values


BACKENDS = ("auto", "numba", "numpy")


def known_backend(backend):
    """``backend``, or an error naming the known ones."""
    if backend not in BACKENDS:
        raise UnknownNameError(f"unknown backend '{backend}': the known backends are {', '.join(BACKENDS)}")
    return backend


def runner(step, backend="numba", parallel=False):
    """What runs chunks of ``step``: "auto" (the interpreter, then the compiled loop once built in the
    background), "numba" (the compiled loop, compiled or loaded now) or "numpy" (the interpreter)."""
    if known_backend(backend) == "numpy":
        return Interpreted(step)
    from .executor import compile_step
    if backend == "numba":
        return compile_step(step, parallel=parallel).load()
    return TieredStep(step, parallel)
