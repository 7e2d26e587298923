"""An optimizer's update rule applied eagerly: what ``apply_gradients`` (Keras) and ``step()`` (PyTorch) do.

The rule is the ``graphgrad.nn`` optimizer's graph transform, run on the variables'
values with ``call`` outside any recording, so hand-written loops of either
spelling make exactly the steps ``fit`` makes.
"""
import numpy as np

from .tensor import call, no_grad


class Updater:
    """Applies ``optimizer`` (a ``graphgrad.nn`` optimizer) to variables, keeping its slots per variable and the
    number of steps taken (``iterations``)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.iterations = 0
        self.slots, self.globals = {}, None

    def apply(self, pairs):
        """One step for each (gradient, variable) pair, the gradient a tensor or None (then the pair is skipped)."""
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            return self.iterations
        opt = self.optimizer
        cls = type(pairs[0][1].snapshot())
        dtype = pairs[0][1].node.dtype
        if self.globals is None:
            self.globals = {k: cls.leaf(v, dtype) for k, v in opt.global_names().items()}
        t = cls.leaf(self.iterations, dtype)
        with no_grad():
            new_globals = call(opt.update_globals, t, self.globals)
            glob = {**self.globals, **new_globals}
            for g, v in pairs:
                slots = self.slots.get(v) or {s: cls.leaf(opt.slot_init(s, np.asarray(v.value))) for s in opt.slot_names}
                new_value, new_slots = call(opt.update, v, g, slots, t, glob)
                v.assign(new_value)
                self.slots[v] = {s: new_slots[s] for s in opt.slot_names}
            self.globals.update(new_globals)
        self.iterations += 1
        return self.iterations
