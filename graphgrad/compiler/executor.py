"""Compiled graphs as Python callables, and the compiled training loop for a StepGraph.

``compile(graph)`` runs the passes, generates a Numba module, loads it through
the on-disk cache and returns a callable; ``train_loop(step, ...)`` runs epochs
of mini-batch steps inside compiled code (shuffling included) and calls back to
Python only between epochs. ``backend="numpy"`` runs the same loop on the NumPy
interpreter, with the same shuffles and noise, as the reference.
"""
import os

import numpy as np

from ..autodiff import grad_graph
from ..backends.numpy_backend import bind, run
from ..errors import DivergenceError, InputValueError, ShapeError, UnknownNameError
from . import cache, kernels
from .codegen import CompileError
from .fusion import fuse
from .lowering import lower
from .passes import optimize
from .runtime import epoch_order, fill_uniform


class TrainingDivergedError(DivergenceError):
    """The loss became NaN or infinite in ``train_loop``; the weights are left at their last finite values.

    A DivergenceError (what ``fit`` raises), so one ``except`` catches both. ``epoch`` and ``step``
    (counted from 1) say where; ``losses`` are the mean losses of the epochs completed before.
    """

    def __init__(self, message, epoch, step, losses):
        super().__init__(message, epoch=epoch, step=step)
        self.losses = losses


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


class CompiledGraph:
    """A graph compiled by Numba: call it like the graph (positional or keyword inputs).

    Outputs come back as the graph's (a tuple for several); 0-d ones as Python
    floats. ``source`` is the generated module, ``path`` the file it was loaded from.
    """

    def __init__(self, graph, passes=True, parallel=False):
        self.graph = graph
        self.optimized = prepare(graph, passes)
        if parallel:
            _use_workqueue()
        self.source = kernels.forward_module(self.optimized, parallel)
        module = cache.load(self.source)
        self.path = module.__file__
        self.kernel = module.forward

    def __call__(self, *args, **values):
        if not values:
            try:
                return self.kernel(*args)   # the fast path: arguments of exactly the compiled types
            except TypeError:
                pass
        return self.kernel(*self._convert(args, values))

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
        return [arrays[n.id][()] if n.ndim == 0 else np.ascontiguousarray(arrays[n.id])
                for n in self.graph.inputs]

    def __repr__(self):
        return f"<CompiledGraph of {self.graph!r} from {self.path}>"


def compile(graph, wrt=None, *, passes=True, parallel=False):
    """``graph`` compiled by Numba; with ``wrt`` (input nodes or names), its value and gradient.

    ``passes=False`` skips the optimisation passes (fusion still runs);
    ``parallel=True`` runs large elementwise loops on all cores (prange).
    """
    if wrt is not None:
        graph = grad_graph(graph, wrt)
    return CompiledGraph(graph, passes, parallel)


# --- training ------------------------------------------------------------------------------------

def step_graph_of(step):
    """The step's graph with inputs in the order the kernels take: x, y, params, state, noise."""
    from ..graph import Graph
    inputs = [step.x, step.y, *step.params, *step.state, *step.noise]
    if len({n.id for n in inputs}) != len(inputs):
        raise CompileError("the step graph's x, y, params, state and noise must be distinct inputs")
    return Graph(list(step.graph.outputs), inputs)


class CompiledStep:
    """One training step and whole training loops for a StepGraph, compiled by Numba.

    ``source`` is the training loop's module, ``step_source`` the one-step module;
    each is compiled (or loaded from the cache) when first used.
    """

    def __init__(self, step, passes=True, parallel=False):
        self.step_graph = step
        self.graph = step_graph_of(step)
        self.optimized = prepare(self.graph, passes)
        if parallel:
            _use_workqueue()
        self.source, self.step_source, sizes = kernels.step_module(step, self.optimized, parallel)
        self._train_kernel = self._step_kernel = None
        self.arenas = [np.empty(size, dtype) for dtype, size in sizes]
        self.noise = [np.empty(max(n.size, 1), n.dtype) for n in step.noise]

    @property
    def _train(self):
        if self._train_kernel is None:
            self._train_kernel = cache.load(self.source).train
        return self._train_kernel

    @property
    def _step(self):
        if self._step_kernel is None:
            self._step_kernel = cache.load(self.step_source).step
        return self._step_kernel

    def load(self, train=True, step=False):
        """Compile (or load from the cache) the named kernels now rather than on first use; returns self."""
        if train:
            self._train
        if step:
            self._step
        return self

    @property
    def path(self):
        """The file of the training loop's module (written and compiled on first use)."""
        return self._train.py_func.__code__.co_filename

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

    def run_step(self, x, y, params, state):
        """One step on the batch (x, y): params and state updated in place; returns the loss."""
        s = self.step_graph
        xb = _batch(x, s.x, "x").reshape(-1)
        yb = _batch(y, s.y, "y").reshape(-1)
        flat = self._flat(params, s.params, "parameter") + self._flat(state, s.state, "state")
        return self._step(xb, yb, *flat, *self.noise, *self.arenas)

    def train(self, x, y, params, state, epochs, seed=0, shuffle=True, first_epoch=0):
        """Run ``epochs`` epochs in one compiled call; returns (per-epoch mean losses, failing step or -1)."""
        s = self.step_graph
        flat = self._flat(params, s.params, "parameter") + self._flat(state, s.state, "state")
        order = np.empty(x.shape[0], np.int64)
        losses = np.zeros(epochs)
        failed = self._train(x, y, *flat, *self.noise, *self.arenas, order, int(seed), int(first_epoch),
                             int(epochs), bool(shuffle), losses)
        return losses, failed


def _batch(array, node, what):
    array = np.ascontiguousarray(array, dtype=node.dtype)
    if array.shape != node.shape:
        raise ShapeError(f"shape mismatch for the mini-batch {what}: the step graph was built for "
                         f"{node.shape}, got {array.shape}")
    return array


def _dataset(array, node, batch_size, what):
    """The data set as a C-contiguous 2-D array (rows = examples), checked against the batch node."""
    array = np.ascontiguousarray(array, dtype=node.dtype)
    if array.shape[1:] != node.shape[1:]:
        raise ShapeError(f"shape mismatch for {what}: the step graph takes rows of shape {node.shape[1:]}, "
                         f"the data has rows of shape {array.shape[1:]}")
    if array.shape[0] < batch_size:
        raise ShapeError(f"{what} has {array.shape[0]} examples, fewer than one batch of {batch_size}")
    return array.reshape(array.shape[0], -1)


_compiled_steps = {}


def compile_step(step, passes=True, parallel=False):
    """The CompiledStep of a StepGraph (kept for the process, so repeated fits do not rebuild it)."""
    k = (id(step), passes, parallel)
    held = _compiled_steps.get(k)
    if held is None or held.step_graph is not step:
        held = _compiled_steps[k] = CompiledStep(step, passes, parallel)
    return held


def train_loop(step, x, y, params, state, epochs, batch_size, shuffle=True, seed=0, on_epoch_end=None,
               backend="numba", parallel=False):
    """Train in place: epochs of shuffled mini-batches of the StepGraph ``step``; returns per-epoch mean losses.

    ``params`` and ``state`` are arrays in the order of ``step.params`` and
    ``step.state``, updated in place. Each epoch uses ``len(x) // batch_size``
    batches (the batch size is fixed by the graph; the remainder of a shuffled
    epoch is left out). ``on_epoch_end(epoch, loss)`` is called after each epoch;
    if it returns True, training stops. ``backend="numpy"`` runs the NumPy
    interpreter with the same shuffles and noise (the reference).
    A NaN or infinite loss raises TrainingDivergedError naming the epoch and
    step (also its ``epoch`` and ``step``, from 1); the weights are then those
    before that step.
    """
    if batch_size != step.x.shape[0]:
        raise ShapeError(f"batch_size {batch_size} differs from the batch axis of the step graph's x "
                         f"({step.x.shape[0]}); build the step graph for this batch size")
    if len(x) != len(y):
        raise ShapeError(f"x has {len(x)} examples but y has {len(y)}")
    data_x = _dataset(x, step.x, batch_size, "x")
    data_y = _dataset(y, step.y, batch_size, "y")
    if backend == "numba":
        runner = compile_step(step, parallel=parallel)
        runner._flat(params, step.params, "parameter")
        runner._flat(state, step.state, "state")
    elif backend == "numpy":
        runner = _Interpreted(step)
    else:
        raise UnknownNameError(f"unknown backend '{backend}': the known ones are numba, numpy")
    losses = []
    chunk = epochs if on_epoch_end is None else 1
    epoch = 0
    while epoch < epochs:
        count = min(chunk, epochs - epoch)
        values, failed = runner.train(data_x, data_y, params, state, count, seed, shuffle, epoch)
        if failed >= 0:
            batches = len(data_x) // batch_size
            at_epoch, at_step = epoch + failed // batches + 1, failed % batches + 1
            losses.extend(float(v) for v in values[:failed // batches])
            raise TrainingDivergedError(
                f"training diverged at epoch {at_epoch}, step {at_step}: the loss became "
                f"{values[failed // batches]}; the weights are left at their values before that step "
                "(try a smaller learning rate)", at_epoch, at_step, losses)
        losses.extend(float(v) for v in values)
        epoch += count
        if on_epoch_end is not None and on_epoch_end(epoch - 1, losses[-1]) is True:
            break
    return losses


class _Interpreted:
    """The training loop on the NumPy interpreter: the reference the compiled loop must match."""

    def __init__(self, step):
        self.step_graph = step
        self.graph = step_graph_of(step)

    def train(self, data_x, data_y, params, state, epochs, seed, shuffle, first_epoch):
        s = self.step_graph
        batch = s.x.shape[0]
        batches = len(data_x) // batch
        order = np.empty(len(data_x), np.int64)
        losses = np.zeros(epochs)
        targets = list(params) + list(state)
        for epoch in range(epochs):
            epoch_order(order, seed, first_epoch + epoch, shuffle)
            total = 0.0
            for b in range(batches):
                rows = order[b * batch:(b + 1) * batch]
                values = {s.x.id: data_x[rows].reshape(s.x.shape), s.y.id: data_y[rows].reshape(s.y.shape)}
                values.update({n.id: a for n, a in zip(list(s.params) + list(s.state), targets)})
                for node in s.noise:
                    noise = np.empty(max(node.size, 1), node.dtype)
                    fill_uniform(noise)
                    values[node.id] = noise.reshape(node.shape)
                env = run(self.graph, values, check=False)
                loss = float(env[s.loss.id])
                if not np.isfinite(loss):
                    losses[epoch] = loss
                    return losses, epoch * batches + b
                for target, new in zip(targets, list(s.new_params) + list(s.new_state)):
                    target[...] = env[new.id]
                total += loss
            losses[epoch] = total / batches
        return losses, -1
