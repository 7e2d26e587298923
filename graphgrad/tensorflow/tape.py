"""``tf.GradientTape``: which operations a gradient flows through, and the core's reverse mode over them.

A tape watches tensors (trainable variables when they are used, others on
``watch``) and notes every operation on something it watches while it is
active. ``gradient`` is ``graphgrad.eager.gradients`` restricted to what this
tape noted; when another tape is recording (nested tapes), the gradient's own
operations are recorded too, which gives second derivatives.
"""
import contextlib

import numpy as np

from .. import eager, ops
from ..errors import ArgumentError

_active = []


def active_tapes():
    """The tapes recording now, innermost last."""
    return [t for t in _active if t._recording]


def _ones_like(tensor):
    return type(tensor.snapshot()).leaf(np.ones(tensor.node.shape, tensor.node.dtype))


def _rebuild(structure, items):
    """``structure`` with its leaves replaced, in order, by ``items``."""
    items = iter(items)
    return eager.tree_map(lambda _: next(items), structure)


class GradientTape:
    """Record operations on watched tensors; ``gradient``/``jacobian`` differentiate what was recorded."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._ids = set()
        self._variables = []   # the variables watched, in the order first watched
        self._kept = set()     # their ids (a variable is read several times a step: no scan of the list)
        self._recording = False
        self._used = False
        self._last = None

    # --- recording ---------------------------------------------------------------------------
    def __enter__(self):
        _active.append(self)
        self._recording = True
        return self

    def __exit__(self, *exc):
        self._recording = False
        _active.remove(self)
        return False

    def watch(self, tensor):
        """Watch a tensor, variable, or a (nested) list of them, so gradients flow to it."""
        for t in eager.leaves(tensor):
            if not isinstance(t, eager.Tensor):
                raise ArgumentError(f"GradientTape.watch takes tensors or variables, got {t!r}")
            self._ids.add(t.snapshot().node.id)
            if isinstance(t, eager.Variable):
                self._keep(t)

    def accessed(self, variable):
        """``variable`` was read while this tape records: watched, when the tape watches what it accesses."""
        if self.watch_accessed_variables and variable.trainable:
            self._keep(variable)

    def _keep(self, variable):
        if id(variable) not in self._kept:   # (the list holds the variable: its id is not reused meanwhile)
            self._kept.add(id(variable))
            self._variables.append(variable)

    def watched_variables(self):
        """The variables this tape watched (read while recording, or given to ``watch``), in that order."""
        return tuple(self._variables)

    def watches(self, operands):
        """Whether an operation on ``operands`` is recorded by this tape (a loop: called for every operation)."""
        ids, accessed = self._ids, self.watch_accessed_variables
        for t in operands:
            if t.node.id in ids or (accessed and t.requires_grad and not t.parents):
                return True
        return False

    def note(self, result, operands):
        ids = self._ids
        ids.add(result.node.id)
        for t in operands:
            if t.requires_grad and not t.parents:
                ids.add(t.node.id)

    @contextlib.contextmanager
    def stop_recording(self):
        """A block in which this tape records nothing."""
        self._recording = False
        try:
            yield
        finally:
            self._recording = True

    def reset(self):
        """Forget everything recorded so far (the tape keeps recording)."""
        self._ids.clear()

    # --- differentiating ------------------------------------------------------------------------
    def _through(self, tensor):
        return tensor.node.id in self._ids

    def _use(self, target):
        if self._used and not self.persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients "
                               "(or jacobians); use GradientTape(persistent=True) to compute several")
        self._used = True
        self._last = target

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """d target / d sources in the structure of ``sources``; None where target does not depend on one.

        ``target`` may be a list (its gradients are summed); a tensor target means its sum, or with
        ``output_gradients`` (one per target) the sum of target · output_gradients (a vector-Jacobian product).
        ``unconnected_gradients="zero"`` (``tf.UnconnectedGradients.ZERO``) gives zeros instead of None.
        """
        targets = eager.leaves(target)
        if output_gradients is not None:
            weights = eager.leaves(output_gradients)
            if len(weights) != len(targets):
                raise ArgumentError(f"GradientTape.gradient: {len(weights)} output_gradients for "
                                    f"{len(targets)} targets")
            targets = [self._weighted(t, w) for t, w in zip(targets, weights)]
        self._use(targets[0])
        flat = eager.leaves(sources)
        for s in flat:
            if not isinstance(s, eager.Tensor):
                raise ArgumentError(f"GradientTape.gradient: sources must be tensors or variables, got {s!r}")
        zeros = str(getattr(unconnected_gradients, "value", unconnected_gradients)).lower() == "zero"
        if len(targets) == 1 and not active_tapes() and not zeros and self._through(targets[0].snapshot()):
            deferred = eager.tracing.defer_gradients(targets[0], flat, through=self._through)
            if deferred is not None:    # the step is traced: computed by apply_gradients, or when read
                return _rebuild(sources, deferred)
        totals = [None] * len(flat)
        for t in targets:
            grads = eager.gradients(t, flat, create_graph=bool(active_tapes()), through=self._through) \
                if self._through(t.snapshot()) else [None] * len(flat)
            grads = [_ones_like(s) if s is t else g for g, s in zip(grads, flat)]   # d source / d itself
            totals = [g if total is None else total if g is None else total + g for total, g in zip(totals, grads)]
        if zeros:
            from .tensor import Tensor
            totals = [Tensor.leaf(np.zeros(s.node.shape, s.node.dtype)) if g is None else g
                      for g, s in zip(totals, flat)]
        return _rebuild(sources, totals)

    def _weighted(self, target, weights):
        """sum(target · weights), recorded by this tape even after its with-block (so it can be differentiated)."""
        was = self._recording
        _active.append(self)
        self._recording = True
        try:
            return eager.call(lambda t, w: ops.sum(t * w), target, weights)
        finally:
            _active.pop()
            self._recording = was

    def jacobian(self, target, sources):
        """d target / d source for each source, shaped ``target.shape + source.shape``."""
        self._use(target)
        flat = eager.leaves(sources)
        jacs = [eager.jacobian(target, s, through=self._through) if self._through(target.snapshot()) else None
                for s in flat]
        return _rebuild(sources, jacs)

    def batch_jacobian(self, target, source):
        """d target[b] / d source[b] for each example b (examples independent, as TensorFlow assumes), shaped
        ``(batch,) + target.shape[1:] + source.shape[1:]``."""
        full = self.jacobian(target, source)
        if full is None:
            return None
        diagonal = np.diagonal(np.asarray(full.value), axis1=0, axis2=len(target.shape))
        return type(full).leaf(np.moveaxis(diagonal, -1, 0))

    # --- what was recorded -------------------------------------------------------------------------
    def _target(self, target):
        target = target if target is not None else self._last
        if target is None:
            raise ArgumentError("this tape has not differentiated anything yet: pass the tensor to draw, "
                                "e.g. tape.draw(loss)")
        return target

    def graph_of(self, target=None):
        """``(graph, tensors by node id)`` recorded for ``target`` (default: the last one differentiated)."""
        return eager.graph_of(self._target(target), through=self._through)

    @property
    def graph(self):
        """The recorded graph of the last target differentiated (a ``graphgrad.Graph``)."""
        return self.graph_of()[0]

    @property
    def values(self):
        """The recorded graph's input values by name (for ``graphgrad.viz.render``, traces and frames)."""
        return eager.values_of(*self.graph_of())

    def draw(self, path=None, target=None, **options):
        """The recorded graph with values and adjoints: DOT source, or written to ``path`` (.svg, .png, .pdf)."""
        return eager.draw(self._target(target), path, through=self._through, **options)
