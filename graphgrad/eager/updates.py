"""An optimizer's update rule applied to variables: what ``apply_gradients`` (Keras) and ``step()`` (PyTorch) do.

The rule is the ``graphgrad.nn`` optimizer's graph transform, built by
``nn.optimizers.update`` as ``fit``'s step graph builds it. For the shapes of
the variables it updates it is built once as one graph (parameters, gradients,
slots, step counter -> new parameters and slots) and run by the NumPy
interpreter on their values, as ``fit`` runs its step graph; so hand-written
loops of either spelling make exactly the steps ``fit`` makes.
"""
from dataclasses import dataclass

import numpy as np

from .. import ops
from ..backends.numpy_backend import outputs
from ..graph import Graph
from ..nn import optimizers


@dataclass(frozen=True)
class _Step:
    """The update of several variables, named ``p0``, ``p1``, ..., as one graph."""
    graph: Graph
    params: dict                # name -> parameter node (an input; a traced step's leaf)
    grads: dict                 # name -> gradient node (an input; a traced step's adjoint)
    update: optimizers.Update


def state_inputs(update):
    """The optimizer state an update reads: the step counter, the learning rate, the globals, each parameter's
    slots."""
    return [update.t, update.learning_rate, *update.globals.values()] + \
        [n for slots in update.slots.values() for n in slots.values()]


def state_outputs(update):
    """What an update computes: each parameter's new value and slots, then the globals that change."""
    changed = [n for n in update.new_globals.values() if not n.is_input]
    return [n for name in update.new_params
            for n in (update.new_params[name], *update.new_slots[name].values())] + changed


def settings(optimizer):
    """The optimizer's rule and settings (``config()``) but its learning rate (an input of its graphs): what its
    graphs are built for, so a setting changed between steps (``momentum``) is a graph of its own, while a
    learning rate's schedule runs on one. None when some setting has no key."""
    key = (type(optimizer), tuple((k, v) for k, v in optimizer.config().items() if k != "learning_rate"))
    try:
        hash(key)
    except TypeError:
        return None
    return key


_kept = {}       # (what, optimizer settings) -> the graph built for it, oldest first
MOST_KEPT = 32   # graphs kept for the process


def kept(optimizer, what, build):
    """``build()`` for ``what`` under ``optimizer``'s current settings, kept for the process: another optimizer
    of the same rule and settings (a new model of the same net, a notebook cell run again) finds it built."""
    rule = settings(optimizer)
    if rule is None:
        return build()
    key = (what, rule)
    found = _kept.pop(key, None)
    _kept[key] = found = found if found is not None else build()   # now the newest
    while len(_kept) > MOST_KEPT:
        del _kept[next(iter(_kept))]
    return found


class Updater:
    """Applies ``optimizer`` (a ``graphgrad.nn`` optimizer) to variables, keeping its slots per variable and the
    number of steps taken (``iterations``)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.iterations = 0
        self.slots, self.globals = {}, None

    def apply(self, pairs, assign=None):
        """One step for each (gradient, variable) pair, the gradient a tensor or None (then the pair is skipped);
        ``assign(variable, new value)`` stores a result (default: ``variable.assign``)."""
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            return self.iterations
        step = self._step(tuple((v.node.shape, v.node.dtype) for _, v in pairs))
        variables = [v for _, v in pairs]
        arrays = self.state(step, variables)
        for (g, v), name in zip(pairs, step.params):
            arrays.update({step.params[name].id: v.value, step.grads[name].id: np.asarray(g.value, v.node.dtype)})
        env = dict(zip((n.id for n in step.graph.outputs), outputs(step.graph, arrays)))
        return self.commit(step, env, variables, assign)

    def state(self, step, variables):
        """The arrays of the optimizer's state for ``step`` by node id (slots made for a variable's first step)."""
        opt, update = self.optimizer, step.update
        if self.globals is None:
            self.globals = {k: np.asarray(v, update.t.dtype) for k, v in opt.global_names().items()}
        arrays = {update.t.id: np.asarray(self.iterations, update.t.dtype),
                  update.learning_rate.id: np.asarray(opt.learning_rate, update.t.dtype)}
        arrays.update({update.globals[k].id: a for k, a in self.globals.items()})
        for v, name in zip(variables, step.params):
            slots = self.slots.get(v) or {s: opt.slot_init(s, np.asarray(v.value)) for s in opt.slot_names}
            arrays.update({update.slots[name][s].id: slots[s] for s in opt.slot_names})
        return arrays

    def commit(self, step, env, variables, assign=None):
        """Store what ``step`` computed (``env``: arrays by node id, made for it): new values (``Variable.take``),
        slots, globals; count the step."""
        update = step.update
        for v, name in zip(variables, step.params):
            (assign or type(v).take)(v, env[update.new_params[name].id])
            self.slots[v] = {s: env[update.new_slots[name][s].id] for s in self.optimizer.slot_names}
        self.globals = {k: env.get(n.id, self.globals[k]) for k, n in update.new_globals.items()}
        self.iterations += 1
        return self.iterations

    def _step(self, shapes):
        """The update of variables of ``shapes`` (with their dtypes) as one graph (built once per shapes and
        settings)."""
        def build():
            params = {f"p{i}": ops.input(f"p{i}", shape, vdtype) for i, (shape, vdtype) in enumerate(shapes)}
            grads = {name: ops.input(f"g{name[1:]}", p.shape, p.dtype) for name, p in params.items()}
            update = optimizers.update(self.optimizer, params, grads, learning_rate_input=True)
            graph = Graph(state_outputs(update), [*params.values(), *grads.values(), *state_inputs(update)])
            return _Step(graph, params, grads, update)
        return kept(self.optimizer, ("update", shapes), build)
