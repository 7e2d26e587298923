"""``torch.Tensor`` and ``nn.Parameter``: graphgrad's eager tensors under PyTorch's names and methods.

An operation is recorded when some operand ``requires_grad`` (and ``no_grad`` is
not in force), as in PyTorch. ``loss.backward()`` is the core's reverse mode
(``eager.gradients``) over what was recorded, and adds each leaf's gradient to
its ``.grad``, which keeps accumulating until ``zero_grad()``.
"""
import weakref

import numpy as np

from .. import eager, ops
from ..errors import ArgumentError, InputValueError

_grads = weakref.WeakKeyDictionary()     # tensor -> its accumulated .grad
_owners = weakref.WeakKeyDictionary()    # a parameter's current value (a leaf) -> the parameter


class Size(tuple):
    """``torch.Size``: a tuple of ints, printed as PyTorch prints it."""

    def numel(self):
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self):
        return f"torch.Size({list(self)})"


def _dims(shape):
    """``view(2, 3)`` and ``view((2, 3))`` alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


class Tensor(eager.Tensor):
    """An eager tensor with PyTorch's methods; ``.grad`` after ``backward()``."""

    __slots__ = ()

    # --- what it is -------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self.node.shape)

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def dim(self):
        return self.ndim

    def numel(self):
        return int(self.value.size)

    @property
    def is_leaf(self):
        return not self.parents

    @property
    def grad(self):
        return _grads.get(self)

    @grad.setter
    def grad(self, value):
        if value is None:
            _grads.pop(self, None)
        else:
            _grads[self] = value

    @property
    def data(self):
        return self.detach()

    def numpy(self):
        if self.requires_grad:
            raise ArgumentError("Can't call numpy() on a tensor that requires grad; use tensor.detach().numpy()")
        return super().numpy()

    def tolist(self):
        return np.asarray(self.value).tolist()

    def detach(self):
        """The same value as a new leaf, cut from the recorded graph."""
        return Tensor.leaf(self.value)

    def requires_grad_(self, requires_grad=True):
        if not self.is_leaf:
            raise ArgumentError("requires_grad_ changes leaves only; call it on the tensor you created")
        self.requires_grad = bool(requires_grad)
        return self

    # --- PyTorch's method spellings of graphgrad ops ------------------------------------------------
    def view(self, *shape):
        return eager.call(ops.reshape, self, _dims(shape))

    reshape = view

    def flatten(self, start_dim=0, end_dim=-1):
        start, end = start_dim % max(self.ndim, 1), end_dim % max(self.ndim, 1)
        shape = self.shape[:start] + (-1,) + self.shape[end + 1:]
        return self.view(shape)

    def t(self):
        return eager.call(ops.transpose, self)

    def sum(self, dim=None, keepdim=False):
        return eager.call(ops.sum, self, axis=dim, keepdims=keepdim)

    def mean(self, dim=None, keepdim=False):
        return eager.call(ops.mean, self, axis=dim, keepdims=keepdim)

    def max(self):
        return eager.call(ops.max, self)

    def argmax(self, dim=None, keepdim=False):
        return Tensor.leaf(np.argmax(self.value, axis=dim, keepdims=keepdim))

    def exp(self):
        return eager.call(ops.exp, self)

    def log(self):
        return eager.call(ops.ln, self)

    def relu(self):
        return eager.call(ops.relu, self)

    def sigmoid(self):
        return eager.call(ops.sigmoid, self)

    def tanh(self):
        return eager.call(ops.tanh, self)

    def pow(self, exponent):
        return self ** exponent

    def float(self):
        return Tensor.leaf(self.value, np.float32) if self.dtype != np.float32 else self

    def long(self):
        return Tensor.leaf(self.value, np.int64)

    # --- gradients ------------------------------------------------------------------------
    def backward(self, gradient=None):
        """Add d self / d leaf to the ``.grad`` of every leaf that requires grad (``gradient`` weights a
        non-scalar tensor, as in PyTorch)."""
        if not self.requires_grad:
            raise ArgumentError("element 0 of tensors does not require grad and does not have a grad_fn: "
                                "nothing that requires grad was used to compute it")
        if gradient is None and self.shape:
            raise ArgumentError(f"grad can be implicitly created only for scalar outputs; this tensor has shape "
                                f"{tuple(self.shape)}: call backward(gradient) or reduce it first")
        target = self if gradient is None else (self * gradient).sum()
        leaves = [t for t in eager.history(target).values() if t.is_leaf and t.requires_grad]
        for leaf, g in zip(leaves, eager.gradients(target, leaves)):
            if g is None:
                continue
            owner = _owners.get(leaf, leaf)
            before = owner.grad
            owner.grad = Tensor.leaf(g.value if before is None else before.value + g.value)

    # --- printing ---------------------------------------------------------------------------
    def __repr__(self):
        text = np.array2string(np.asarray(self.value), separator=", ", prefix="tensor(")
        if self.parents:
            text += f", grad_fn=<{self.node.op.name.capitalize()}Backward>"
        elif self.requires_grad:
            text += ", requires_grad=True"
        return f"tensor({text})"


class Parameter(eager.Variable, Tensor):
    """``nn.Parameter(data, requires_grad=True)``: a module's weight; optimizers ``assign`` its new values."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        value = np.zeros(0, np.float32) if data is None else (data.value if isinstance(data, eager.Tensor) else data)
        super().__init__(value, None, eager.unique_name("param"), requires_grad)

    def _set(self, array, name, requires_grad):
        super()._set(array, name, requires_grad)
        _owners[self._current] = self

    def detach(self):
        return Tensor.leaf(self.value)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self.snapshot())


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
