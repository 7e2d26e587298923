"""An optimizer's update rule applied to variables: what ``apply_gradients`` (Keras) and ``step()`` (PyTorch) do.

The rule is the ``graphgrad.nn`` optimizer's graph transform. For the shapes of
the variables it updates it is built once as one graph (parameters, gradients,
slots, step counter -> new parameters and slots) and run by the NumPy
interpreter on their values, as ``fit`` runs its step graph; so hand-written
loops of either spelling make exactly the steps ``fit`` makes.
"""
from dataclasses import dataclass

import numpy as np

from .. import ops
from ..backends.numpy_backend import outputs
from ..graph import Graph, Node


@dataclass(frozen=True)
class _Variable:
    """The nodes of one variable's update: inputs ``p``, ``g``, ``slots``; outputs ``new_p``, ``new_slots``."""
    p: Node
    g: Node
    slots: dict
    new_p: Node
    new_slots: dict


@dataclass(frozen=True)
class _Step:
    """The update of several variables as one graph, with the step counter ``t`` and the optimizer's globals."""
    graph: Graph
    t: Node
    globals: dict
    new_globals: dict
    variables: list


def update_nodes(optimizer, params, grads, dtype):
    """The update of ``params`` by ``grads`` (nodes) under ``optimizer``'s rule: ``(t, globals, new globals,
    [_Variable])``, the step counter ``t``, the globals and each parameter's slots being new input nodes."""
    t = ops.input("t", (), dtype)
    glob = {k: ops.input(k, (), dtype) for k in optimizer.global_names()}
    new_glob = {**glob, **optimizer.update_globals(t, glob)}
    variables = []
    for i, (p, g) in enumerate(zip(params, grads)):
        slots = {s: ops.input(f"p{i}/{s}", p.shape, p.dtype) for s in optimizer.slot_names}
        new_p, new_slots = optimizer.update(p, g, slots, t, new_glob)
        variables.append(_Variable(p, g, slots, new_p, new_slots))
    return t, glob, new_glob, variables


def state_outputs(new_glob, variables):
    """The nodes an update computes: each parameter's new value and slots, then the globals that change."""
    changed = [n for n in new_glob.values() if not n.is_input]
    return [n for v in variables for n in (v.new_p, *v.new_slots.values())] + changed


def state_inputs(t, glob, variables):
    """The optimizer state an update reads: the step counter, the globals, each parameter's slots."""
    return [t, *glob.values()] + [n for v in variables for n in v.slots.values()]


class Updater:
    """Applies ``optimizer`` (a ``graphgrad.nn`` optimizer) to variables, keeping its slots per variable and the
    number of steps taken (``iterations``)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.iterations = 0
        self.slots, self.globals, self._steps = {}, None, {}

    def apply(self, pairs, assign=None):
        """One step for each (gradient, variable) pair, the gradient a tensor or None (then the pair is skipped);
        ``assign(variable, new value)`` stores a result (default: ``variable.assign``)."""
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            return self.iterations
        step = self._step(tuple((v.node.shape, v.node.dtype) for _, v in pairs), pairs[0][1].node.dtype)
        arrays = self.state(step, [v for _, v in pairs])
        for (g, v), nodes in zip(pairs, step.variables):
            arrays.update({nodes.p.id: v.value, nodes.g.id: np.asarray(g.value, v.node.dtype)})
        env = dict(zip((n.id for n in step.graph.outputs), outputs(step.graph, arrays)))
        return self.commit(step, env, [v for _, v in pairs], assign)

    def state(self, step, variables):
        """The arrays of the optimizer's state for ``step`` by node id (slots made for a variable's first step)."""
        opt, dtype = self.optimizer, step.t.dtype
        if self.globals is None:
            self.globals = {k: np.asarray(v, dtype) for k, v in opt.global_names().items()}
        arrays = {step.t.id: np.asarray(self.iterations, dtype)}
        arrays.update({step.globals[k].id: a for k, a in self.globals.items()})
        for v, nodes in zip(variables, step.variables):
            slots = self.slots.get(v) or {s: opt.slot_init(s, np.asarray(v.value)) for s in opt.slot_names}
            arrays.update({nodes.slots[s].id: slots[s] for s in opt.slot_names})
        return arrays

    def commit(self, step, env, variables, assign=None):
        """Store what ``step`` computed (``env``: arrays by node id): new values, slots, globals; count the step."""
        for v, nodes in zip(variables, step.variables):
            (assign or type(v).assign)(v, env[nodes.new_p.id])
            self.slots[v] = {s: env[nodes.new_slots[s].id] for s in self.optimizer.slot_names}
        self.globals = {k: env.get(n.id, self.globals[k]) for k, n in step.new_globals.items()}
        self.iterations += 1
        return self.iterations

    def _step(self, shapes, dtype):
        """The update of variables of ``shapes`` as one graph (built once per shapes)."""
        key = (shapes, np.dtype(dtype))
        if key not in self._steps:
            grads = [ops.input(f"g{i}", shape, vdtype) for i, (shape, vdtype) in enumerate(shapes)]
            params = [ops.input(f"p{i}", shape, vdtype) for i, (shape, vdtype) in enumerate(shapes)]
            t, glob, new_glob, variables = update_nodes(self.optimizer, params, grads, dtype)
            graph = Graph(state_outputs(new_glob, variables), params + grads + state_inputs(t, glob, variables))
            self._steps[key] = _Step(graph, t, glob, new_glob, variables)
        return self._steps[key]
