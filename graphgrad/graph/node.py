"""Node: one application of a primitive to earlier nodes (SSA), with its shape and dtype.

Nodes are immutable and built only through primitives (see ``graphgrad.ops``), so
a node's shape has been checked when it exists. Python operators on nodes build
new nodes, which is how ``J = 3*(a*b + c)`` becomes a graph. A ``weak`` node is a
Python number or computed from Python numbers only: it takes the dtype of what it
meets, so ``x32 * (2 - 1)`` stays float32 (as in NumPy 2 and JAX).
"""
import itertools

import numpy as np

_ids = itertools.count()


class Node:
    """A value in a computation graph: ``op(*inputs, **params)`` of a known shape and dtype."""

    __slots__ = ("op", "inputs", "params", "shape", "dtype", "name", "id", "weak", "__weakref__")

    def __init__(self, op, inputs, params, shape, dtype, name=None, weak=False):
        define = object.__setattr__   # nodes are immutable: their fields are set once, here
        define(self, "op", op)
        define(self, "inputs", tuple(inputs))
        define(self, "params", dict(params))
        define(self, "shape", tuple(map(int, shape)))
        define(self, "dtype", dtype if isinstance(dtype, np.dtype) else np.dtype(dtype))
        define(self, "name", name)
        define(self, "id", next(_ids))
        define(self, "weak", bool(weak))

    def __setattr__(self, key, value):
        raise AttributeError("graphgrad nodes are immutable")

    # --- what a node is ---------------------------------------------------------
    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def is_input(self):
        return self.op.name == "input"

    @property
    def is_const(self):
        return self.op.name == "const"

    def named(self, name):
        """The same computation under a label (e.g. the ``u`` of ``u = a*b``)."""
        return Node(self.op, self.inputs, self.params, self.shape, self.dtype, name, self.weak)

    def __repr__(self):
        named = f" {self.name}" if self.name else ""
        return f"<Node{named} {self.op.name} shape={self.shape} {self.dtype}>"

    def _repr_svg_(self):
        """Jupyter shows a node as the picture of the graph that computes it (text when no renderer is installed)."""
        from . import Graph
        from ..viz import repr_svg
        return repr_svg(Graph([self]))

    def __hash__(self):
        return self.id  # nodes are keys by identity; == builds an elementwise comparison, as in NumPy

    def __bool__(self):
        raise TypeError("a graphgrad node has no truth value while the graph is being built; "
                        "use where() or compare values after evaluation")

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d node")
        return self.shape[0]

    def __iter__(self):
        """The rows along the first axis, ``x[0], x[1], ...``, as NumPy iterates an array."""
        if not self.shape:
            raise TypeError("iteration over a 0-d node")
        return (self[i] for i in range(self.shape[0]))

    # --- NumPy's functions build nodes too (see graphgrad.ops.numpy_dispatch) ----------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _dispatch().array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _dispatch().array_function(func, args, kwargs)

    # --- operators build nodes -----------------------------------------------------
    def __add__(self, o): return _ops().add(self, o)
    def __radd__(self, o): return _ops().add(o, self)
    def __sub__(self, o): return _ops().sub(self, o)
    def __rsub__(self, o): return _ops().sub(o, self)
    def __mul__(self, o): return _ops().mul(self, o)
    def __rmul__(self, o): return _ops().mul(o, self)
    def __truediv__(self, o): return _ops().div(self, o)
    def __rtruediv__(self, o): return _ops().div(o, self)
    def __pow__(self, o): return _ops().pow(self, o)
    def __rpow__(self, o): return _ops().pow(o, self)
    def __matmul__(self, o): return _ops().matmul(self, o)
    def __rmatmul__(self, o): return _ops().matmul(o, self)
    def __mod__(self, o): return _ops().mod(self, o)
    def __rmod__(self, o): return _ops().mod(o, self)
    def __lt__(self, o): return _ops().lt(self, o)
    def __le__(self, o): return _ops().le(self, o)
    def __gt__(self, o): return _ops().gt(self, o)
    def __ge__(self, o): return _ops().ge(self, o)
    def __eq__(self, o): return _ops().eq(self, o)
    def __ne__(self, o): return _ops().ne(self, o)
    def __neg__(self): return _ops().neg(self)
    def __pos__(self): return self
    def __abs__(self): return _ops().abs(self)

    def __getitem__(self, key):
        return _ops().index(self, key)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    @property
    def T(self):
        return _ops().transpose(self)

    def sum(self, axis=None, keepdims=False):
        return _ops().sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return _ops().mean(self, axis=axis, keepdims=keepdims)

    def astype(self, dtype):
        return _ops().astype(self, dtype)

    def reshape(self, *shape):
        return _ops().reshape(self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)

    def flatten(self):
        return _ops().ravel(self)

    ravel = flatten

    def squeeze(self, axis=None):
        return _ops().squeeze(self, axis)

    def swapaxes(self, axis1, axis2):
        return _ops().swapaxes(self, axis1, axis2)

    def take(self, indices, axis=None):
        return _ops().take(self, indices, axis)

    def repeat(self, repeats, axis=None):
        return _ops().repeat(self, repeats, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _ops().diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1):
        return _ops().trace(self, offset, axis1, axis2)

    def dot(self, other):
        return _ops().dot(self, other)


def _ops():
    from .. import ops  # ops build on Node; imported on first use to avoid a cycle
    return ops


def _dispatch():
    from ..ops import numpy_dispatch
    return numpy_dispatch
