"""``keras.optimizers``: graphgrad.nn's eight optimizers, with ``apply_gradients`` for tape-based loops.

The update rule is the nn optimizer's graph transform applied by
``eager.Updater`` (one cached graph run by the NumPy interpreter), so ``fit``
and a hand-written GradientTape loop make exactly the same steps. ``lr=`` is
accepted with a DeprecationWarning, as older Keras did.
"""
import warnings

from .. import eager
from ..errors import ArgumentError, NoGradientError
from ..nn import optimizers as nn_optimizers
from ..nn.errors import lookup
from .classes import keras_class


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
        self._updater = eager.Updater(self)

    @property
    def iterations(self):
        """The number of ``apply_gradients`` steps taken."""
        return self._updater.iterations

    def apply_gradients(self, grads_and_vars):
        """One step of the update rule for each (gradient, variable) pair. As in Keras, pairs whose gradient is
        None are skipped with a warning naming their variables, and a step with no gradient at all is an error."""
        pairs = list(grads_and_vars)
        missing = [v.name for g, v in pairs if g is None]
        if len(missing) == len(pairs):
            raise NoGradientError("No gradients provided for any variable: "
                                  f"{', '.join(missing) or 'no (gradient, variable) pairs were given'}")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss.", UserWarning,
                          stacklevel=2)
        return eager.tracing.step(self._updater, [v for _, v in pairs], [g for g, _ in pairs])

    def variables(self):
        """The optimizer's state: slot arrays per variable."""
        return [s for slots in self._updater.slots.values() for s in slots.values()]


def keras_optimizer(nn_class):
    """The Keras optimizer of an nn optimizer class (same arguments and defaults, plus ``lr``)."""
    return keras_class(KerasOptimizer, nn_class)


SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam, Ftrl = (
    keras_optimizer(c) for c in (nn_optimizers.SGD, nn_optimizers.RMSprop, nn_optimizers.Adam, nn_optimizers.Adagrad,
                                 nn_optimizers.Adadelta, nn_optimizers.Adamax, nn_optimizers.Nadam, nn_optimizers.Ftrl))
RMSProp = RMSprop  # as older TensorFlow, and lecture code written for it, spells it
Optimizer = KerasOptimizer

OPTIMIZERS = {cls.name: cls for cls in (SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam, Ftrl)}


def get(spec):
    """An optimizer from a name (with Keras' defaults) or an optimizer object."""
    if isinstance(spec, nn_optimizers.Optimizer):
        return spec
    return lookup("optimizer", "optimizers", spec, OPTIMIZERS)()
