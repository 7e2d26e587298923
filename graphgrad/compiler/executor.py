"""Compiled graphs as Python callables, and the compiled training loop for a StepGraph.

``compile(graph)`` runs the passes, generates a Numba module, loads it through
the on-disk cache and returns a callable; ``train_loop(step, ...)`` runs epochs
of mini-batch steps inside compiled code (shuffling included), in chunks (see
``loop.Run``). ``backend="numpy"`` runs the same loop on the NumPy
interpreter, with the same shuffles and noise, as the reference.
"""
import collections
import os

import numpy as np

from ..autodiff import grad_graph
from ..backends.numpy_backend import bind
from ..errors import InputValueError, ShapeError
from . import cache, kernels
from .codegen import CompileError, NoLowering
from .fallback import InterpretedGraph
from .fusion import fuse
from .lowering import lower
from .loop import Run, batches_per_epoch, dataset, step_inputs, totals
from .passes import optimize
from .tiers import runner


def prepare(graph, passes=True):
    """The graph as the code generator takes it: lowered, optimised and fused (or only lowered and fused)."""
    graph = lower(graph)
    return fuse(optimize(graph) if passes else graph)


def _use_workqueue():
    """Select Numba's workqueue threading layer **for the whole process**, unless a layer was chosen.

    Numba's parallel loops with the OpenMP layer ran 7-8x slower here. This sets
    ``numba.config.THREADING_LAYER``, so every parallel Numba function in the
    process (graphgrad's or not) uses workqueue. It changes nothing when the user
    chose: ``$NUMBA_THREADING_LAYER`` or ``$NUMBA_THREADING_LAYER_PRIORITY`` set,
    or the layer already set (Numba's config file, or in code); nor once Numba has
    started its threads, after which the layer cannot change. Returns whether it set it.
    """
    import numba
    from numba.np.ufunc import parallel
    chosen = {"NUMBA_THREADING_LAYER", "NUMBA_THREADING_LAYER_PRIORITY"} & set(os.environ)
    if chosen or numba.config.THREADING_LAYER != "default" or parallel._is_initialized:
        return False
    numba.config.THREADING_LAYER = "workqueue"
    return True


class _Generated:
    """A generated module (``source``), compiled or loaded from the cache when first used."""
    _module = None

    def module(self):
        """The loaded module (compiled, or loaded from the cache, now if not yet)."""
        if self._module is None:
            self._module = cache.load(self.source)
        return self._module

    def load(self):
        """Compile (or load from the cache) the kernel now rather than on first use; returns self."""
        self.module()
        return self

    def on_disk(self):
        """Whether loading compiles nothing (the kernel is loaded, or its machine code is cached)."""
        return cache.on_disk(self.source)

    def in_process(self):
        """Whether loading returns at once (this process loaded the kernel's module)."""
        return cache.in_process(self.source)


class CompiledGraph(_Generated):
    """A graph compiled by Numba: call it like the graph (positional or keyword inputs).

    Outputs come back as the graph's (a tuple for several); 0-d ones as Python
    floats. ``source`` is the generated module, ``path`` the file it was loaded from
    (shared by every graph of the same structure: its names and comments may be another's),
    ``kernel`` the Numba function, taking the inputs and then ``sizes`` (the graph's
    ``dims`` and ``layout``, see ``kernels``).
    """

    def __init__(self, graph, passes=True, parallel=False):
        self.graph = graph
        self.optimized = prepare(graph, passes)
        if parallel:
            _use_workqueue()
        kernel = kernels.forward_module(self.optimized, parallel)
        self.source, self.sizes = kernel.source, (kernel.dims, kernel.layout)

    @property
    def kernel(self):
        """The Numba function (its module compiled, or loaded from the cache, on first use)."""
        return self.module().forward

    @property
    def path(self):
        """The file the kernel's module was loaded from."""
        return self.module().__file__

    def __call__(self, *args, **values):
        if not values:
            args = [_kernel_argument(a) if type(a) is np.ndarray else a for a in args]
            try:
                return self.kernel(*args, *self.sizes)   # the fast path: arguments of exactly the compiled types
            except (TypeError, ShapeError):
                pass
        return self.kernel(*self._convert(args, values), *self.sizes)

    def _convert(self, args, values):
        """Arguments checked and converted one by one, for a clear error naming the input."""
        names = self.graph.input_names
        if len(args) > len(names):
            raise InputValueError(f"the graph takes {len(names)} inputs ({', '.join(names)}), "
                                  f"{len(args)} were given")
        given = dict(zip(names, args))
        for name in values:
            if name in given:
                raise InputValueError(f"input '{name}' given twice (by position and by name)")
        given.update(values)
        arrays = bind(self.graph, given)
        return [arrays[n.id][()] if n.ndim == 0 else _kernel_array(arrays[n.id]) for n in self.graph.inputs]

    def __repr__(self):
        return f"<CompiledGraph of {self.graph!r} from {self.path}>"


def _kernel_argument(array):
    """An array argument as the kernel was compiled for it: 0-d as a scalar (Numba would type and compile the
    kernel again for a 0-d array; it takes read-only arrays, eager tensors' values, as they are)."""
    return array[()] if array.ndim == 0 else array


def _kernel_array(array):
    """``array`` as the kernels take it: C-contiguous (a copy only when it is not)."""
    return np.require(array, requirements=["C"])


def compile(graph, wrt=None, *, passes=True, parallel=False):
    """``graph`` compiled by Numba; with ``wrt`` (input nodes or names), its value and gradient.

    ``passes=False`` skips the optimisation passes (fusion still runs);
    ``parallel=True`` runs large elementwise loops on all cores (prange). A graph holding a primitive
    that declares no lowering runs on the NumPy interpreter instead (``InterpretedGraph``, with a warning).
    """
    if wrt is not None:
        graph = grad_graph(graph, wrt)
    try:
        return CompiledGraph(graph, passes, parallel).load()
    except NoLowering as exc:
        return InterpretedGraph(graph, str(exc))


# --- training ------------------------------------------------------------------------------------

def step_graph_of(step):
    """The step's graph with inputs in the order the kernels take (x, y, mask, params, state, noise) and
    outputs [loss, *new_params, *new_state, *sums]."""
    from ..graph import Graph
    inputs = step_inputs(step)
    if len({n.id for n in inputs}) != len(inputs):
        raise CompileError("the step graph's x, y, mask, params, state and noise must be distinct inputs")
    return Graph([step.loss, *step.new_params, *step.new_state, *step.sums], inputs)


class CompiledStep(_Generated):
    """The training loop of a StepGraph, compiled by Numba: chunks of steps (``chunk``) or one step
    (``run_step``), both run by one kernel.

    ``source`` is the kernel's module, compiled (or loaded from the cache) when first used.
    """

    def __init__(self, step, passes=True, parallel=False):
        self.step_graph = step
        self.graph = step_graph_of(step)
        self.optimized = prepare(self.graph, passes)
        if parallel:
            _use_workqueue()
        train = kernels.train_module(step, self.optimized, parallel)
        self.source, self.sizes = train.source, (train.dims, train.layout)
        self._kernel, self._steps = None, 0
        self.arenas = [np.empty(size, dtype) for dtype, size in train.arenas]
        self.noise = [np.empty(max(n.size, 1), n.dtype) for n in step.noise]

    @property
    def _train(self):
        if self._kernel is None:
            self._kernel = self.module().train
        return self._kernel

    @property
    def path(self):
        """The file of the training loop's module (written and compiled on first use)."""
        return self._train.py_func.__code__.co_filename

    def rng_state(self):
        """The state of the generator the kernel draws shuffles and noise from (Numba's, this thread's)."""
        from .runtime import rng_state
        return rng_state()

    def set_rng_state(self, state):
        from .runtime import set_rng_state
        set_rng_state(state)

    def _flat(self, arrays, nodes, what):
        out = []
        for array, node in zip(arrays, nodes):
            if not isinstance(array, np.ndarray) or array.dtype != node.dtype or array.shape != node.shape \
                    or not array.flags.c_contiguous or not array.flags.writeable:
                raise InputValueError(
                    f"{what} '{node.name}' must be a writable C-contiguous {node.dtype} array of shape "
                    f"{node.shape} (it is updated in place); got "
                    + (f"{array.dtype} {array.shape}" if isinstance(array, np.ndarray) else type(array).__name__))
            out.append(array.reshape(-1))
        if len(out) != len(nodes):
            raise InputValueError(f"expected {len(nodes)} {what} arrays, got {len(out)}")
        return out

    def check(self, params, state):
        """Refuse parameter or state arrays the kernels cannot update in place (naming the first)."""
        s = self.step_graph
        return self._flat(params, s.params, "parameter") + self._flat(state, s.state, "state")

    def run_step(self, x, y, params, state):
        """One step on the batch (x, y): params and state updated in place; returns the loss (and updates
        nothing when it is not finite).

        With a mask in the step graph the batch may hold fewer rows than the graph's batch size. The
        noise (dropout) of this object's k-th step is drawn as that of epoch k of a ``train_loop`` with seed 0."""
        s = self.step_graph
        size, rows = s.x.shape[0], len(x)
        if len(y) != rows or not (rows == size or (s.mask is not None and 0 < rows < size)):
            raise ShapeError(f"a step takes a batch of {size} rows" + (" or fewer" if s.mask is not None else "")
                             + f" in x and y; got {rows} and {len(y)}")
        sums = totals(s, 1)
        bad = self.chunk(dataset(x, s.x, "x"), dataset(y, s.y, "y"), params, state, np.empty(rows, np.int64), 0,
                         self._steps, 1, False, np.zeros(2, np.int64), 1, False, sums)
        self._steps += 1
        return sums[0, 0] / rows if bad == 0.0 else bad

    def chunk(self, data_x, data_y, params, state, order, seed, first, epochs, shuffle, position, steps,
              to_epoch_end, totals):
        """Steps from ``position`` in one compiled call (see ``loop.Run``); 0.0, or a non-finite loss."""
        return self._train(data_x, data_y, *self.check(params, state), *self.noise, *self.arenas, *self.sizes,
                           batches_per_epoch(self.step_graph, len(data_x)), order, int(seed), int(first),
                           int(epochs), bool(shuffle), position, int(steps), bool(to_epoch_end), totals)


_compiled_steps = collections.OrderedDict()
KEPT_STEPS = 16    # the CompiledSteps kept (with their arenas) for the latest step graphs: repeated fits reuse them


def compile_step(step, passes=True, parallel=False):
    """The CompiledStep of a StepGraph, kept for the latest few step graphs so repeated fits do not rebuild it
    (an older one is rebuilt: its source again, its module already loaded)."""
    k = (id(step), passes, parallel)
    held = _compiled_steps.pop(k, None)
    if held is None or held.step_graph is not step:
        held = CompiledStep(step, passes, parallel)
    _compiled_steps[k] = held
    while len(_compiled_steps) > KEPT_STEPS:
        _compiled_steps.popitem(last=False)
    return held


def train_loop(step, x, y, params, state, epochs, batch_size, shuffle=True, seed=0, on_epoch_end=None,
               backend="numba", parallel=False):
    """Train in place: epochs of shuffled mini-batches of the StepGraph ``step``; returns per-epoch mean losses.

    ``params`` and ``state`` are arrays in the order of ``step.params`` and
    ``step.state``, updated in place. The batch size is the graph's; with a
    ``mask`` in the step graph each epoch's last batch holds the remaining rows,
    without one the remainder of a shuffled epoch is left out.
    ``on_epoch_end(epoch, loss)`` is called after each epoch; if it returns True,
    training stops. ``backend="numpy"`` runs the NumPy interpreter with the same
    shuffles and noise (the reference). A NaN or infinite loss raises
    TrainingDivergedError naming the epoch and step (also its ``epoch`` and
    ``step``, from 1); the weights are then those before the update that led to it.
    """
    if batch_size != step.x.shape[0]:
        raise ShapeError(f"batch_size {batch_size} differs from the batch axis of the step graph's x "
                         f"({step.x.shape[0]}); build the step graph for this batch size")
    loop = Run(runner(step, backend, parallel), x, y, params, state, epochs, seed, shuffle)
    losses = []
    while not loop.finished:
        epoch = int(loop.position[0])
        loop.advance(to_epoch_end=on_epoch_end is not None)
        completed = range(epoch, min(int(loop.position[0]), epochs))
        losses.extend(float(loop.mean_loss(e)) for e in completed)
        if on_epoch_end is not None and completed and on_epoch_end(completed[-1], losses[-1]) is True:
            break
    return losses
