"""``torch.Tensor`` and ``nn.Parameter``: graphgrad's eager tensors under PyTorch's names and methods.

An operation is recorded when some operand ``requires_grad`` (and ``no_grad`` is
not in force), as in PyTorch. ``loss.backward()`` is the core's reverse mode
(``eager.gradients``) over what was recorded, and adds each leaf's gradient to
its ``.grad``, which keeps accumulating until ``zero_grad()``.

In-place operations (``add_``, ``x += y``, ``x[key] = v``, ...) follow one rule,
the eager layer's rule for variables: an operation records its operands' state
at that moment (``snapshot``), and a tensor changed in place stands for a new
node, recorded like any other operation, while keeping its identity (``.grad``,
modules and optimizers still see it). So changing a tensor never rewrites what
was recorded with its former value. PyTorch's refusals are kept: a leaf that
requires grad changes only inside ``no_grad``; a recorded tensor only outside
it. Views (``x[0]``, ``x.view(...)``, ``x.t()``, ``x.detach()``, ``x.data``)
are copies here, so an in-place change of a view is put back into the tensor it
shows (through ``detach``/``.data`` without recording, as in PyTorch); a view
taken before its tensor changed refuses to be changed in place, since writing
it back would undo that change.

NumPy shares memory with a tensor where PyTorch shares it (``torch.from_numpy(a)``,
``t.numpy()``): the tensor's value is that array, an in-place change writes into
it, and what an operation records is a copy, so changing the array later leaves
recorded history alone.
"""
import functools
import inspect
import math
import weakref

import numpy as np

from .. import eager, ops
from ..eager import replay
from . import dtypes
from .grad_fn import BackwardFunction, name_again, named, naming
from .printing import tensor_repr
from .promotion import promoted
from .random import generator
from ..errors import ArgumentError, InPlaceError, InputValueError, ShapeError
from ..graph.node import Node
from ..graph.primitive import divided, floating, name_of

_grads = eager.WeakIdKeyDictionary()     # tensor -> its accumulated .grad
# a snapshot of a leaf (a parameter's current value), or of a tensor that retains grad -> a weak reference to that
# tensor (a strong one would keep a parameter, which holds its current value, alive for ever)
_owners = eager.WeakIdKeyDictionary()
_snapshots = eager.WeakIdKeyDictionary()  # a leaf that requires grad -> its last snapshot (``Tensor.snapshot``)
_retaining = eager.WeakIdKeyDictionary()  # non-leaf tensors whose .grad backward() fills (retain_grad)
# a view -> (the tensor it shows, put_back(base, view) or None: detached, that tensor's state (_state) when the
# view was taken or last put back, the view's own state then)
_views = eager.WeakIdKeyDictionary()
_shown_by = eager.WeakIdKeyDictionary()   # a tensor -> its views: id -> (a weak reference, how it is computed)
_NO_VIEW = (None, None, None, None)
# a tensor whose memory NumPy shares -> [the array, a token replaced at each in-place change (for _views)]
_shared = eager.WeakIdKeyDictionary()


class Size(tuple):
    """``torch.Size``: a tuple of ints, printed as PyTorch prints it."""

    def numel(self):
        return math.prod(self)

    def __repr__(self):
        return f"torch.Size({list(self)})"


def _dims(shape):
    """``view(2, 3)`` and ``view((2, 3))`` alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _dim(dim, ndim):
    """``dim`` as an axis of a tensor of ``ndim`` dimensions (negative counts from the end), refused out of range
    as PyTorch refuses it (a 0-d tensor takes 0 and -1)."""
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise ShapeError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def _key(key):
    """An index with tensors in it read as their values (keys are constants of the graph)."""
    parts = key if isinstance(key, tuple) else (key,)
    for k in parts:
        if isinstance(k, eager.Tensor):
            return tuple(np.asarray(k.value) if isinstance(k, eager.Tensor) else k for k in parts)
    return parts


def _put(x, key, v):
    """The graph of ``x[key] = v``: x with the elements at ``key`` replaced by v broadcast to the selection."""
    key = ops.indexing.key_of(key)
    positions = np.arange(x.size).reshape(x.shape)[tuple(key)]
    hit = np.zeros(x.size, bool)
    hit[positions.ravel()] = True
    if hit.sum() != positions.size:
        raise ArgumentError(f"x[{key}] = value: the index names an element twice, so which value it gets is "
                            "undefined; use unique indices")
    v = ops.as_node(v)
    extra = v.ndim - positions.ndim
    if extra > 0 and all(n == 1 for n in v.shape[:extra]):     # leading 1s of the value are dropped, as in NumPy
        v = ops.reshape(v, v.shape[extra:])
    spread = ops.scatter_add(ops.broadcast_to(v, positions.shape), key, x.shape)
    return ops.where(ops.const(hit.reshape(x.shape)), spread, x)


def _scaled(op, alpha):
    """``op(x, alpha·y)``: PyTorch's ``alpha`` argument of add and sub."""
    return op if alpha == 1 else lambda x, y: op(x, y * alpha)


class _Put:
    """``x[key] = v``: its graph (``_put``), and the same on values where nothing is recorded."""

    def __init__(self, key):
        self.key = key
        self.plain = _plain(key)
        # a part that is an array or a list may name an element twice
        self.picks = not self.plain and any(isinstance(k, (np.ndarray, list)) for k in key)

    def __call__(self, x, v):
        return _put(x, self.key, v)

    def on_values(self, x, v):
        """The new value of ``x`` (arrays); None where only the graph says how (an element named twice, a
        shape to explain)."""
        if self.picks:
            return None
        new = np.array(x)
        try:
            new[self.key] = v
        except (IndexError, ValueError, TypeError):
            return None
        return new


def _basic(key):
    """Whether ``key`` (``_key``'s parts) indexes by ints, slices, None and ``...`` only (a 0-d integer array, a
    0-d tensor's value, counts as an int): NumPy's and PyTorch's basic indexing, whose result is a view."""
    for k in key:
        if k is None or k is Ellipsis or type(k) is slice:
            continue
        if isinstance(k, (bool, np.bool_)):
            return False
        if isinstance(k, (int, np.integer)) or isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype.kind in "iu":
            continue
        return False
    return True


def _plain(key):
    """Whether every part of ``key`` is an int or a slice (an item update's: parts that compare with ``==``)."""
    for k in key:
        if type(k) is not int and type(k) is not slice:
            return False
    return True


def _records(*operands):
    """Whether an operation on ``operands`` is recorded (recording is on and some tensor requires grad)."""
    if eager.is_recording():
        for t in operands:
            if isinstance(t, eager.Tensor) and t.requires_grad:
                return True
    return False


def _on_values(builder, x, operands, casting):
    """``builder(x, *operands)`` in x's shape and dtype computed on values (nothing is recorded), or None
    where the graph builder is needed (an index ``_Put`` cannot take on values, a builder of several nodes)."""
    if isinstance(builder, _Put):
        v = operands[0]
        return builder.on_values(x.value, np.asarray(v.value if isinstance(v, eager.Tensor) else v))
    if type(builder) is not ops.Primitive:
        return None
    y = eager.call(builder, x, *operands)
    _check_into(y.spec, x.spec, casting)
    return np.asarray(y.value).astype(x.spec.dtype, copy=False)


def _into(y, x, casting):
    """``y`` as the new value of ``x``: x's shape, and x's dtype when NumPy's ``casting`` rule allows it."""
    _check_into(y, x, casting)
    return ops.astype(y, x.dtype)


def _check_into(y, x, casting):
    """Refuse ``y`` (anything with a shape and a NumPy dtype: a node, a spec) as the new value of ``x``."""
    if y.shape != x.shape:
        raise ShapeError(f"in-place operation: output with shape {list(x.shape)} doesn't match the broadcast "
                         f"shape {list(y.shape)}")
    if y.dtype != x.dtype and not np.can_cast(y.dtype, x.dtype, casting):
        raise ArgumentError(f"in-place operation: result type {y.dtype} can't be cast to the desired output "
                            f"type {x.dtype}")


def _check_in_place(t):
    """Refuse, before anything changes, an in-place change of ``t`` (or of the tensors its view puts back into)
    that PyTorch refuses or whose history graphgrad could not keep."""
    detached, view = False, False
    while t is not None:
        if not detached and t.is_leaf and t.requires_grad and eager.is_recording():
            raise InPlaceError(("a view of a leaf Variable" if view else "a leaf Variable") +
                               " that requires grad is being used in an in-place operation.")
        if t.parents and (detached or not eager.is_recording()):
            raise InPlaceError("an in-place change of a recorded tensor (one with a grad_fn) inside no_grad or "
                               "through detach()/.data would hide it from its gradients; change it outside "
                               "no_grad, or detach() it into a new tensor first")
        base, put_back, taken, _ = _views.get(t, _NO_VIEW)
        if put_back is _repeated:
            raise InPlaceError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location. Please clone() the tensor before performing the operation.")
        if base is not None and _state(base) is not taken:
            raise InPlaceError("this view is out of date: the tensor it shows changed after the view was taken "
                               "(views are copies in graphgrad, so writing it back would undo that change); "
                               "take the view again, then change it in place")
        t, detached, view = base, detached or (base is not None and put_back is None), True


def _owner(t, default=None):
    """The tensor whose ``.grad`` gets ``t``'s gradient (``_owners``; for a parameter's value, the parameter),
    or ``default``."""
    ref = _owners.get(t)
    owner = eager.Variable.holder(t) if ref is None else ref()
    return default if owner is None else owner


def _state(t):
    """What changes whenever ``t`` changes in place: its value, or for a tensor sharing memory, its token."""
    shared = _shared.get(t)
    return t._value if shared is None else shared[1]


def share(t, array):
    """``t`` now holds ``array`` itself, which NumPy shares: changes on either side show on the other."""
    t._value = array
    _shared[t] = [array, object()]
    return t


def _become(t, result):
    """``t`` now holds ``result`` (its value, and its node and history when recorded), keeping its identity;
    a tensor sharing memory with NumPy gets the new value written into that memory."""
    if isinstance(t, eager.Variable):
        if result.parents:
            raise InPlaceError(f"a Parameter cannot hold recorded history: '{t.name}' was changed in place by an "
                               "operation on tensors that require grad; do it inside torch.no_grad()")
        t.assign(result.value)
    else:
        if t._node is not None:
            eager.tensor.replaced(t._node, result)
        t._node, t._value, t.parents = result._node, result._value, result.parents
        t.requires_grad = t.requires_grad or result.requires_grad
        shared = _shared.get(t)
        if shared is not None:
            np.copyto(shared[0], result.value, casting="unsafe")
            share(t, shared[0])
        _refresh_views(t)


def set_value(t, value):
    """``t``, a Parameter or any leaf tensor, now holds ``value``: an optimizer's step, made in place without
    recording (PyTorch's optimizers take any leaf tensor)."""
    if isinstance(t, eager.Variable):
        t.take(value)
    else:
        with eager.no_grad():
            _become(t, Tensor.leaf(value))


def _repeated(base, view):
    """The ``put_back`` of a view that shows some element of its tensor more than once (``expand``): a mark, for
    ``_check_in_place`` refuses every in-place change of such a view, as PyTorch does, before it would be called."""
    raise AssertionError("_check_in_place refuses an in-place change of a view that repeats elements")


def _set_grad(t, grad):
    t.grad = grad


def _put_back(view):
    """An in-place change of a view, made in the tensor it shows (and so on up)."""
    base, put_back, _, _ = _views.get(view, _NO_VIEW)
    if base is None:
        return
    if put_back is None:
        with eager.no_grad():
            _become(base, Tensor.leaf(view.value))
        _put_back(base)
    else:
        base._in_place(put_back, view, casting="unsafe", checked=True)   # (the view's check walked base's)
    _views[view] = (base, put_back, _state(base), _state(view))     # the view shows the base as it is now


def _shown_as_is(t, key, view):
    """Whether ``t[key] = view`` changes nothing, as when ``t[key] += 1`` sets back the view it changed in
    place (which put its new value back already): ``view`` shows ``t`` at ``key``, both unchanged since, and
    nothing records."""
    base, put_back, taken, shown = _views.get(view, _NO_VIEW)
    return (base is t and taken is _state(t) and shown is _state(view) and isinstance(put_back, _Put) and
            put_back.plain and _plain(key) and put_back.key == key and not _records(t, view))


_BYTE = np.zeros(1, np.int8)


def _layout(t):
    """Where ``t``'s elements lie in memory, as a NumPy array of its shape and strides that holds no data (never
    read): a view's as its operation left them (``_shows``), any other tensor's in order. NumPy's strides rules
    are PyTorch's, so they say what is contiguous and which shapes a view can take."""
    base = _views.get(t, _NO_VIEW)[0]
    entry = None if base is None else _shown_by.get(base, {}).get(id(t))
    return _in_order(tuple(t.shape)) if entry is None else entry[3]


@functools.lru_cache(maxsize=1024)
def _in_order(shape):
    """The layout of elements of ``shape`` in order (read-only: it is shared, and its memory is one byte)."""
    strides = tuple(int(np.prod(shape[k + 1:], dtype=np.int64)) for k in range(len(shape)))
    return np.lib.stride_tricks.as_strided(_BYTE, shape, strides, writeable=False)


def _reshaped(layout, dims):
    """``layout`` in the shape ``dims`` without moving an element (as PyTorch's ``view`` takes it), or None."""
    layout = layout.view()
    try:
        layout.shape = dims
    except (AttributeError, ValueError):   # (NumPy's refusal to reshape in place: a copy would be needed)
        return None
    return layout


def _shows(view, base, put_back, layout, forward, again=None):
    """Note that ``view`` shows ``base``: ``put_back(base, new_view)`` is base with the view's elements replaced,
    ``layout`` where its elements lie (``_layout``), ``forward(base's value)`` its value and ``again(base)`` the
    view recorded again (the operation that made it, on tensors; None for a view that never records)."""
    if view is not base:
        _views[view] = (base, put_back, _state(base), _state(view))
        shown = _shown_by.get(base)
        if shown is None:
            shown = _shown_by[base] = {}
        i = id(view)
        shown[i] = (weakref.ref(view, lambda _: shown.pop(i, None)), forward, again, layout)
    return view


def _same(value):
    return value


def _refresh_views(base):
    """The views of ``base`` show it as it is now that it changed in place, as PyTorch's views, which share its
    memory, do: each is made again from it, and so on down. A view that records is recorded again (its
    gradient then flows through the change, as PyTorch's does); one that records nothing gets the value."""
    shown = _shown_by.get(base)
    views = [] if not shown else [(view, forward, again) for ref, forward, again, _ in list(shown.values())
                                  for view in [ref()] if view is not None]
    for view, forward, again in views:
        if view.parents:   # (recorded even when the change was made under no_grad, as PyTorch's view keeps its grad_fn)
            with eager.recording(True):
                _become(view, again(base))   # (which makes the view's own views again)
        else:
            value = base.value
            new = np.array(forward(value)) if _shared.get(base) is not None else np.asarray(forward(value))
            shared = _shared.get(view)   # (memory NumPy shares may change: the view holds its own copy)
            if shared is not None:
                np.copyto(shared[0], new, casting="unsafe")
                share(view, shared[0])
            else:
                new.setflags(False)   # (write=False)
                view._node, view._value = None, new
            _refresh_views(view)
        _views[view] = (base, _views.get(view, _NO_VIEW)[1], _state(base), _state(view))


class Tensor(eager.Tensor):
    """An eager tensor with PyTorch's methods; ``.grad`` after ``backward()``."""

    __slots__ = ()

    def __init__(self, *args, **kwargs):
        """graphgrad's ``Tensor(node, value, ...)``, or PyTorch's legacy constructor: ``torch.Tensor(data)`` (float32)
        and ``torch.Tensor(2, 3)`` (float32 zeros: PyTorch leaves the memory as it was, graphgrad has none)."""
        if args and (args[0] is None or isinstance(args[0], Node)) or kwargs:
            return super().__init__(*args, **kwargs)
        sizes = all(isinstance(n, (int, np.integer)) for n in args)
        leaf = Tensor.leaf(np.zeros(args or (0,), np.float32) if sizes else as_array(args[0], np.float32))
        super().__init__(leaf.node, leaf.value)

    # --- what it is -------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self.spec.shape)

    @property
    def dtype(self):
        return dtypes.of(self.spec.dtype)

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def dim(self):
        return self.ndim

    def numel(self):
        return self.shape.numel()

    nelement = numel

    @property
    def is_leaf(self):
        return not self.parents

    @property
    def grad_fn(self):
        """The recorded operation that made this tensor (None for a leaf), under PyTorch's name."""
        return BackwardFunction(self) if self.parents else None

    def retain_grad(self):
        """Let ``backward()`` fill this non-leaf tensor's ``.grad`` too (a leaf's is filled anyway)."""
        if not self.requires_grad:
            raise ArgumentError("can't retain_grad on Tensor that has requires_grad=False")
        if not self.is_leaf:
            _retaining[self] = True

    @property
    def retains_grad(self):
        return _retaining.get(self, False)

    @property
    def grad(self):
        return _grads.get(self)

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, eager.Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                            f"{type(value).__name__}")
        if value is None:
            _grads.pop(self, None)
        else:
            _grads[self] = value

    @property
    def data(self):
        """The value, detached: changing it in place changes this tensor without recording (as in PyTorch)."""
        return self.detach()

    @data.setter
    def data(self, value):
        with eager.no_grad():
            _become(self, Tensor.leaf(value.value if isinstance(value, eager.Tensor) else value))

    def numpy(self):
        """The value as a NumPy array sharing this tensor's memory, as in PyTorch: changing one changes the
        other."""
        if self.requires_grad:
            raise ArgumentError("Can't call numpy() on a tensor that requires grad; use tensor.detach().numpy()")
        if _shared.get(self) is None:
            share(self, np.array(self.value))
        return _shared.get(self)[0]

    def tolist(self):
        return np.asarray(self.value).tolist()

    def detach(self):
        """The same value as a new leaf, cut from the recorded graph (changing it in place changes this tensor)."""
        return _shows(Tensor.leaf(self.value), self, None, _layout(self), _same)

    def contiguous(self, memory_format=None):
        """The tensor itself when its elements lie in order in memory, else a copy that is (as in PyTorch: a
        transposed or column-sliced view copies, so changing the result leaves the view's tensor alone)."""
        return self if self.is_contiguous() else self.clone()

    def is_contiguous(self, memory_format=None):
        """Whether the elements lie in order in memory: only a view (a transpose, a slice) may not (``_layout``)."""
        return _layout(self).flags.c_contiguous

    def clone(self):
        """A copy, recorded (gradients flow back through it); changing it leaves this tensor alone."""
        return eager.call(lambda x: ops.astype(x * 1, x.dtype), self)

    @classmethod
    def remark(cls, tensor):
        """The name ``named`` gave ``tensor``'s grad_fn, which a replayed step's tensor gets again."""
        return naming(tensor.node)

    @classmethod
    def mark(cls, tensor, remark):
        name_again(tensor.node, remark)

    def snapshot(self):
        """What an operation records: this tensor's state now, which later in-place changes leave alone
        (a leaf's snapshot gives its gradient to the leaf; memory NumPy shares is copied). A leaf that requires
        grad, read in every step of a loop, keeps its last snapshot, which stands for it while its value is
        the same (another tensor's snapshot is cheap to make, and most are read once)."""
        owned = self.requires_grad and not self.parents
        if owned:
            last = _snapshots.get(self)
            if last is not None and last._value is self._value and last._node is self._node:
                return last
        shared = _shared.get(self) is not None
        state = eager.made(Tensor, self.node, np.array(self._value) if shared else self._value, self.parents,
                           self.requires_grad)
        if owned:
            _owners[state] = weakref.ref(_owner(self, self))
            if not shared:
                _snapshots[self] = state
        return state

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A new leaf of ``data`` in this tensor's dtype unless ``dtype`` (``new_ones`` and the rest alike)."""
        on_cpu(device)
        return Tensor.leaf(as_array(data, dtype or self.dtype), requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return self.new_tensor(np.full(_dims((size,)), fill_value), dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_full(_dims(size), 1, dtype, device, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_full(_dims(size), 0, dtype, device, requires_grad)

    new_empty = new_zeros   # PyTorch leaves the memory as it was; graphgrad has none to leave, so zeros

    def requires_grad_(self, requires_grad=True):
        if not self.is_leaf:
            raise ArgumentError("requires_grad_ changes leaves only; call it on the tensor you created")
        self.requires_grad = bool(requires_grad)
        return self

    # --- PyTorch's method spellings of graphgrad ops ------------------------------------------------
    def __getitem__(self, key):
        """``x[key]``: for ints, slices, None and ``...`` a view (changing it in place changes ``x``); a key with
        an array, a list or a bool picks elements into a copy, as in PyTorch (``x[idx] += 1`` still writes
        ``x``, through ``__setitem__``)."""
        key = _key(key)
        result = None
        if not _records(self):          # nothing recorded: NumPy's indexing, which ops.index follows
            try:
                value = np.asarray(self.value[key])
            except (IndexError, ValueError, TypeError):
                value = None            # ops.index explains the key
            if value is not None:
                value.setflags(False)   # (write=False)
                result = eager.made(Tensor, None, value)
        if result is None:
            result = eager.call(ops.index, self, key)
        if not _basic(key):
            return result
        return _shows(result, self, _Put(key), _layout(self)[key], lambda b: b[key],
                      lambda b: eager.call(ops.index, b, key))

    def view(self, *shape):
        """The elements in ``shape`` (one size may be -1), sharing this tensor's memory: refused, as in PyTorch,
        when the elements do not lie so in memory (a transposed tensor's), for which ``reshape`` copies."""
        dims = _dims(shape)
        result = eager.call(ops.reshape, self, dims)   # (a size that does not fit is refused here, in its words)
        layout = _reshaped(_layout(self), dims)
        if layout is None:
            raise ShapeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                             "spans across two contiguous subspaces). Use .reshape(...) instead.")
        return _shows(result, self, lambda b, v: ops.reshape(v, b.shape), layout, lambda b: np.reshape(b, dims),
                      lambda b: eager.call(ops.reshape, b, dims))

    def reshape(self, *shape):
        """``view(shape)`` when the elements lie so in memory, else a copy (changing it leaves this tensor alone)."""
        dims = _dims(shape)
        return (self if _reshaped(_layout(self), dims) is not None else self.clone()).view(dims)

    def squeeze(self, dim=None):
        """Axes of length 1 removed (all, or ``dim`` when it has length 1; otherwise the same shape)."""
        if dim is None:
            return self.view(tuple(n for n in self.shape if n != 1))
        dim = _dim(dim, self.ndim)   # (a 0-d tensor takes 0 and -1, and stays as it is)
        return self.view(self.shape[:dim] + self.shape[dim + 1:] if self.shape[dim:dim + 1] == (1,) else self.shape)

    def unsqueeze(self, dim):
        """A new axis of length 1 at ``dim`` (negative counts from the end of the result)."""
        dim = _dim(dim, self.ndim + 1)
        return named(self.view(self.shape[:dim] + (1,) + self.shape[dim:]), "unsqueeze", self)

    def permute(self, *dims):
        axes = tuple(_dim(d, self.ndim) for d in _dims(dims))
        inverse = tuple(int(i) for i in np.argsort(axes))
        return _shows(eager.call(ops.transpose, self, axes), self, lambda b, v: ops.transpose(v, inverse),
                      _layout(self).transpose(axes), lambda b: np.transpose(b, axes),
                      lambda b: eager.call(ops.transpose, b, axes))

    def transpose(self, dim0, dim1):
        """Axes ``dim0`` and ``dim1`` swapped."""
        axes = list(range(self.ndim))
        dim0, dim1 = _dim(dim0, self.ndim), _dim(dim1, self.ndim)
        if axes:   # (a 0-d tensor takes 0 and -1, and stays as it is)
            axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return named(self.permute(axes), "transpose", self)

    swapaxes = swapdims = transpose

    def movedim(self, source, destination):
        """Axes ``source`` (an int or a sequence) moved to ``destination``, the others in their order."""
        source, destination = [source] if isinstance(source, int) else list(source), \
            [destination] if isinstance(destination, int) else list(destination)
        if len(source) != len(destination):
            raise ArgumentError(f"movedim: Invalid source or destination dims: source ({source} dims) should "
                                f"contain the same number of dims as destination ({destination} dims)")
        source, destination = [_dim(d, self.ndim) for d in source], [_dim(d, self.ndim) for d in destination]
        if len(set(source)) < len(source) or len(set(destination)) < len(destination):
            raise ArgumentError(f"movedim: repeated dim in source ({source}) or destination ({destination})")
        rest = iter(d for d in range(self.ndim) if d not in source)
        placed = dict(zip(destination, source))
        return self.permute([placed[d] if d in placed else next(rest) for d in range(self.ndim)])

    @property
    def mT(self):
        """The last two axes swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise ShapeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D "
                             "tensor.")
        return self.transpose(-2, -1)

    def view_as(self, other):
        return self.view(other.shape)

    def unflatten(self, dim, sizes):
        """Axis ``dim`` split into axes of ``sizes`` (one may be -1), whose product is its size."""
        dim = _dim(dim, self.ndim)
        return self.view(self.shape[:dim] + tuple(sizes) + self.shape[dim + 1:])

    def t(self):
        return named(self.permute((1, 0) if self.ndim == 2 else tuple(range(self.ndim))), "t", self)

    @property
    def T(self):
        return self.permute(tuple(reversed(range(self.ndim))))

    def flatten(self, start_dim=0, end_dim=-1):
        start, end = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        if start > end:
            raise ShapeError("flatten() has invalid args: start_dim cannot come after end_dim")
        shape = self.shape[:start] + (-1,) + self.shape[end + 1:]
        return self.reshape(shape)

    # --- pieces along an axis: views, through basic indexing (changing one in place changes this tensor) ---
    def _axis(self, dim, refusal):
        """``(axis, its size)`` of ``dim`` (checked), or ``refusal`` (PyTorch's words) for a 0-d tensor."""
        if not self.ndim:
            raise ShapeError(refusal)
        dim = _dim(dim, self.ndim)
        return dim, self.shape[dim]

    def _along(self, dim, part):
        """This tensor indexed by ``part`` (an int or a slice) along axis ``dim``."""
        return self[(slice(None),) * dim + (part,)]

    def narrow(self, dim, start, length):
        """The ``length`` elements from ``start`` (negative counts from the end) along ``dim``."""
        dim, size = self._axis(dim, "narrow() cannot be applied to a 0-dim tensor.")
        if not -size <= start <= size:
            raise ShapeError(f"narrow(): start out of range (expected to be in range of [{-size}, {size}], "
                             f"but got {start})")
        start = start + size if start < 0 else start
        if length < 0:
            raise ShapeError("narrow(): length must be non-negative.")
        if start + length > size:
            raise ShapeError(f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({size}).")
        return self._along(dim, slice(start, start + length))

    def select(self, dim, index):
        """Element ``index`` (negative counts from the end) along ``dim``, that axis removed."""
        dim, size = self._axis(dim, "select() cannot be applied to a 0-dim tensor.")
        if not -size <= index < size:
            raise ShapeError(f"select(): index {index} out of range for tensor of size {list(self.shape)} at "
                             f"dimension {dim}")
        return self._along(dim, index % size)

    def unbind(self, dim=0):
        """The tensors along ``dim``, each with that axis removed."""
        dim, size = self._axis(dim, f"Dimension specified as {dim} but tensor has no dimensions")
        return tuple(named(self._along(dim, i), "unbind", self) for i in range(size))

    def split(self, split_size_or_sections, dim=0):
        """Pieces along ``dim``: of ``split_size`` elements each (the last may be smaller), or of the sizes
        listed (which must add up to the axis's size)."""
        dim, size = self._axis(dim, "split expects at least a 1-dimensional tensor")
        if isinstance(split_size_or_sections, (int, np.integer)):
            step = int(split_size_or_sections)
            if step < 0 or step == 0 and size:
                raise ShapeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
            sizes, spelled = [min(step, size - start) for start in range(0, size, step or 1)] or [0], "split"
        else:
            sizes, spelled = [int(n) for n in split_size_or_sections], "split_with_sizes"
            if min(sizes, default=0) < 0:
                raise ShapeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                                 f"split_sizes={sizes}")
            if sum(sizes) != size:
                raise ShapeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                                 f"size at dimension {dim}), but got split_sizes={sizes}")
        starts = np.cumsum([0] + sizes[:-1])
        return tuple(named(self._along(dim, slice(int(s), int(s) + n)), spelled, self) for s, n in zip(starts, sizes))

    def chunk(self, chunks, dim=0):
        """At most ``chunks`` pieces along ``dim``, of ``ceil(size / chunks)`` elements each (the last may be
        smaller; fewer pieces when that size leaves none for the rest); ``chunks`` empty ones of an empty axis."""
        if chunks <= 0:
            raise ArgumentError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        _, size = self._axis(dim, "chunk expects at least a 1-dimensional tensor")
        return self.split(-(-size // chunks) if size else [0] * chunks, dim)

    def sum(self, dim=None, keepdim=False):
        return eager.call(ops.sum, self, axis=dim, keepdims=keepdim)

    def mean(self, dim=None, keepdim=False, dtype=None):
        """The mean (computed in ``dtype`` when given), of floating tensors only: PyTorch refuses to guess a
        dtype for the mean of integers."""
        x = self if dtype is None else self.to(dtype)
        if x.spec.dtype.kind != "f":
            which = "Input" if dtype is None else "Optional"
            raise ArgumentError(f"mean(): could not infer output dtype. {which} dtype must be either a floating "
                                f"point or complex dtype. Got: {_TYPE_NAMES[x.spec.dtype.name]}")
        return eager.call(ops.mean, x, axis=dim, keepdims=keepdim)

    def var(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
        """The variance, divided by N - 1 (``unbiased``, PyTorch's default) or N - ``correction``."""
        ddof = int(unbiased) if correction is None else correction
        return eager.call(ops.var, self, axis=dim, ddof=ddof, keepdims=keepdim)

    def std(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
        """The standard deviation: the square root of ``var`` (N - 1 in the denominator unless told)."""
        return named(self.var(dim, unbiased, keepdim, correction=correction).sqrt(), "std", self)

    def all(self, dim=None, keepdim=False):
        """Whether every element is nonzero (along ``dim``): a boolean tensor."""
        return eager.call(ops.all, self, axis=dim, keepdims=keepdim)

    def any(self, dim=None, keepdim=False):
        """Whether some element is nonzero (along ``dim``): a boolean tensor."""
        return eager.call(ops.any, self, axis=dim, keepdims=keepdim)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """Whether ``|self - other| <= atol + rtol·|other|`` everywhere: a Python bool."""
        return bool(np.allclose(self.value, other.value, rtol, atol, equal_nan))

    def max(self, dim=None, keepdim=False):
        """The largest element; along ``dim``, ``(values, indices)``; ``max(other)``: the elementwise maximum."""
        return self._extreme("max", ops.max, np.argmax, ops.maximum, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        """The smallest element; along ``dim``, ``(values, indices)``; ``min(other)``: the elementwise minimum."""
        return self._extreme("min", ops.min, np.argmin, ops.minimum, dim, keepdim)

    def _extreme(self, name, reduce, arg, elementwise, dim, keepdim):
        if isinstance(dim, eager.Tensor):
            return eager.call(elementwise, self, dim)
        values = eager.call(reduce, self, axis=dim, keepdims=keepdim)
        if dim is None:
            return values
        return ReturnType(name, values=values, indices=Tensor.leaf(arg(self.value, axis=dim, keepdims=keepdim)))

    def argmax(self, dim=None, keepdim=False):
        dim = None if dim is None else _dim(dim, self.ndim)
        return Tensor.leaf(np.argmax(self.value, axis=dim, keepdims=keepdim))

    def argmin(self, dim=None, keepdim=False):
        dim = None if dim is None else _dim(dim, self.ndim)
        return Tensor.leaf(np.argmin(self.value, axis=dim, keepdims=keepdim))

    def norm(self, p="fro", dim=None, keepdim=False):
        """The ``p``-norm of all elements (``dim`` None: as one vector, whatever the shape) or along ``dim``;
        "fro" is the 2-norm, as PyTorch reads it."""
        p = 2 if p == "fro" else p
        if dim is None:
            return named(eager.call(lambda x: ops.norm(ops.ravel(x), ord=p), self), "norm", self)
        return eager.call(ops.norm, self, ord=p, axis=dim, keepdims=keepdim)

    def gather(self, dim, index):
        """``out[i][j] = self[index[i][j]][j]`` for dim 0 (and so on): ``index`` picks along ``dim``; its other
        sizes may be smaller than this tensor's."""
        index = np.asarray(index.value if isinstance(index, eager.Tensor) else index)
        if index.ndim != self.ndim or index.dtype.kind not in "iu":
            raise ArgumentError(f"gather: index must be an integer tensor with as many dimensions as the input "
                                f"({self.ndim}), got {index.dtype} of shape {index.shape}")
        dim = _dim(dim, self.ndim)
        near = tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape))
        return eager.call(lambda x: ops.take_along_axis(ops.index(x, near), index, axis=dim), self)

    def pow(self, exponent):
        return self ** exponent

    def add(self, other, alpha=1):
        return eager.call(_scaled(ops.add, alpha), *promoted([self, other]))

    def sub(self, other, alpha=1):
        return eager.call(_scaled(ops.sub, alpha), *promoted([self, other]))

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def matmul(self, other):
        return self @ other

    mm = matmul

    def dot(self, other):
        """The inner product of two vectors (1-D, of one dtype: PyTorch neither broadcasts nor promotes here)."""
        if self.ndim != 1 or other.ndim != 1:
            raise ArgumentError(f"dot: 1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        if self.dtype != other.dtype:
            raise ArgumentError(f"dot: expected both vectors to have same dtype, but found {self.dtype} and "
                                f"{other.dtype}")
        return self @ other

    def mv(self, vec):
        """The product of this matrix and the vector ``vec``."""
        if self.ndim != 2 or vec.ndim != 1:
            raise ArgumentError(f"mv: a matrix and a vector expected, but got {self.ndim}D and {vec.ndim}D tensors")
        return self @ vec

    def cumsum(self, dim, dtype=None):
        """The running sum along ``dim`` (computed in ``dtype`` when given)."""
        return eager.call(ops.cumsum, self if dtype is None else self.to(dtype), axis=dim)

    def prod(self, dim=None, keepdim=False, dtype=None):
        """The product of the elements, or along ``dim`` (one axis, as PyTorch takes); integers give int64."""
        if isinstance(dim, (tuple, list)):
            raise TypeError("prod(): argument 'dim' must be int, not tuple")
        return eager.call(ops.prod, self if dtype is None else self.to(dtype), axis=dim, keepdims=keepdim)

    def logsumexp(self, dim, keepdim=False):
        """log Σ exp along ``dim``, without overflow (graphgrad's ``logsumexp``); integers are taken as floats."""
        (x,) = promoted([self], to_float=True)
        return eager.call(ops.logsumexp, x, axis=dim, keepdims=keepdim)

    def softmax(self, dim):
        """exp(x) / Σ exp(x) along ``dim`` (``torch.softmax``, ``F.softmax``); integers are taken as floats."""
        (x,) = promoted([self], to_float=True)
        return eager.call(ops.softmax, x, axis=dim)

    def log_softmax(self, dim):
        """log softmax along ``dim``, without overflow; integers are taken as floats."""
        (x,) = promoted([self], to_float=True)
        return named(eager.call(ops.log_softmax, x, axis=dim), "log_softmax", self)

    def expand(self, *sizes):
        """This tensor broadcast to ``sizes`` (-1 keeps an axis's size; new axes go in front): a view (it shows
        later in-place changes of this tensor), which cannot itself be changed in place where it repeats elements."""
        sizes = _dims(sizes)
        extra = len(sizes) - self.ndim
        if extra < 0 or any(n == -1 for n in sizes[:extra]):
            raise ArgumentError(f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
                                f"the number of dimensions in the tensor ({self.ndim}), and new axes need sizes")
        shape = tuple(old if n == -1 else n for n, old in zip(sizes, (None,) * extra + tuple(self.shape)))
        repeats = int(np.prod(shape, dtype=np.int64)) > self.numel()
        return _shows(eager.call(ops.broadcast_to, self, shape=shape), self,
                      _repeated if repeats else (lambda b, v: ops.reshape(v, b.shape)),
                      np.broadcast_to(_layout(self), shape), lambda b: np.broadcast_to(b, shape),
                      lambda b: eager.call(ops.broadcast_to, b, shape=shape))

    def expand_as(self, other):
        return self.expand(other.shape)

    def where(self, condition, other):
        """``torch.where(condition, self, other)``."""
        return where(condition, self, other)

    def clamp(self, min=None, max=None):
        return eager.call(ops.clip, self, min, max)

    # --- dtypes -----------------------------------------------------------------------------
    def to(self, *args, dtype=None, device=None):
        """The tensor in ``dtype`` (``to(torch.float64)``); a device is accepted only when it is the CPU. A float
        result is recorded (the gradient flows back), an integer one is a new leaf, as in PyTorch."""
        for a in args:
            if isinstance(a, (str, Device)):
                on_cpu(a)
            else:
                dtype = a
        on_cpu(device)
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self
        if np.dtype(dtype).kind == "f":
            return eager.call(ops.astype, self, np.dtype(dtype))
        return Tensor.leaf(self.value.astype(dtype))

    @property
    def device(self):
        return CPU

    def cpu(self):
        return self

    def cuda(self, device=None):
        return self.to("cuda")

    def type(self, dtype=None):
        """The type's name (``'torch.FloatTensor'``) without an argument, else the tensor in ``dtype``."""
        if dtype is None:
            return f"torch.{_TYPE_NAMES[self.dtype.name]}Tensor"
        if isinstance(dtype, str):
            names = {f"torch.{name}Tensor": dtype_name for dtype_name, name in _TYPE_NAMES.items()}
            if dtype not in names:
                raise ArgumentError(f"unknown tensor type {dtype!r}; use one of {', '.join(names)}")
            dtype = np.dtype(names[dtype])
        return self.to(dtype)

    def float(self):
        return self.to(np.float32)

    def double(self):
        return self.to(np.float64)

    def long(self):
        return self.to(np.int64)

    def int(self):
        return self.to(np.int32)

    # --- in-place operations: one rule (see the module's docstring) ----------------------------------
    def _in_place(self, builder, *operands, casting="same_kind", checked=False):
        """``self`` now stands for ``builder(self, *operands)`` (in self's shape and dtype), recorded as any
        operation is; a view puts the new value back into the tensor it shows. ``checked``: the change was
        checked already (``_check_in_place``)."""
        if not checked:
            _check_in_place(self)
        value = None if _records(self, *operands) else _on_values(builder, self, operands, casting)
        if value is not None:
            value.setflags(False)   # (write=False)
            result = eager.made(Tensor, None, value)
        else:
            result = eager.call(lambda x, *a: _into(builder(x, *a), x, casting), self, *operands)
        _become(self, result)
        _put_back(self)
        return self

    def add_(self, other, alpha=1):
        return self._in_place(_scaled(ops.add, alpha), other)

    def sub_(self, other, alpha=1):
        return self._in_place(_scaled(ops.sub, alpha), other)

    def mul_(self, other):
        return self._in_place(ops.mul, other)

    def div_(self, other):
        return self._in_place(ops.div, other)

    def clamp_(self, min=None, max=None):
        return self._in_place(lambda x: ops.clip(x, min, max))

    def copy_(self, src):
        """Every element set from ``src`` (broadcast, cast to this tensor's dtype); the gradient flows to src."""
        return self._in_place(lambda x, v: _put(x, Ellipsis, v), src, casting="unsafe")

    def fill_(self, value):
        return self.copy_(value)

    def zero_(self):
        return self.copy_(0)

    def uniform_(self, a=0.0, b=1.0):
        return self.copy_(generator().uniform(a, b, tuple(self.shape)))

    def normal_(self, mean=0.0, std=1.0):
        return self.copy_(generator().normal(mean, std, tuple(self.shape)))

    def __setitem__(self, key, value):
        key = _key(key)
        if not _shown_as_is(self, key, value):
            self._in_place(_Put(key), value, casting="unsafe")

    # --- comparisons and iteration -----------------------------------------------------------------
    def __lt__(self, other): return self.lt(other)
    def __le__(self, other): return self.le(other)
    def __gt__(self, other): return self.gt(other)
    def __ge__(self, other): return self.ge(other)
    def __eq__(self, other): return self.eq(other)
    def __ne__(self, other): return self.ne(other)
    __hash__ = eager.Tensor.__hash__   # by identity, so tensors stay usable as keys

    def item(self):
        """The one element as a Python number, whatever the shape (as in PyTorch)."""
        value = self._value
        if type(value) is not np.ndarray:       # deferred, or a Python number (read here, not per loss.item())
            value = np.asarray(self.value)
        if value.size != 1:
            raise ArgumentError(f"a Tensor with {value.size} elements cannot be converted to Scalar")
        return value.item()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __iter__(self):
        """The rows (``x[0]``, ``x[1]``, ...), as PyTorch iterates."""
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __iadd__(self, other): return self.add_(other)
    def __isub__(self, other): return self.sub_(other)
    def __imul__(self, other): return self.mul_(other)
    def __itruediv__(self, other): return self.div_(other)

    # --- gradients ------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Add d self / d leaf to the ``.grad`` of every leaf that requires grad (``gradient`` weights a
        non-scalar tensor, as in PyTorch). Recorded graphs are kept anyway, so ``retain_graph`` changes nothing;
        ``create_graph`` and ``inputs`` are refused (``torch.autograd.grad`` takes both)."""
        if create_graph or inputs is not None:
            raise ArgumentError("backward(create_graph=True) and backward(inputs=...) are not supported; use "
                                "torch.autograd.grad(outputs, inputs, create_graph=True)")
        if not self.requires_grad:
            raise ArgumentError("element 0 of tensors does not require grad and does not have a grad_fn: "
                                "nothing that requires grad was used to compute it")
        if gradient is None and self.numel() != 1:
            raise ArgumentError(f"grad can be implicitly created only for scalar outputs; this tensor has shape "
                                f"{tuple(self.shape)}: call backward(gradient) or reduce it first")
        if gradient is None:               # a 0-d loss is the target itself, so a traced step computes its value
            target = self if self.ndim == 0 else self.sum()
        else:
            target = (self * gradient).sum()
        leaves, owners = None if _retaining else replay.leaves_of(target), []
        if leaves is not None:         # a replayed step's: those of the step it replays
            owners = [_owner(t, t) for t in leaves]
        else:                          # what the gradient is taken with respect to, whose .grad gets it
            retained = {id(t.node): t for t in _retaining.keys()}   # by nodes now: retain_grad() may come late
            leaves = []
            for t in eager.history(target).values():
                owner = _owner(t, retained.get(id(t.node)))
                if owner is not None or t.is_leaf and t.requires_grad:
                    leaves.append(t)
                    owners.append(t if owner is None else owner)
        deferrable = all(o.grad is None and leaf.is_leaf for o, leaf in zip(owners, leaves))
        if deferrable and eager.tracing.defer_backward(target, leaves, owners, _set_grad):
            return
        for owner, g in zip(owners, eager.gradients(target, leaves)):
            if g is None:
                continue
            before = owner.grad
            owner.grad = Tensor.leaf(g.value if before is None else before.value + g.value)

    # --- printing ---------------------------------------------------------------------------
    def __repr__(self):
        return tensor_repr(self.value, self.grad_fn.name() if self.parents else None, self.requires_grad)

    __str__ = __repr__

    def __format__(self, spec):
        """As PyTorch formats: a 0-d tensor as its number (``f"{loss:>7f}"``), any other as it prints."""
        if not self.shape and not isinstance(self, Parameter):
            return format(self.item(), spec)
        return object.__format__(self, spec)


# --- PyTorch's names of graphgrad's elementwise primitives: each one a Tensor method and a torch function ---
UNARY = {
    "abs": ops.abs, "neg": ops.neg, "negative": ops.neg, "sign": ops.sign, "square": ops.square,
    "reciprocal": ops.reciprocal, "sqrt": ops.sqrt, "exp": ops.exp, "exp2": ops.exp2, "expm1": ops.expm1,
    "log": ops.ln, "log2": ops.log2, "log10": ops.log10, "log1p": ops.log1p,
    "sin": ops.sin, "cos": ops.cos, "tan": ops.tan, "asin": ops.arcsin, "acos": ops.arccos, "atan": ops.arctan,
    "arcsin": ops.arcsin, "arccos": ops.arccos, "arctan": ops.arctan, "sinh": ops.sinh, "cosh": ops.cosh,
    "tanh": ops.tanh, "asinh": ops.arcsinh, "acosh": ops.arccosh, "atanh": ops.arctanh, "sinc": ops.sinc,
    "deg2rad": ops.deg2rad, "rad2deg": ops.rad2deg, "sigmoid": ops.sigmoid, "relu": ops.relu,
    "floor": ops.floor, "ceil": ops.ceil, "trunc": ops.trunc, "round": ops.round,
    "isfinite": ops.isfinite, "logical_not": ops.logical_not, "erf": ops.erf,
}
BINARY = {
    "maximum": ops.maximum, "minimum": ops.minimum, "fmax": ops.fmax, "fmin": ops.fmin, "atan2": ops.arctan2,
    "arctan2": ops.arctan2, "hypot": ops.hypot, "fmod": ops.fmod, "remainder": ops.mod,
    "floor_divide": ops.floor_divide,
    "logaddexp": ops.logaddexp, "logaddexp2": ops.logaddexp2,
    "eq": ops.eq, "ne": ops.ne, "lt": ops.lt, "le": ops.le, "gt": ops.gt, "ge": ops.ge,
    "logical_and": ops.logical_and, "logical_or": ops.logical_or, "logical_xor": ops.logical_xor,
}
# Tensor methods that PyTorch also offers as functions, ``torch.name(input, ...)``
FUNCTIONS = (*UNARY, *BINARY, "add", "sub", "mul", "div", "pow", "mm", "matmul", "reshape", "squeeze", "unsqueeze",
             "transpose", "permute", "t", "flatten", "clone", "clamp", "sum", "mean", "max", "min", "argmax",
             "argmin", "norm", "numel", "gather", "var", "std", "all", "any", "allclose", "dot", "mv", "cumsum", "prod",
             "logsumexp", "softmax", "log_softmax", "narrow", "select", "unbind", "split", "chunk", "swapaxes",
             "swapdims", "movedim", "unflatten")


def where(condition, input=None, other=None):
    """``torch.where(condition, input, other)``: ``input`` where ``condition`` holds, else ``other`` (either may be
    a number), promoted as PyTorch promotes them."""
    if input is None or other is None:
        raise ArgumentError("torch.where(condition) (the indices where it holds) is not supported; "
                            "use torch.where(condition, input, other)")
    if not isinstance(condition, Tensor) or condition.spec.dtype != np.bool_:
        raise TypeError("where(): argument 'condition' must be a Tensor of bools")
    return eager.call(ops.where, condition, *promoted([input, other]))


def _numpy_names(method):
    """``method`` also taking NumPy's keyword names ``axis`` and ``keepdims``, as PyTorch's reductions do."""
    def reduction(self, *args, **kwargs):
        return method(self, *args, **{_NUMPY_NAMES.get(k, k): v for k, v in kwargs.items()})
    reduction.__name__, reduction.__doc__ = method.__name__, method.__doc__
    return reduction


_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}
for _name in ("sum", "mean", "max", "min", "argmax", "argmin", "norm", "var", "std", "all", "any", "cumsum", "prod",
              "logsumexp", "softmax", "log_softmax"):
    setattr(Tensor, _name, _numpy_names(getattr(Tensor, _name)))


def _method(name, op):
    """The method ``name``: ``op`` applied to the tensor, recorded unless op has no derivative (comparisons give
    plain boolean tensors, as in PyTorch); a differentiable op's operands are promoted as PyTorch promotes them."""
    differentiable = getattr(op, "differentiable", True)
    to_float = getattr(op, "dtype", None) in (floating, divided)

    def method(self, *args, **kwargs):
        if differentiable:
            if not args and (not to_float or self.spec.dtype.kind == "f"):
                return eager.call(op, self, **kwargs)      # (one operand to promote: the common case first)
            return eager.call(op, *promoted([self, *args], to_float), **kwargs)
        with eager.no_grad():
            return eager.call(op, self, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = f"``torch.{name}``: graphgrad's ``{name_of(op)}``, elementwise."
    return method


for _name, _op in {**UNARY, **BINARY}.items():
    setattr(Tensor, _name, _method(_name, _op))

# the elementwise methods PyTorch also offers in place, ``x.exp_()``: the result in x's dtype (one it cannot hold,
# as sqrt_ of integers, refused), recorded as any in-place change is
IN_PLACE = {**{name: op for name, op in UNARY.items() if name != "isfinite"},
            **{name: BINARY[name] for name in ("fmod", "remainder", "atan2", "arctan2", "hypot", "floor_divide")},
            "pow": ops.pow}


def _in_place_method(name, op):
    def in_place(self, *args):
        return self._in_place(op, *args)
    in_place.__name__ = f"{name}_"
    in_place.__doc__ = f"``x.{name}_(...)``: ``x.{name}(...)`` written into x."
    return in_place


for _name, _op in IN_PLACE.items():
    setattr(Tensor, f"{_name}_", _in_place_method(_name, _op))


def _arithmetic(op, reflected=False):
    """The operator of ``op`` (``__add__``, or ``__radd__`` when ``reflected``) under PyTorch's promotion."""
    to_float = op is ops.div

    def operator(self, other):
        if not to_float and isinstance(other, eager.Tensor) and other.spec.dtype == self.spec.dtype:
            return eager.call(op, other, self) if reflected else eager.call(op, self, other)   # (nothing to promote)
        pair = [other, self] if reflected else [self, other]
        return eager.call(op, *promoted(pair, to_float))
    return operator


for _name, _op in {"add": ops.add, "sub": ops.sub, "mul": ops.mul, "truediv": ops.div, "pow": ops.pow,
                   "floordiv": ops.floor_divide, "mod": ops.mod}.items():
    setattr(Tensor, f"__{_name}__", _arithmetic(_op))
    setattr(Tensor, f"__r{_name}__", _arithmetic(_op, reflected=True))


def function(name):
    """``torch.name(input, *args, out=None)``: the Tensor method ``name`` of ``input`` (written into ``out``)."""
    method = getattr(Tensor, name)

    def function(input, *args, out=None, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}")
        result = method(input, *args, **kwargs)
        return result if out is None else _written(name, result, out)
    function.__name__, function.__doc__ = name, method.__doc__
    own = list(inspect.signature(method).parameters.values())[1:]
    function.__signature__ = inspect.Signature(sorted(     # the method's, with input for self and out
        [inspect.Parameter("input", inspect.Parameter.POSITIONAL_OR_KEYWORD), *own,
         inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)], key=lambda p: p.kind))
    return function


def _written(name, result, out):
    """``out`` now holding ``result`` (``out=`` of a torch function), refused where PyTorch refuses it or
    would resize ``out``."""
    if not isinstance(out, Tensor) or not isinstance(result, Tensor):
        raise ArgumentError(f"{name}(): out= takes a tensor, for a function giving one tensor")
    if result.requires_grad or out.requires_grad and eager.is_recording():
        raise ArgumentError(f"{name}(): functions with out=... arguments don't support automatic "
                            "differentiation, but one of the arguments requires grad.")
    if out.shape != result.shape:
        raise ShapeError(f"{name}(): out= has shape {list(out.shape)}, the result {list(result.shape)}; "
                         "graphgrad does not resize out")
    return out._in_place(lambda x, v: _put(x, Ellipsis, v), result)


class Device:
    """``torch.device("cpu")``: where a tensor lives. Any device may be named (``torch.device("cuda")``), as in
    PyTorch; graphgrad computes on the CPU only, so putting a tensor anywhere else is refused (``on_cpu``)."""

    def __init__(self, type, index=None):
        type = type.type if isinstance(type, Device) else str(type)
        self.type, _, number = type.partition(":")
        self.index = int(number) if number else index

    def __eq__(self, other):
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}'" + ("" if self.index is None else f", index={self.index}") + ")"


CPU = Device("cpu")


def on_cpu(where):
    """Check that ``where`` (a ``device=`` argument, a device or its name, or None) is the CPU."""
    if where is not None and Device(where).type != "cpu":
        raise ArgumentError(f"graphgrad computes on the CPU only; device {str(where)!r} is not available "
                            "(torch.cuda.is_available() is False)")


class ReturnType(tuple):
    """``torch.return_types.max`` (``min``, ``histogram``): a tuple whose parts have names (``values``,
    ``indices``), printed as PyTorch prints it."""

    def __new__(cls, name, **parts):
        result = super().__new__(cls, parts.values())
        result.name, result.fields = name, tuple(parts)
        return result

    def __getattr__(self, field):
        fields = self.__dict__.get("fields", ())
        if field in fields:
            return self[fields.index(field)]
        raise AttributeError(f"'torch.return_types.{self.name}' object has no attribute '{field}'")

    def __repr__(self):
        parts = ",\n".join(f"{field}={part!r}" for field, part in zip(self.fields, self))
        return f"torch.return_types.{self.name}(\n{parts})"


class Parameter(eager.Variable, Tensor):
    """``nn.Parameter(data, requires_grad=True)``: a module's weight; optimizers ``assign`` its new values."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        value = np.zeros(0, np.float32) if data is None else (data.value if isinstance(data, eager.Tensor) else data)
        super().__init__(value, None, eager.unique_name("param"), requires_grad)

    def _set(self, array, name, requires_grad, node=None):
        super()._set(array, name, requires_grad, node)
        _refresh_views(self)   # (an optimizer's step: ``p.data`` taken before shows the new value)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self.snapshot())


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def as_array(data, dtype=None):
    """``data`` as PyTorch's ``tensor()`` reads it: Python floats as float32, ints as int64, arrays as they are."""
    if isinstance(data, eager.Tensor):
        data = data.value
    try:
        array = np.array(data)
    except (TypeError, ValueError) as exc:
        raise InputValueError(f"not a number or array of numbers: {data!r}") from exc
    if dtype is not None:
        return array.astype(dtype)
    if not isinstance(data, np.ndarray) and array.dtype == np.float64:
        return array.astype(np.float32)
    return array
