"""A traced training step replayed: the next repetition of a step whose program exists, matched call by call.

While a traced loop is armed (``tracing``), every ``eager.call`` goes through the
loop's ``Session``. A call on the step's deferred values (its variables, or what
the step's earlier calls made) is noted as an ``Entry``: a key -- the builder (a
primitive; a function's code, closure and defaults), numbers and arrays by value,
each tensor operand by its role -- and the nodes the call made, as templates. When
``tracing`` finds or builds the program of such a step, the entries become that
program's ``Recording``. In the next steps each call is checked against the
recorded call at the same position by its key alone, which is cheap; a match makes
the recorded nodes again on the new operands (``Node.on``: the builder does not
run, no shape rule is applied), so the optimizer's step finds its program and its
inputs without reading the step's structure. A tensor operand's role is the
position of the earlier call's result it is, or for a leaf, its number in order of
first use with its shape, dtype and whether it requires grad; a scalar constant
counts by value. So a changed constant, input shape or order of operations is a
different key, and from the first call that differs the session notes instead:
what it replayed so far are ordinary deferred tensors, and the step goes the way
``tracing`` reads any step (its signature), to a program of its own.

A spelling may declare a call made of calls a *group* (``group``: a built-in
module's forward, a pure function of its operands -- input and parameters -- and
of a structure key the spelling computes): it is noted and replayed as one entry,
its inner calls neither keyed nor run again, so a replayed ``nn.Sequential`` of
built-in layers costs one key, not one per layer. What a spelling noted about a
tensor a group made (``Tensor.remark``: PyTorch's grad_fn names) is noted again
on the tensor that replays it.

As TinyJit does, replay takes a builder to be a function of its key: an object in
its closure (a layer, a model) counts by identity and by its plain attributes
(numbers, strings, flags), so an object changed in some deeper attribute between
steps is not seen, nor is a module global the builder reads; such a builder must be
a new function or object.
"""
import types

import numpy as np

from .. import ops
from ..graph import Node
from . import tensor
from .tensor import Pending, Tensor, Variable, deferred_nodes, made, run_call
from .trees import leaves, tree_map

MOST_RECORDINGS = 16   # recordings an optimizer's loop keeps (each a program's step as its calls made it)
LARGEST_KEYED_ARRAY = 4096   # bytes: a call with a larger array among its arguments or closure is not replayed


class _Unkeyed(Exception):
    """A builder or argument that has no key (replay does not apply to that call)."""


class _Same:
    """An object as a key by identity (held, so its id is not reused while the key lives)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return type(other) is _Same and other.obj is self.obj

    def __hash__(self):
        return id(self.obj)


_PLAIN = (type(None), bool, int, float, complex, str, bytes, np.generic, np.dtype, type(Ellipsis))
_AS_THEY_ARE = frozenset((int, str, bool, type(None)))   # keys of themselves (a bool apart from 0 and 1)


class _PlainKinds(dict):
    """Whether a type is one of ``_PLAIN``'s, found once per type (``isinstance`` against them costs an object's
    key most of its time)."""

    def __missing__(self, kind):
        self[kind] = issubclass(kind, _PLAIN)
        return self[kind]


_plain_kinds = _PlainKinds()


def key_of(value, depth=0):
    """A hashable key of a builder or an argument that is not a tensor, equal only for the same graph."""
    if depth > 8:
        raise _Unkeyed
    kind = type(value)
    if kind in _AS_THEY_ARE:
        return value if kind is not bool else ("bool", value)
    if kind is types.FunctionType:
        try:
            cells = tuple(key_of(c.cell_contents, depth + 1) for c in value.__closure__ or ())
        except ValueError:   # an empty cell
            raise _Unkeyed from None
        return (value.__code__, cells, key_of(value.__defaults__, depth + 1),
                key_of(value.__kwdefaults__, depth + 1))
    if _plain_kinds[kind]:
        if isinstance(value, np.dtype):
            return (np.dtype, value)   # hashable, equal by value (its repr is the slowest part of a model's key)
        return (kind, repr(value))
    if kind in (tuple, list):
        return (kind,) + tuple(key_of(v, depth + 1) for v in value)
    if kind is dict:
        return (dict,) + tuple((key_of(k, depth + 1), key_of(v, depth + 1)) for k, v in value.items())
    if kind is slice:
        return (slice, key_of(value.start), key_of(value.stop), key_of(value.step))
    if kind is np.ndarray:
        if value.nbytes > LARGEST_KEYED_ARRAY:
            raise _Unkeyed
        return (np.ndarray, value.shape, value.dtype.str, value.tobytes())
    if kind is ops.Primitive:
        return value   # compared by identity, and held by graphgrad for good
    if isinstance(value, (type, types.ModuleType, types.BuiltinFunctionType)):
        return _Same(value)
    if kind is types.MethodType:
        return (types.MethodType, key_of(value.__func__, depth + 1), key_of(value.__self__, depth + 1))
    if isinstance(value, (Tensor, Node)):
        raise _Unkeyed
    plain = []
    for k, v in getattr(value, "__dict__", {}).items():
        kind = type(v)
        if kind in _AS_THEY_ARE and kind is not bool:
            plain.append((k, v))
        elif _plain_kinds[kind]:
            plain.append((k, key_of(v, depth + 1)))
    return (_Same(value), tuple(plain))


_NESTING = (tuple, list, dict)   # the containers a call's arguments may hold tensors in


def _tensors(tree):
    """The tensors in ``tree`` (a call's arguments), in the order ``_arguments`` meets them."""
    found, stack = [], [tree]
    while stack:
        value = stack.pop()
        if isinstance(value, Tensor):
            found.append(value)
        elif type(value) is tuple or type(value) is list:
            stack.extend(reversed(value))
        elif type(value) is dict:
            stack.extend(reversed(list(value.values())))
    return found


def _arguments(tree):
    """``tree`` (a call's arguments) as a key, each tensor in it a placeholder (``_tensors`` lists them)."""
    if isinstance(tree, Tensor):
        return Tensor
    kind = type(tree)
    if kind in (tuple, list):
        return (kind,) + tuple(_arguments(v) for v in tree)
    if kind is dict:
        return (dict,) + tuple((key_of(k), _arguments(v)) for k, v in tree.items())
    return key_of(tree)


class _Ref:
    """Where a call's output is found: an operand, a node the call made, or a constant (``Entry``'s numbering)."""

    __slots__ = ("at",)

    def __init__(self, at):
        self.at = at


class Entry:
    """One recorded call: its ``key``; ``nodes``, each node it made with where its inputs come from (an index:
    ``0 .. n-1`` the operands, then the nodes made; ``-1, -2, ...`` the ``constants``, tensors); ``out``, what
    it returned, with ``_Ref`` for tensors; ``marks``, what the spelling noted about a made tensor
    (``Tensor.remark``: the position among those made, and the remark with ``_Ref`` for tensors)."""

    __slots__ = ("key", "nodes", "constants", "out", "marks")

    def __init__(self, key, nodes, constants, out, marks):
        self.key, self.nodes, self.constants, self.out, self.marks = key, nodes, constants, out, marks


class Recording:
    """A program's step as its calls made it: the entries, and where the step's parts are among the tensors the
    calls made and the leaves they used (``target`` the loss, ``leaves`` the differentiated leaves by number,
    ``pairs`` the optimizer's leaf positions, ``reaching`` the tensors the loss depends on, ``inputs`` the
    program's inputs: a leaf's number, or a constant's array; for a tape's gradient, ``sources``: each
    source's leaf number, None for one not read)."""

    def __init__(self, program, entries, target, leaves, pairs, reaching, inputs, through, sources):
        self.program, self.entries, self.target, self.leaves = program, entries, target, leaves
        self.pairs, self.reaching, self.inputs, self.through = pairs, reaching, inputs, through
        self.sources = sources


class Session:
    """One step of an armed loop: its calls replayed after the recording its ``tracer`` ran last while they
    match, and noted; the tracer's other recordings are searched when a call differs from the expected one."""

    def __init__(self, tracer):
        self.tracer, self.recordings, self.expected = tracer, tracer.recordings, tracer.last
        self.entries = []     # this step's calls so far (entries replayed or noted)
        self.made = []        # the tensors they made, in order
        self.pendings = []    # their deferred values
        self.index = {}       # id of a made tensor's Pending -> its position in made
        self.leaves = {}      # the node id of a leaf the calls used -> its number (first used first)
        self.leaf_tensors = []
        self.broken = False   # a call replay cannot note: the step is read by its signature only
        self.grouping = False   # a group's run (``group``) is under way: its inner calls run as they come

    # --- the calls ---------------------------------------------------------------------------------
    def call(self, builder, args, kwargs):
        """``eager.call``: replayed when it matches the expected call, else run (and noted when it is the step's)."""
        if self.broken or self.grouping:
            return run_call(builder, args, kwargs)
        found = _tensors((args, kwargs)) if kwargs or any(type(a) in _NESTING for a in args) else \
            [a for a in args if isinstance(a, Tensor)]
        if not self._ours(found):      # first, so a call that is not the step's is not keyed
            return run_call(builder, args, kwargs)
        return self._step_call(lambda: (key_of(builder), _arguments(args), _arguments(kwargs)), found,
                               lambda: run_call(builder, args, kwargs), False)

    def group(self, parts, run):
        """``run()`` as one call of the step when ``parts()`` gives ``(structure, operands)``: it is then a pure
        function of the tensors ``operands`` and of ``structure`` (a key: a module's forward), replayed as one
        entry, its inner calls neither keyed nor noted."""
        found = None if self.broken or self.grouping else parts()
        if found is None:
            return run()
        structure, operands = found
        if not self._ours(operands):
            return run()
        return self._step_call(lambda: ("group", structure), operands, run, True)

    def _step_call(self, key, found, run, grouped):
        """A call of the step on the tensors ``found``: the recorded entry replayed when ``key()`` and the
        operands' roles match the expected one, else ``run()`` (noted as an entry when it is the step's)."""
        snapshots = [t.snapshot() for t in found]
        if not type(snapshots[0]).records(snapshots):
            return run()
        try:
            key = key()
        except _Unkeyed:
            key = None
        roles = None if key is None else self._roles(snapshots)
        if roles is None:
            self.broken = True
            return run()
        key += (roles,)
        entry = self._expected(key)
        if entry is not None:
            self.entries.append(entry)
            return self._replay(entry, type(snapshots[0]), snapshots)
        self.grouping = grouped
        try:
            result = run()
        finally:
            self.grouping = False
        entry = self._note(key, snapshots, result, grouped)
        if entry is None:
            self.broken = True
        else:
            self.entries.append(entry)
        return result

    def _ours(self, tensors):
        """Whether a call on ``tensors`` may be part of the step: it reads one of the loop's variables or a
        tensor this step made (else it runs as it comes, e.g. on last step's output; a tensor's state is its
        snapshot's, so no snapshot is taken for a call that is not the step's)."""
        for t in tensors:
            if (id(t._value) in self.index if type(t._value) is Pending else
                    t._node is not None and t._node.id in deferred_nodes):
                return True
        return False

    def _roles(self, snapshots):
        """Each operand's role (see the module's docstring); None for one replay cannot take (a value computed
        already, history recorded outside the step)."""
        roles = []
        for s in snapshots:
            value = s._value
            if type(value) is Pending:
                at = self.index.get(id(value))
                if at is None or value.array is not None:
                    return None
                roles.append(at)
            elif s.parents:
                return None
            else:
                node = s.node
                if node.is_const and not node.shape:
                    roles.append(("constant", node.dtype, node.weak, node.params["value"].item()))
                    continue
                number = self.leaves.get(node.id)
                if number is None:
                    number = self.leaves[node.id] = len(self.leaf_tensors)
                    self.leaf_tensors.append(s)
                roles.append(("leaf", number, node.shape, node.dtype, s.requires_grad))
        return tuple(roles)

    def _expected(self, key):
        """The recorded entry this call replays: the expected recording's next one, or another recording's
        whose calls so far were this step's; None (from now on) when none has this key."""
        k = len(self.entries)
        candidates = [] if self.expected is None else [self.expected]
        for recording in candidates + self.recordings:
            entries = recording.entries
            if len(entries) > k and entries[k].key == key and (
                    recording is self.expected or all(a.key == b.key for a, b in zip(entries, self.entries))):
                self.expected = recording
                return entries[k]
        self.expected = None
        return None

    def _replay(self, entry, cls, snapshots):
        """The call's result made from ``entry``'s nodes on these operands, every tensor deferred."""
        pool, constants, recorded = list(snapshots), entry.constants, cls.recorded
        step_made, pendings, index = self.made, self.pendings, self.index

        def found(ref):
            return pool[ref.at] if ref.at >= 0 else constants[-1 - ref.at]
        for template, inputs in entry.nodes:
            parents = tuple([pool[i] if i >= 0 else constants[-1 - i] for i in inputs])
            pending = Pending()
            t = made(cls, template.on([p._node for p in parents]), pending, parents, True)
            recorded(t, parents)
            index[id(pending)] = len(step_made)
            step_made.append(t)
            pendings.append(pending)
            pool.append(t)
        for m, remark in entry.marks:
            cls.mark(pool[len(snapshots) + m], tree_map(found, remark, _Ref))
        return found(entry.out) if type(entry.out) is _Ref else tree_map(found, entry.out, _Ref)

    def _made(self, t):
        self.index[id(t._value)] = len(self.made)
        self.made.append(t)
        self.pendings.append(t._value)

    def _note(self, key, snapshots, result, grouped):
        """The entry of a call just run (its new tensors found from its result back to its operands); None when
        it made something replay cannot remake (a value computed now, an operation not recorded; in a group,
        whose key is not its arguments' values, an array constant)."""
        operands = {s.node.id: j for j, s in enumerate(snapshots)}
        new, stack = {}, leaves(result, Tensor)
        while stack:
            t = stack.pop()
            node = t.node
            if node.id in operands or node.id in new or node.is_const:
                continue
            if not t.parents or type(t._value) is not Pending or t._value.array is not None:
                return None
            new[node.id] = t
            stack.extend(t.parents)
        made = sorted(new.values(), key=lambda t: t.node.id)
        at = dict(operands)
        at.update((t.node.id, len(snapshots) + m) for m, t in enumerate(made))
        constants = []

        def where(t):
            if t.node.id not in at:
                if not t.node.is_const or grouped and t.node.shape:
                    raise _Unkeyed
                constants.append(t)
                at[t.node.id] = -len(constants)
            return at[t.node.id]
        try:
            nodes = []
            for t in made:
                if len(t.parents) != len(t.node.inputs) or any(p.node is not i
                                                                for p, i in zip(t.parents, t.node.inputs)):
                    return None
                nodes.append((t.node, tuple(where(p) for p in t.parents)))
            out = tree_map(lambda t: _Ref(where(t)), result, Tensor)
            key_of(tree_map(lambda r: None, out, _Ref))   # what else it returned: plain values only
        except _Unkeyed:
            return None
        cls, marks = type(snapshots[0]), []
        for m, t in enumerate(made):
            remark = cls.remark(t)
            if remark is not None:
                marks.append((m, tree_map(lambda x: _Ref(at[x.node.id]) if x.node.id in at else x, remark, Tensor)))
            self._made(t)
        return Entry(key, tuple(nodes), tuple(constants), out, tuple(marks))

    # --- the step ------------------------------------------------------------------------------------
    def replayed(self, back, pairs):
        """``(recording, the program's input arrays)`` when this step replayed a recording to the end and its
        backward and optimizer use it as the recorded step did (the values still deferred); else None."""
        recording = self.expected
        if recording is None or self.broken or len(self.entries) != len(recording.entries):
            return None
        if any(p.array is not None for p in self.pendings):
            return None
        if self.index.get(id(back.target._value)) != recording.target or (back.through is not None) != \
                recording.through or tuple(i for _, i in pairs) != recording.pairs or \
                tuple(self.leaves.get(leaf.node.id) for leaf in back.leaves) != recording.leaves:
            return None
        if back.through is not None and not all(back.through(self.made[i]) for i in recording.reaching):
            return None
        arrays = [self.leaf_tensors[i].value if type(i) is int else i for i in recording.inputs]
        return recording, arrays

    def _replaying(self, target):
        """The recording this step replayed to its end, when ``target`` is that step's loss; else None."""
        recording = self.expected
        if recording is None or self.broken or len(self.entries) != len(recording.entries) or \
                self.index.get(id(target._value)) != recording.target:
            return None
        return recording

    def leaves_of(self, target):
        """The leaves the recorded step's backward took (this step's tensors, in its order) when this step
        replays that step and ``target`` is its loss; else None."""
        recording = self._replaying(target)
        return None if recording is None or recording.through else [self.leaf_tensors[i] for i in recording.leaves]

    def reads_of(self, target, sources):
        """Each of ``sources``' read in this step (its leaf tensor; None for one not read) when this step replays
        the recorded one, ``target`` is its loss and the sources were read as there (a tape's gradient); else
        None."""
        recording = self._replaying(target)
        if recording is None or recording.sources is None:
            return None
        numbers = tuple(self.leaves.get((s._current if isinstance(s, Variable) else s.snapshot()).node.id)
                        for s in sources)
        return None if numbers != recording.sources else [None if n is None else self.leaf_tensors[n]
                                                          for n in numbers]

    def recording(self, program, back, pairs, tensors, is_input):
        """This step as ``program``'s Recording (``tensors``: the step's, as its signature read them), or None
        when some call was not noted or some part of the step is not among the calls' tensors."""
        if self.broken or not self.entries:
            return None
        reaching, inputs = [], []
        for t in tensors:
            if t.parents:
                reaching.append(self.index.get(id(t._value)))
            elif is_input(t):
                number = self.leaves.get(t.node.id)
                inputs.append(number if number is not None else
                              t.node.params["value"] if t.node.is_const else None)
        target = self.index.get(id(back.target._value))
        leaf_numbers = tuple(self.leaves.get(leaf.node.id) for leaf in back.leaves)
        if target is None or None in leaf_numbers or None in reaching or any(i is None for i in inputs):
            return None
        sources = None if back.reads is None else tuple(None if k is None else leaf_numbers[k] for k in back.reads)
        return Recording(program, tuple(self.entries), target, leaf_numbers, tuple(i for _, i in pairs),
                         tuple(reaching), inputs, back.through is not None, sources)


_session = [None]


def begin(tracer):
    """A new step of the loop of ``tracer`` (``tracing.Tracer``): calls go through its session from now on."""
    session = _session[0] = Session(tracer)
    tensor.watch_calls(session.call)
    return session


def group(parts, run):
    """``run()``, as one call of an armed loop's step when ``parts()`` gives ``(structure, operands)``: a pure
    function of those (a built-in module's forward, its parameters among the operands; ``Session.group``);
    run as it comes when no loop is armed."""
    session = _session[0]
    return run() if session is None else session.group(parts, run)


def leaves_of(target):
    """The leaves a backward from ``target`` takes, read from the recording the armed step replays (``Session.
    leaves_of``: a backward need not walk the step it replays); None when not known so."""
    session = _session[0]
    return None if session is None else session.leaves_of(target)


def reads_of(target, sources):
    """Each source's read in the armed step, from the recording it replays (``Session.reads_of``); None when
    not known so."""
    session = _session[0]
    return None if session is None else session.reads_of(target, sources)


def end():
    """No loop is armed: calls run as they come."""
    _session[0] = None
    tensor.watch_calls(None)


def current(tracer):
    """The session of the step of ``tracer``'s loop (None when calls go to another loop's, or none)."""
    session = _session[0]
    return session if session is not None and session.tracer is tracer else None
