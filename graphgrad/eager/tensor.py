"""Eager tensors: a value computed now that is also a node of the graph IR.

Every operation funnels into ``call(builder, *args)``: the builder (any graph
builder of ``graphgrad.ops`` or ``graphgrad.nn`` -- a primitive, a loss, a
layer's ``call``) runs on the operands' nodes, and the nodes it made are
evaluated at once with the primitives' NumPy ``impl``. When the result is
recorded (some operand is tracked and recording is on) it keeps its operands as
``parents``, so the graph behind it can be walked, differentiated by the core's
reverse mode and drawn; otherwise it becomes a fresh leaf and nothing is kept.
"""
import contextlib
import itertools
import weakref
from collections import defaultdict

import numpy as np

from .. import ops
from ..errors import ArgumentError, DomainError, InputValueError
from ..graph import Graph, Node
from ..graph.primitive import Primitive, result_for
from .quiet import loud, quiet
from .windows import COMPILED
from .trees import tree_map as _map


class WeakIdKeyDictionary:
    """A dictionary whose keys are held weakly and compared by identity: ``weakref.WeakKeyDictionary`` compares
    keys with ``==``, which a spelling's tensors answer elementwise (PyTorch's ``x == y``)."""

    def __init__(self):
        self._entries = {}   # id(key) -> (weak reference to key, value); an entry leaves with its key

    def __setitem__(self, key, value):
        i = id(key)
        entry = self._entries.get(i)
        ref = entry[0] if entry is not None and entry[0]() is key else \
            weakref.ref(key, lambda _: self._entries.pop(i, None))     # (a key's first entry)
        self._entries[i] = (ref, value)

    def get(self, key, default=None):
        entry = self._entries.get(id(key))
        return default if entry is None or entry[0]() is not key else entry[1]

    def pop(self, key, default=None):
        value = self.get(key, default)
        self._entries.pop(id(key), None)
        return value

    def __len__(self):
        return len(self._entries)

    def keys(self):
        """The keys still alive."""
        return [key for key in (ref() for ref, _ in list(self._entries.values())) if key is not None]


_recording = [True]
_holders = WeakIdKeyDictionary()   # a value a Variable held (a snapshot) -> a weak reference to the Variable


class Names:
    """Unique names by prefix: ``prefix``, then ``prefix_1``, ``prefix_2``, ... (as Keras and TensorFlow name)."""

    def __init__(self):
        self.clear()

    def clear(self):
        self._counts = defaultdict(itertools.count)

    def unique(self, prefix):
        n = next(self._counts[prefix])
        return prefix if n == 0 else f"{prefix}_{n}"


_names = Names()
unique_name = _names.unique  # leaf names, so the inputs of a recorded graph differ
clear_names = _names.clear   # a new session (``keras.backend.clear_session``)


@contextlib.contextmanager
def recording(enabled):
    """Within the block, operations on tracked tensors are recorded (True) or not (False)."""
    _recording.append(bool(enabled))
    try:
        yield
    finally:
        _recording.pop()


def set_recording(enabled):
    """Recording on (True) or off from now on, until changed again; returns what it was."""
    before, _recording[-1] = _recording[-1], bool(enabled)
    return before


def no_grad():
    """Compute without recording (weight updates, evaluation)."""
    return recording(False)


def is_recording():
    return _recording[-1]


class Pending:
    """A value not computed yet, shared by every tensor that holds it (a tensor and its snapshots).

    A deferred recorded operation (see ``tracing``) is computed when some code reads it,
    from its tensor's recorded parents; ``compute``, when given, computes it instead
    (a deferred gradient). ``array`` is the value once computed.
    """

    __slots__ = ("array", "compute")

    def __init__(self, compute=None):
        self.array, self.compute = None, compute


class Tensor:
    """A value and the node that computed it; ``parents`` are the recorded operands (empty for a leaf).

    ``value`` may be deferred (a ``Pending`` in ``_value``): reading it computes it, so code sees eager values.
    """

    __slots__ = ("_node", "_value", "parents", "requires_grad", "__weakref__")
    __array_priority__ = 1000  # numpy arrays defer to the tensor's reflected operators

    def __init__(self, node, value, parents=(), requires_grad=False):
        self._node, self._value, self.parents, self.requires_grad = node, value, tuple(parents), requires_grad

    @property
    def node(self):
        """The node of the graph IR that computed the value; a leaf made when first asked for (an operation
        that records nothing gives its result none: most are never drawn or recorded)."""
        node = self._node
        if node is None:
            node = self._node = ops.input(unique_name("t"), self._value.shape, self._value.dtype)
        return node

    @node.setter
    def node(self, node):
        self._node = node

    @property
    def spec(self):
        """What an operation's shape and dtype follow: the node, or for a leaf without one, its value (an array:
        only a recorded tensor's value may be deferred, and a recorded tensor has a node)."""
        return self._node if self._node is not None else self._value

    @property
    def value(self):
        """The value (a NumPy array or a Python number), computed now if it was deferred."""
        v = self._value
        if type(v) is not Pending:
            return v
        if v.array is None:
            realize(self)
        return v.array

    @property
    def pending(self):
        """Whether the value is deferred and not computed yet."""
        v = self._value
        return type(v) is Pending and v.array is None

    # --- making tensors -----------------------------------------------------------------------
    @classmethod
    def leaf(cls, value, dtype=None, name=None, requires_grad=False):
        """A tensor with no history: an input node named ``name`` (default ``t``, ``t_1``, ...) holding ``value``."""
        array = _array(value, dtype)
        node = ops.input(name or unique_name("t"), array.shape, array.dtype)
        return cls(node, array, (), requires_grad)

    def snapshot(self):
        """The immutable tensor an operation records (a Variable's current value; a tensor itself)."""
        return self

    # --- the rule of recording (spellings may refine it) ----------------------------------------------
    @classmethod
    def may_record(cls, tracked):
        """Whether an operation may be recorded, given whether some operand is ``tracked`` (requires grad, or is
        a variable); False lets it compute its value only, without snapshots or nodes."""
        return tracked and _recording[-1]

    @classmethod
    def records(cls, operands):
        """Whether an operation on ``operands`` is recorded: recording is on and some operand is tracked."""
        if _recording[-1]:
            for t in operands:
                if t.requires_grad:
                    return True
        return False

    @classmethod
    def recorded(cls, result, operands):
        """Called once per recorded result (spellings note it, e.g. on their tapes)."""

    @classmethod
    def remark(cls, tensor):
        """What the spelling noted about a recorded ``tensor`` beyond its node (PyTorch's name of its grad_fn),
        for a traced loop's replay to note again on the tensor that replays it (``mark``); None for nothing."""
        return None

    @classmethod
    def mark(cls, tensor, remark):
        """Note ``remark`` (a ``remark``, its tensors now the replayed step's) about ``tensor``."""

    # --- what a tensor is ------------------------------------------------------------------------
    @property
    def shape(self):
        return self.spec.shape

    @property
    def dtype(self):
        return self.spec.dtype

    @property
    def ndim(self):
        return len(self.spec.shape)

    @property
    def name(self):
        return self.node.name

    @property
    def is_leaf(self):
        return not self.parents

    def numpy(self):
        """The value as a NumPy array (a copy: changing it does not change the tensor)."""
        return np.array(self.value)

    def item(self):
        return np.asarray(self.value).item()

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a scalar tensor")
        return self.shape[0]

    def __bool__(self):
        return bool(self.value)

    def __format__(self, spec):
        return format(np.asarray(self.value).item() if not self.shape else self.value, spec)

    def __repr__(self):
        what = self.name or self.node.op.name
        return f"<{type(self).__name__} {what} shape={self.shape} {self.dtype}: {self.value!r}>"

    __hash__ = object.__hash__

    # --- operators: every one is an application of a graphgrad op ------------------------------------
    def __add__(self, o): return call(ops.add, self, o)
    def __radd__(self, o): return call(ops.add, o, self)
    def __sub__(self, o): return call(ops.sub, self, o)
    def __rsub__(self, o): return call(ops.sub, o, self)
    def __mul__(self, o): return call(ops.mul, self, o)
    def __rmul__(self, o): return call(ops.mul, o, self)
    def __truediv__(self, o): return call(ops.div, self, o)
    def __rtruediv__(self, o): return call(ops.div, o, self)
    def __pow__(self, o): return call(ops.pow, self, o)
    def __rpow__(self, o): return call(ops.pow, o, self)
    def __matmul__(self, o): return call(ops.matmul, self, o)
    def __rmatmul__(self, o): return call(ops.matmul, o, self)
    def __neg__(self): return call(ops.neg, self)
    def __pos__(self): return self
    def __abs__(self): return call(ops.abs, self)
    def __getitem__(self, key): return call(ops.index, self, key)

    @property
    def T(self):
        return call(ops.transpose, self)

    def sum(self, axis=None, keepdims=False):
        return call(ops.sum, self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return call(ops.mean, self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return call(ops.max, self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        return call(ops.reshape, self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)

    def transpose(self, axes=None):
        return call(ops.transpose, self, axes)


class Variable(Tensor):
    """A mutable leaf: operations record its current value, so ``assign`` never rewrites recorded history."""

    __slots__ = ("_current",)

    def __init__(self, value, dtype=None, name=None, requires_grad=True):
        self._set(_array(value, dtype), name or unique_name("Variable"), requires_grad)

    def _set(self, array, name, requires_grad, node=None):
        """Hold ``array`` (read-only, this variable's own: ``_array`` made it) as a new leaf value, of a new
        input ``node`` (made now if not given)."""
        node = ops.input(name, array.shape, array.dtype) if node is None else node
        current = self._current = made(self.plain_class(), node, array, (), requires_grad)
        _holders[current] = weakref.ref(self)
        old = getattr(self, "_node", None)
        if old is not None:   # a new value, not the first
            replaced(old, current)
        self._node, self._value, self.parents, self.requires_grad = node, array, (), requires_grad

    @staticmethod
    def holder(tensor):
        """The variable ``tensor`` is a value of (None for any other tensor)."""
        ref = _holders.get(tensor)
        return None if ref is None else ref()

    def held(self, tensor):
        """Whether ``tensor`` is a value this variable held: an operation that read the variable then
        recorded it, so a gradient with respect to the variable flows to it (TensorFlow's rule)."""
        holder = _holders.get(tensor)
        return holder is not None and holder() is self

    @classmethod
    def plain_class(cls):
        """The tensor class this variable's values belong to (the first base that is not a Variable)."""
        if cls not in _plain_classes:   # found once per class: a step assigns every parameter
            _plain_classes[cls] = next(c for c in cls.__mro__ if issubclass(c, Tensor) and not issubclass(c, Variable))
        return _plain_classes[cls]

    @property
    def requires_grad(self):
        """Whether operations on this variable record: its current value's flag, so that freezing the variable
        (``p.requires_grad = False``) stops the recording of the operations that read it."""
        return self._current.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self._current.requires_grad = flag

    def snapshot(self):
        return self._current

    def assign(self, value):
        """Replace the value (same shape and dtype); earlier recorded operations keep the old one."""
        node = self._node
        array = _array(value, node.dtype)
        if array.shape != node.shape:
            raise InputValueError(f"cannot assign a value of shape {array.shape} to variable "
                                  f"'{self.name}' of shape {node.shape}")
        self._set(array, None, self.requires_grad, node.on(()))   # (the same name, shape and dtype)
        return self

    def take(self, array):
        """``assign`` of an array made for this variable that nothing else holds (an optimizer step's output),
        held as it is when of its shape and dtype: ``assign``'s copy and checks cost an update of small weights
        more than its arithmetic, and a large one a copy of each weight a step. Another dtype (a float16
        weight stepped with a float64 one's learning rate) is cast by ``assign``, as the variable keeps its own."""
        if type(array) is not np.ndarray or array.dtype != self._node.dtype or array.shape != self._node.shape:
            return self.assign(array)
        array.setflags(write=False)
        self._set(array, None, self.requires_grad, self._node.on(()))
        return self


_plain_classes = {}   # a Variable class -> its plain_class


def _array(value, dtype=None):
    """``value`` as a read-only NumPy array of numbers (``dtype`` if given)."""
    if isinstance(value, Tensor):
        value = value.value
    try:
        array = np.array(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise InputValueError(f"not a number or array of numbers: {value!r}") from exc
    if array.dtype.kind not in "biuf":
        raise InputValueError(f"not a number or array of numbers: {value!r}")
    array.setflags(write=False)
    return array


# --- the one application ---------------------------------------------------------------------------
def call(builder, *args, **kwargs):
    """``builder(*args, **kwargs)`` on the operands' nodes, evaluated now: what it returns, with tensors for nodes.

    Tensors may appear anywhere in ``args``/``kwargs`` (inside lists, tuples and dicts
    too); other numbers become constants only where they stand as direct operands.
    While a traced loop is armed, the calls that may read its tensors go through its watcher (``watch_calls``).
    """
    if _watcher is not None and (kwargs or _tracked(args)):
        return _watcher(builder, args, kwargs)
    return run_call(builder, args, kwargs)


def _tracked(args):
    """Whether a call on ``args`` may read a traced loop's tensors, which are all tracked (recorded, or values of
    variables): some operand requires grad or is a variable, or some argument holds others (not looked into)."""
    for a in args:
        if isinstance(a, Tensor):
            if a.requires_grad or isinstance(a, Variable):
                return True
        elif type(a) in (list, tuple, dict):
            return True
    return False


_watcher = None   # watcher(builder, args, kwargs) -> what ``call`` returns (``tracing``'s replay), or None


def watch_calls(watcher):
    """Send every ``call`` to ``watcher(builder, args, kwargs)`` (None: run them as they come)."""
    global _watcher
    _watcher = watcher


def run_call(builder, args, kwargs):
    """``call`` itself: the builder run on the operands' nodes, its new nodes evaluated."""
    if type(builder) is Primitive and (result := _apply(builder, args, kwargs)) is not None:
        return result
    known = {}

    def to_node(t):
        t = t.snapshot()
        known[t.node.id] = t
        return t.node

    out = builder(*_map(to_node, args, Tensor), **_map(to_node, kwargs, Tensor))
    if not known and _holds_node((args, kwargs)):
        return out   # a graph being built (a layer's activation given as tf.nn.relu): its nodes, not evaluated
    cls = next((type(t) for t in known.values()), Tensor)
    nodes = []
    _map(nodes.append, out, Node)
    tensors = {node.id: t for node, t in zip(nodes, evaluate(nodes, known, cls))}
    return _map(lambda node: tensors[node.id], out, Node)


def _holds_node(tree):
    """Whether graph nodes stand among the (nested) operands."""
    found = []
    _map(found.append, tree, Node)
    return bool(found)


# a Python number as an operand: its constant node's (shape, dtype, weak), for floats and ints within int64
_NUMBERS = {kind: (node.shape, node.dtype, node.weak)
            for kind, node in ((int, ops.const(0)), (float, ops.const(0.0)))}
_INT64 = range(np.iinfo(np.int64).min, np.iinfo(np.int64).max + 1)


def _apply(primitive, args, params):
    """``call`` of one primitive whose operands are tensors and Python numbers and whose parameters hold no
    tensor (else None), in one pass over the operands: its node made and evaluated when recorded, else only
    its value computed (the shape checked and the dtype found as the node would have them, ``result_for``).
    The result is of the first tensor operand's class (a variable's values' class)."""
    if params and any(isinstance(v, (Tensor, list, tuple, dict)) for v in params.values()):
        return None
    cls, tracked, deferred, specs, values = None, False, False, [], []
    for a in args:
        if isinstance(a, Tensor):
            node, value = a._node, a._value
            if node is None:        # a leaf whose node is not made yet (a variable's is made with it)
                specs.append((value.shape, value.dtype, False))
                tracked = tracked or a.requires_grad
                cls = cls or type(a)
            else:
                specs.append((node.shape, node.dtype, node.weak))
                deferred = deferred or type(value) is Pending
                if isinstance(a, Variable):
                    tracked = True    # (its snapshot answers for it: its requires_grad may have changed since)
                    cls = cls or a.plain_class()
                else:
                    tracked = tracked or a.requires_grad
                    cls = cls or type(a)
        elif type(a) is float or type(a) is int and a in _INT64:
            specs.append(_NUMBERS[type(a)])
            value = a
        elif isinstance(a, (int, float)):   # a bool, a huge int: its constant node says how it counts
            node = ops.const(a)
            specs.append((node.shape, node.dtype, node.weak))
            value = _constant(Tensor, node).value
        else:
            return None
        values.append(value)
    cls = cls or Tensor
    if cls.may_record(tracked):
        operands = _snapshots(cls, args)
        if cls.records(operands):
            shape, dtype, weak = result_for(primitive, specs, params)   # (the snapshots' specs too)
            node = Node.of(primitive, tuple([t.node for t in operands]), dict(params), shape, dtype, None, weak)
            return _recorded(cls, node, operands)
    if deferred:
        values = [a.value if isinstance(a, Tensor) else v for a, v in zip(args, values)]
    shape, dtype, weak = result_for(primitive, specs, params)
    value = _computed(primitive, params, dtype, values, primitive.domain and
                      (lambda: primitive(*[a.node if isinstance(a, Tensor) else a for a in args], **params)))
    if weak and not shape:
        return _constant(cls, ops.const(value.item()))
    return made(cls, None, value)


def _snapshots(cls, args):
    """What an operation on ``args`` records: each tensor's snapshot (one per tensor: ``w * w`` reads one
    state), each number as a constant."""
    operands, last, state = [], None, None
    for a in args:
        if not isinstance(a, Tensor):
            operands.append(_constant(cls, ops.const(a)))
            continue
        if a is not last:
            last, state = a, a.snapshot()
        operands.append(state)
    return operands


_new = object.__new__


def made(cls, node, value, parents=(), requires_grad=False):
    """``cls(node, value, parents, requires_grad)`` (``parents`` a tuple) made without the constructors'
    argument handling (a spelling's also reads its framework's forms), which costs an eager operation on
    small tensors more than its arithmetic. ``made(cls, None, value)``: a leaf whose node is made when asked for."""
    t = _new(cls)
    t._node = node
    t._value = value
    t.parents = parents
    t.requires_grad = requires_grad
    return t


def lift(builder):
    """``builder`` as a function on tensors: ``lift(ops.exp)(t)`` is ``call(ops.exp, t)``."""
    def lifted(*args, **kwargs):
        return call(builder, *args, **kwargs)
    lifted.__name__ = getattr(builder, "__name__", "op")
    lifted.__doc__ = builder.__doc__
    return lifted


def evaluate(outputs, known, cls=Tensor, record=None):
    """Tensors for ``outputs`` (nodes), evaluating the nodes not in ``known`` (tensors by node id) in order.

    ``record`` None applies the class's rule of recording to each node; True or
    False forces it (gradients replayed for higher derivatives, or not). A recorded
    tensor's node always takes its parents' nodes as inputs (it is rebuilt when a
    parent was not recorded and so became a leaf), so the recorded graph is exactly
    what its parents say.
    """
    wanted = {o.id for o in outputs}
    for node in _new_nodes(outputs, known):
        operands = [known[i.id] if i.id in known else _constant(cls, i) for i in node.inputs]
        known[node.id] = _evaluated(cls, node, operands, record, record is not False or node.id in wanted)
    return [known[o.id] if o.id in known else _constant(cls, o) for o in outputs]


def _evaluated(cls, node, operands, record=None, kept=True):
    """The tensor of ``node`` from ``operands`` (tensors of its inputs), recorded or not as ``evaluate`` says;
    a value not ``kept`` (an intermediate of a computation that records nothing) keeps its node as it is."""
    recorded = cls.records(operands) if record is None else record
    if recorded:
        if any(t.node is not i for t, i in zip(operands, node.inputs)):
            node = ops.apply(node.op, [t.node for t in operands], node.params, name=node.name)
        return _recorded(cls, node, operands, deferrable=record is None)
    value = _value(node, [t.value for t in operands])
    if not kept:
        return cls(node, value)
    if node.weak and not node.shape:
        return _constant(cls, ops.const(value.item()))  # arithmetic on Python numbers stays weak
    return made(cls, None, value)


def _recorded(cls, node, operands, deferrable=True):
    """The recorded tensor of ``node``, whose inputs are ``operands``' nodes: its value computed now, or
    deferred when ``deferrable`` and an operand is deferred (``defers``)."""
    value = Pending() if deferrable and defers(operands) else _value(node, [t.value for t in operands])
    tensor = made(cls, node, value, tuple(operands), True)
    cls.recorded(tensor, operands)
    return tensor


# --- deferred values ---------------------------------------------------------------------------------
deferred_nodes = set()   # the nodes of the variables of traced loops (``tracing`` keeps it)


def replaced(old, tensor):
    """A variable's value node ``old`` is now ``tensor``'s: operations on it stay deferred if they were."""
    if old.id in deferred_nodes:
        deferred_nodes.discard(old.id)
        deferred_nodes.add(tensor.node.id)


def defers(operands):
    """Whether a recorded operation on ``operands`` is deferred: it reads a deferred value or a variable of a
    traced training loop (``tracing``)."""
    for t in operands:
        if type(t._value) is Pending or t._node is not None and t._node.id in deferred_nodes:
            return True
    return False


def realize(tensor):
    """Compute ``tensor``'s deferred value: its own ``compute``, or its recorded operations not computed yet,
    in order, each checked as an eager operation is (so an error names the operation, as eagerly)."""
    pending = tensor._value
    if pending.compute is not None:
        pending.compute()
        return
    stack, seen = [tensor], {}
    while stack:
        t = stack.pop()
        if t.pending and id(t._value) not in seen:
            seen[id(t._value)] = t
            stack.extend(t.parents)
    for t in sorted(seen.values(), key=lambda t: t.node.id):
        if t._value.array is not None:
            continue
        if t._value.compute is not None:
            t._value.compute()
        else:
            t._value.array = _value(t.node, [p.value for p in t.parents])


def _new_nodes(outputs, known):
    """The nodes reaching ``outputs`` that are not known yet, in creation (hence topological) order."""
    seen, stack = {}, list(outputs)
    while stack:
        node = stack.pop()
        if node.id in known or node.id in seen or node.is_const:
            continue
        if node.is_input:
            raise ArgumentError(f"the operation used '{node.name}', a graph input with no value; "
                                "pass eager tensors or numbers")
        seen[node.id] = node
        stack.extend(node.inputs)
    return sorted(seen.values(), key=lambda n: n.id)


def _constant(cls, node):
    value = node.params["value"]
    return cls(node, value.item() if node.weak and value.ndim == 0 else value)


def _value(node, args):
    """The node's value from its operands' values: the primitive's NumPy impl, domain-checked, in its dtype."""
    op = node.op
    return _computed(op, node.params, node.dtype, args, op.domain and (lambda: node))


def _computed(op, params, dtype, args, node):
    """``op(*args, **params)`` by its NumPy impl (a convolution's or pooling's by the compiled helpers:
    ``windows``), domain-checked, in ``dtype``; ``node()`` is the node an error names (None when ``op`` has
    no domain)."""
    token = quiet()
    try:
        if op.domain is not None and not np.all(op.domain.check(*args)):
            from ..backends.numpy_backend import check_domain
            check_domain(Graph([node()]), node(), args)
        if not params:      # (an elementwise primitive's: its NumPy function called without the unpacking)
            value = op.impl(*args)
        elif (compiled := COMPILED.get(op)) is None or (value := compiled(*args, **params)) is None:
            value = op.impl(*args, **params)
    finally:
        loud(token)
    if type(value) is not np.ndarray:
        value = np.asarray(value)
    if value.dtype != dtype:
        if dtype.kind in "iub" and value.dtype.kind == "f" and not np.all(np.mod(value, 1) == 0):
            raise DomainError(f"{op.name} of integer tensors gives fractions, which dtype {dtype} "
                              "cannot hold; cast the operands to a float dtype first")
        value = value.astype(dtype)
    value.setflags(False)     # write=False, given by position: NumPy parses a keyword in 0.15 µs, half an add
    return value
