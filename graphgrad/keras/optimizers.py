"""``keras.optimizers``: graphgrad.nn's eight optimizers, with ``apply_gradients`` for tape-based loops.

The update rule is the nn optimizer's graph transform, run by the NumPy
interpreter on the variables' values, so ``fit`` and a hand-written
GradientTape loop make exactly the same steps. ``lr=`` is accepted with a DeprecationWarning, as older
Keras did.
"""
import warnings
from dataclasses import dataclass

import numpy as np

from .. import ops
from ..backends.numpy_backend import run
from ..errors import ArgumentError
from ..graph import Graph, Node
from ..nn import optimizers as nn_optimizers
from ..nn.errors import lookup


class KerasOptimizer:
    """What Keras adds to an nn optimizer: ``lr=`` and ``apply_gradients(zip(grads, variables))``."""

    def __init__(self, *args, lr=None, name=None, **kwargs):
        if lr is not None:
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.", DeprecationWarning,
                          stacklevel=2)
            if args or "learning_rate" in kwargs:
                raise ArgumentError(f"{type(self).__name__}: give learning_rate or lr, not both")
            kwargs["learning_rate"] = lr
        super().__init__(*args, **kwargs)
        self.iterations = 0
        self._slots, self._globals, self._updates = {}, None, {}

    def apply_gradients(self, grads_and_vars):
        """One step of the update rule for each (gradient, variable) pair; pairs whose gradient is None are skipped.

        The update is the nn optimizer's graph transform, built once for these shapes
        and run by the NumPy interpreter, as ``fit``'s step is.
        """
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            return self.iterations
        dtype = pairs[0][1].node.dtype
        if self._globals is None:
            self._globals = {k: np.asarray(v, dtype) for k, v in self.global_names().items()}
        update = self._update_graph(tuple((v.node.shape, v.node.dtype) for _, v in pairs), dtype)
        arrays = {update.t.id: np.asarray(self.iterations, dtype)}
        arrays.update({update.globals[k].id: a for k, a in self._globals.items()})
        for (g, v), node in zip(pairs, update.variables):
            slots = self._slots.get(v) or {s: self.slot_init(s, v.numpy()) for s in self.slot_names}
            arrays.update({node.p.id: v.value, node.g.id: np.asarray(g.value, v.node.dtype)})
            arrays.update({node.slots[s].id: slots[s] for s in self.slot_names})
        env = run(update.graph, arrays, check=False)
        for (g, v), node in zip(pairs, update.variables):
            v.assign(env[node.new_p.id])
            self._slots[v] = {s: env[node.new_slots[s].id] for s in self.slot_names}
        self._globals = {k: env[n.id] for k, n in update.new_globals.items()}
        self.iterations += 1
        return self.iterations

    def _update_graph(self, shapes, dtype):
        """The update of variables of ``shapes`` as one graph (cached): the nn optimizer's ``update`` on inputs."""
        key = (shapes, np.dtype(dtype))
        if key not in self._updates:
            t = ops.input("t", (), dtype)
            glob = {k: ops.input(k, (), dtype) for k in self.global_names()}
            new_glob = {**glob, **self.update_globals(t, glob)}
            variables = []
            for i, (shape, vdtype) in enumerate(shapes):
                p, g = ops.input(f"p{i}", shape, vdtype), ops.input(f"g{i}", shape, vdtype)
                slots = {s: ops.input(f"p{i}/{s}", shape, vdtype) for s in self.slot_names}
                new_p, new_slots = self.update(p, g, slots, t, new_glob)
                variables.append(_VariableUpdate(p, g, slots, new_p, new_slots))
            outputs = [n for v in variables for n in (v.new_p, *v.new_slots.values())] + list(new_glob.values())
            inputs = [t, *glob.values()] + [n for v in variables for n in (v.p, v.g, *v.slots.values())]
            self._updates[key] = _Update(Graph(outputs, inputs), t, glob, new_glob, variables)
        return self._updates[key]

    def variables(self):
        """The optimizer's state: slot arrays per variable."""
        return [s for slots in self._slots.values() for s in slots.values()]


@dataclass(frozen=True)
class _VariableUpdate:
    p: Node
    g: Node
    slots: dict
    new_p: Node
    new_slots: dict


@dataclass(frozen=True)
class _Update:
    graph: Graph
    t: Node
    globals: dict
    new_globals: dict
    variables: list


def keras_optimizer(nn_class):
    """The Keras optimizer of an nn optimizer class (same arguments and defaults, plus ``lr``)."""
    return type(nn_class.__name__, (KerasOptimizer, nn_class), {"__doc__": nn_class.__doc__, "__module__": __name__})


SGD = keras_optimizer(nn_optimizers.SGD)
RMSprop = keras_optimizer(nn_optimizers.RMSprop)
Adam = keras_optimizer(nn_optimizers.Adam)
Adagrad = keras_optimizer(nn_optimizers.Adagrad)
Adadelta = keras_optimizer(nn_optimizers.Adadelta)
Adamax = keras_optimizer(nn_optimizers.Adamax)
Nadam = keras_optimizer(nn_optimizers.Nadam)
Ftrl = keras_optimizer(nn_optimizers.Ftrl)
RMSProp = RMSprop  # as seed 001 spells it
Optimizer = KerasOptimizer

OPTIMIZERS = {cls.name: cls for cls in (SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam, Ftrl)}


def get(spec):
    """An optimizer from a name (with Keras' defaults) or an optimizer object."""
    if isinstance(spec, nn_optimizers.Optimizer):
        return spec
    return lookup("optimizer", "optimizers", spec, OPTIMIZERS)()
