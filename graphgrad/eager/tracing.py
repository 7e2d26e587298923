"""Training steps traced and compiled: a hand-written loop (``backward``, ``step``) run as one graph per step.

Once an optimizer has taken a step, the recorded operations of the next steps
are deferred: each returns a tensor whose value is computed when some code
reads it (``Pending``). ``backward`` then defers the gradients too, and the
optimizer's step finds the whole step -- forward, gradients, update -- still
uncomputed. It reads the step's structure (operations, parameters, shapes,
dtypes; not the values), and runs the program cached for that structure (built
once per process and optimizer settings: a new model of the same net builds
nothing): the forward, the core's reverse mode and the optimizer's rule as one graph, on the
interpreter at once and compiled in the background (``compiler.TieredGraph``),
as ``fit`` runs its step. So the loop as written runs at the compiled step's
speed, the way tinygrad's TinyJit and JAX's jit do, with no change to the code.
Once a step has its program, the next repetitions are replayed (``replay``):
matched call by call against the recorded step, without building nodes anew or
reading the structure again.

Eager semantics stay: a value read in the middle of a step (``loss.item()``
before ``step()``, ``print``, a conditional) is computed on the spot, operation
by operation as eagerly, and that step then finishes eagerly; so do in-place
changes of recorded tensors, accumulated gradients and ``no_grad`` code. A
step whose structure or optimizer settings change gets a program of its own; after
``MOST_VARIANTS`` structures the optimizer's loop stays eager. The learning rate
is an input of the program (a schedule runs on one program). A traced step
whose loss or gradients are not finite is run again eagerly, so an error names
the operation as it does eagerly. ``GRAPHGRAD_EAGER=1`` turns tracing off.
``programs(optimizer)`` lists the compiled steps: each one's ``graph`` can be
drawn and its ``source`` read.
"""
import math
import os
import weakref

import numpy as np

from .. import ops
from ..autodiff import adjoints
from ..graph import Graph
from ..nn import optimizers
from . import replay
from .gradients import gradients, history, reads_of
from .tensor import Pending, deferred_nodes, made, unique_name
from .updates import _Step, kept, settings, state_inputs, state_outputs

MOST_VARIANTS = 8   # structures traced per optimizer before its loop stays eager

_armed = weakref.WeakKeyDictionary()   # updater -> its variables: operations on their values are deferred


def enabled():
    """Whether training loops are traced (``GRAPHGRAD_EAGER=1`` turns it off)."""
    return os.environ.get("GRAPHGRAD_EAGER", "").strip().lower() not in ("1", "true", "yes", "on")


def _arm(updater, variables, on):
    """Defer the operations on ``variables`` (their values now), or no longer when their loop is not traced
    (``on``: whether tracing is ``enabled``)."""
    tracer = tracer_of(updater)
    if tracer.off or not on:
        _armed.pop(updater, None)
    else:
        armed = _armed.get(updater)
        if armed is not None and len(armed) == len(variables) and all(a is v for a, v in zip(armed, variables)):
            replay.begin(tracer)   # the same variables: their new values' nodes replaced the old (``replaced``)
            return
        _armed[updater] = list(variables)
    deferred_nodes.clear()
    deferred_nodes.update(v.node.id for variables in _armed.values() for v in variables)
    if updater in _armed:
        replay.begin(tracer)
    elif not _armed:
        replay.end()


class DeferredBackward:
    """The gradients of ``target`` with respect to ``leaves`` (recorded leaf tensors), as tensors whose values
    are computed when read (eagerly) or by the traced step. ``assign(owner, gradient)`` stores each in its
    owner (PyTorch's ``.grad``), then None for one that turns out to have no gradient; ``through`` limits
    the recorded tensors gradients flow through (a TensorFlow tape's)."""

    def __init__(self, target, leaves, owners=None, assign=None, through=None):
        self.target, self.leaves, self.owners, self.through = target, leaves, owners or leaves, through
        self.assign = assign or (lambda owner, gradient: None)
        cls = type(target)
        self.grads = [made(cls, ops.input(unique_name("grad"), leaf.node.shape, leaf.node.dtype), Pending(self))
                      for leaf in leaves]
        self.reads = None   # for a tape's gradient: each source's position among the leaves (None: not read)
        self.done = False
        for owner, grad in zip(self.owners, self.grads):
            self.assign(owner, grad)

    def __call__(self):
        """Compute the gradients eagerly (the core's reverse mode over the recorded values), after the
        forward, so an operation outside its domain is reported before any gradient is used."""
        self.target.value
        found = gradients(self.target, self.leaves, through=self.through)
        self.fill([None if g is None else g.value for g in found])

    def fill(self, found):
        """Store the gradients ``found`` (arrays; None where there is none). The gradients then no longer
        refer to this backward: a cycle would keep the step's whole graph until Python's cyclic collector ran."""
        self.done = True
        for owner, grad, g in zip(self.owners, self.grads, found):
            grad._value.compute = None
            if g is None:
                grad._value.array = np.zeros(grad.node.shape, grad.node.dtype)
                self.assign(owner, None)
            else:
                grad._value.array = np.asarray(g, grad.node.dtype)


def defer_backward(target, leaves, owners, assign):
    """Defer ``target``'s gradients when its step is traced (PyTorch's ``backward``): True if deferred, each
    leaf's owner then holding its gradient as a tensor computed when read or by the step."""
    if not (target.pending and leaves):
        return False
    DeferredBackward(target, leaves, owners, assign)
    return True


def defer_gradients(target, sources, through=None):
    """``target``'s gradients with respect to ``sources`` deferred when its step is traced (TensorFlow's
    ``tape.gradient``): tensors (None where unconnected, as ``eager.gradients`` says), or None when the step
    is not traced or a source was read at several values (then the gradients are computed eagerly)."""
    if not (target.pending and target.node.dtype.kind == "f"):
        return None
    reads = replay.reads_of(target, sources)   # a replayed step's: read as the step it replays read them
    if reads is None:
        known = history(target, through=through)
        found = [r if s.node.dtype.kind == "f" else [] for s, r in zip(sources, reads_of(sources, known))]
        if any(len(r) > 1 for r in found) or not any(found):
            return None
        reads = [known[r[0].id] if r else None for r in found]
    connected = [t for t in reads if t is not None]
    back = DeferredBackward(target, connected, through=through)
    positions = iter(range(len(connected)))
    back.reads = [None if t is None else next(positions) for t in reads]
    grads = iter(back.grads)
    return [None if t is None else next(grads) for t in reads]


class Built:
    """One training step's structure as one graph: forward inputs, then the optimizer's state, to the loss,
    the gradients and the new parameters and state; run by ``compiler.TieredGraph``. Shared by the loops of
    every optimizer of the same rule and settings (``updates.kept``): a new model of the same net builds nothing."""

    def __init__(self, graph, loss, grads, step, updated, runner):
        self.graph, self.loss, self.grads, self.step, self.runner = graph, loss, grads, step, runner
        self.updated = updated   # the positions of the variables the step updates (those with a gradient)


class Program:
    """One optimizer's traced step of one structure and ``settings`` (``updates.settings``): its ``Built``
    graph, and the steps it ran."""

    def __init__(self, built, settings):
        self.built, self.settings = built, settings
        self.calls = 0     # steps it ran
        self.replays = 0   # of those, steps replayed (``replay``: matched call by call, no signature read)

    @property
    def graph(self):
        """The step's graph (forward, gradients, update), to draw or run."""
        return self.built.graph

    @property
    def source(self):
        """The generated kernel's source (None when the graph runs on the interpreter only)."""
        candidate = self.built.runner.tier.candidate
        return None if candidate is None else candidate.source

    @property
    def compiled(self):
        """Whether the compiled kernel runs the steps now."""
        return self.built.runner.tier.ready() is not None

    def load(self):
        """Compile (or load) the kernel now, in this thread, so the next step runs it (a test's way to reach
        the compiled step without waiting for the background)."""
        tier = self.built.runner.tier
        if tier.compiled is None and tier.candidate is not None:
            tier.compiled = tier.candidate.load()


class Tracer:
    """The programs of one optimizer's traced steps, by structure."""

    def __init__(self):
        self.programs, self.off = {}, False
        self.recordings, self.last = [], None   # replay.Recordings of the programs; the one last run


_tracers = weakref.WeakKeyDictionary()   # updater -> its Tracer


def tracer_of(updater):
    """The updater's tracer (made on first use)."""
    if updater not in _tracers:
        _tracers[updater] = Tracer()
    return _tracers[updater]


def programs(optimizer):
    """The compiled steps of ``optimizer`` (a spelling's optimizer or an ``eager.Updater``), in order."""
    updater = getattr(optimizer, "_updater", optimizer)
    return list(tracer_of(updater).programs.values())


def step(updater, variables, grads, assign=None):
    """The optimizer's step on ``variables`` (``grads`` tensors or None): one traced program when every
    gradient was deferred by one ``backward`` whose step is still uncomputed, else ``updater.apply``.
    Then the operations on the variables' new values are deferred: the next step is traced."""
    on = enabled()
    if not (on and _traced(updater, variables, grads, assign)):
        updater.apply(zip(grads, variables), assign=assign)
    _arm(updater, variables, on)
    return updater.iterations


def _traced(updater, variables, grads, assign):
    """Run the step as its structure's program: True if done (False: nothing changed)."""
    tracer = tracer_of(updater)
    found = None if tracer.off else _deferred(variables, grads)
    if found is None:
        return False
    back, pairs = found
    rule = settings(updater.optimizer)
    if rule is None:
        return False
    session = replay.current(tracer)
    replayed = None if session is None else session.replayed(back, pairs)
    if replayed is not None and replayed[0].program.settings != rule:   # e.g. a momentum set since
        replayed = None
    if replayed is not None:
        recording, arrays = replayed
        program = recording.program
    else:
        signature = _signature(back, pairs)
        if signature is None:
            return False
        key, tensors = signature
        program = tracer.programs.get((key, rule))
        if program is None:
            if len(tracer.programs) >= MOST_VARIANTS:
                tracer.off = True
                return False
            built = kept(updater.optimizer, ("step", key), lambda: _build(updater, back, pairs, tensors))
            program = tracer.programs[key, rule] = Program(built, rule)
        recording = None if session is None else session.recording(program, back, pairs, tensors, _is_input)
        if recording is not None and len(tracer.recordings) < replay.MOST_RECORDINGS:
            tracer.recordings.append(recording)
        arrays = [t.value for t in tensors if _is_input(t)]
    if not _run(program, updater, back, pairs, arrays, assign):
        return False
    program.replays += replayed is not None
    tracer.last = recording
    return True


def _deferred(variables, grads):
    """``(backward, [(variable, leaf position)])`` when every gradient given is one deferred backward's."""
    back, pairs, position = None, [], {}
    for v, g in zip(variables, grads):
        if g is None:
            continue
        pending = g._value
        if type(pending) is not Pending or not isinstance(pending.compute, DeferredBackward):
            return None
        if back is None:
            back = pending.compute
            position = {id(grad): i for i, grad in enumerate(back.grads)}
        if pending.compute is not back or back.done:
            return None
        i = position[id(g)]
        if back.leaves[i].node is not v.node:   # the variable changed since the step read it
            return None
        pairs.append((v, i))
    return None if back is None else (back, pairs)


def _is_input(t):
    """Whether the step reads ``t``'s value (a leaf other than a scalar constant, which its structure holds)."""
    return not t.parents and not (t.node.is_const and not t.node.shape)


def _signature(back, pairs):
    """``(key, tensors)``: the step's structure, and its tensors in the order of their nodes.

    The structure is each deferred operation (primitive, parameters, shape, dtype,
    operands), each scalar constant's value, and each input's shape, dtype and
    role; array constants are inputs (their values change from step to step).
    None when a recorded value was computed already (the step then runs eagerly).
    """
    seen, stack = {}, [back.target]
    while stack:
        t = stack.pop()
        if t.node.id in seen:
            continue
        if t.parents and not (t.pending and (back.through is None or back.through(t))):
            return None
        seen[t.node.id] = t
        stack.extend(t.parents)
    wrt = {leaf.node.id: i for i, leaf in enumerate(back.leaves)}
    tensors = [t for _, t in sorted(seen.items())]
    index, key = {t.node.id: position for position, t in enumerate(tensors)}, []
    for t in tensors:
        node = t.node
        if t.parents:
            try:
                params = _frozen(node.params)
            except TypeError:
                return None
            key.append((node.op, params, node.shape, node.dtype, tuple(index[p.node.id] for p in t.parents)))
        elif _is_input(t):
            key.append(("input", node.shape, node.dtype, wrt.get(node.id, -1)))
        else:
            key.append(("const", node.dtype, node.weak, np.asarray(node.params["value"]).item()))
    updated = tuple((leaf, v.node.dtype) for v, leaf in pairs)
    return (tuple(key), index[back.target.node.id], updated), tensors


def _frozen(value):
    """``value`` (a node's parameters) as a hashable key; TypeError when some part has no key."""
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(_frozen(v) for v in value)
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, slice):
        return ("slice", value.start, value.stop, value.step)
    hash(value)
    return value


def _build(updater, back, pairs, tensors):
    """The program of this step's structure: its operations rebuilt on new input nodes (in the order of
    ``tensors``), the gradients by ``autodiff.adjoints``, the optimizer's update."""
    new, nodes = {}, []
    for t in tensors:
        node = t.node
        if t.parents:
            new[node.id] = ops.apply(node.op, [new[p.node.id] for p in t.parents], node.params)
        elif _is_input(t):
            new[node.id] = ops.input(f"in{len(nodes)}", node.shape, node.dtype)
            nodes.append(new[node.id])
        else:
            new[node.id] = node
    loss = new[back.target.node.id]
    wrt = [new[leaf.node.id] for leaf in back.leaves]
    adj = adjoints(Graph([loss]), wrt, loss)
    grads = [None if w.id not in adj else ops.astype(adj[w.id], w.dtype) for w in wrt]
    updated = [k for k, (_, i) in enumerate(pairs) if grads[i] is not None]   # (a variable with no gradient
    names = [f"p{k}" for k in updated]                                          # keeps its value, as eagerly)
    params = {name: wrt[pairs[k][1]] for name, k in zip(names, updated)}
    step_grads = {name: grads[pairs[k][1]] for name, k in zip(names, updated)}
    update = optimizers.update(updater.optimizer, params, step_grads, learning_rate_input=True)
    outputs = [loss] + [g for g in grads if g is not None] + state_outputs(update)
    graph = Graph(outputs, nodes + state_inputs(update))
    from ..compiler import TieredGraph   # the compiler is imported when a loop is first traced
    return Built(graph, loss, grads, _Step(graph, params, step_grads, update), updated, TieredGraph(graph))


def _finite(arrays):
    """Whether every element of ``arrays`` is finite: small ones checked together, large ones by sums of squares
    (not finite when some element is not; one that overflows has the step run eagerly, which checks again), in
    float32 at least (float16's overflow at 65504 would send every step of a large float16 weight eagerly)."""
    if sum([a.size for a in arrays]) < 1 << 16:
        return bool(np.isfinite(np.concatenate([a.ravel() for a in arrays])).all())
    wide = [a.ravel() if a.dtype.itemsize >= 4 else a.ravel().astype(np.float32) for a in arrays]
    with np.errstate(over="ignore", invalid="ignore"):   # (an overflow is the answer, not a warning to show)
        return math.isfinite(sum([float(np.dot(a, a)) for a in wide]))


def _run(program, updater, back, pairs, arrays, assign):
    """Run ``program`` on this step's input ``arrays`` and store what it computed; False (nothing stored) when
    the loss or a gradient is not finite, so the step is run eagerly and reports as eager code does."""
    built = program.built
    step = built.step
    variables = [pairs[k][0] for k in built.updated]
    state = updater.state(step, variables)
    results = built.runner(*arrays, *[state[n.id] for n in state_inputs(step.update)])
    results = results if isinstance(results, (list, tuple)) else [results]
    env = {n.id: np.asarray(r, n.dtype) for n, r in zip(built.graph.outputs, results)}
    loss = env[built.loss.id]
    found = [None if g is None else env[g.id] for g in built.grads]
    if not _finite([loss] + [g for g in found if g is not None]):
        return False
    program.calls += 1
    back.target._value.array = loss
    back.fill(found)
    updater.commit(step, env, variables, assign)
    return True
