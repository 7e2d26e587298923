"""``keras.optimizers``: graphgrad.nn's eight optimizers, with ``apply_gradients`` for tape-based loops.

The update rule is the nn optimizer's graph transform, applied eagerly to the
variables (``eager.call``), so ``fit`` and a hand-written GradientTape loop make
exactly the same steps. ``lr=`` is accepted with a DeprecationWarning, as older
Keras did.
"""
import warnings

from .. import eager
from ..errors import ArgumentError
from ..nn import optimizers as nn_optimizers
from ..nn.errors import lookup
from ..tensorflow.tensor import Tensor


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
        self._slots, self._globals = {}, None

    def apply_gradients(self, grads_and_vars):
        """One step of the update rule for each (gradient, variable) pair; pairs whose gradient is None are skipped."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            return self.iterations
        dtype = pairs[0][1].node.dtype
        if self._globals is None:
            self._globals = {k: Tensor.leaf(v, dtype) for k, v in self.global_names().items()}
        t = Tensor.leaf(self.iterations, dtype)
        with eager.no_grad():
            new_globals = eager.call(self.update_globals, t, self._globals)
            glob = {**self._globals, **new_globals}
            for g, v in pairs:
                slots = self._slots.get(v) or {s: Tensor.leaf(self.slot_init(s, v.numpy())) for s in self.slot_names}
                new_value, new_slots = eager.call(self.update, v, g, slots, t, glob)
                v.assign(new_value)
                self._slots[v] = {s: new_slots[s] for s in self.slot_names}
            self._globals.update(new_globals)
        self.iterations += 1
        return self.iterations

    def variables(self):
        """The optimizer's state: slot arrays per variable."""
        return [s for slots in self._slots.values() for s in slots.values()]


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
