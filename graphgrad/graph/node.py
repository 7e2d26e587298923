"""Node: one application of a primitive to earlier nodes (SSA), with its shape and dtype.

Nodes are immutable and built only through primitives (``primitive.apply``), so
a node's shape has been checked when it exists. Python operators on nodes build
new nodes, which is how ``J = 3*(a*b + c)`` becomes a graph; the IR imports
nothing above it, so ``graphgrad.ops`` installs them (``ops/node_methods.py``),
and ``graphgrad`` the Jupyter picture. A ``weak`` node is a Python number or
computed from Python numbers only: it takes the dtype of what it meets, so
``x32 * (2 - 1)`` stays float32 (as in NumPy 2 and JAX).
"""
import itertools

import numpy as np

_ids = itertools.count()


_new = object.__new__


class Node:
    """A value in a computation graph: ``op(*inputs, **params)`` of a known shape and dtype."""

    __slots__ = ("op", "inputs", "params", "shape", "dtype", "name", "id", "weak", "__weakref__")

    def __init__(self, op, inputs, params, shape, dtype, name=None, weak=False):
        _define(self, op, tuple(inputs), dict(params), tuple(map(int, shape)),
                dtype if isinstance(dtype, np.dtype) else np.dtype(dtype), name, bool(weak))

    @classmethod
    def of(cls, op, inputs, params, shape, dtype, name=None, weak=False):
        """``Node(...)`` of fields already of the types a node holds (a tuple of inputs, a dict of parameters
        that no one changes, a tuple of ints, a NumPy dtype, a bool: what ``primitive.result_for`` gives),
        kept as they are: converting them again costs a recorded eager operation a tenth of its time."""
        node = _new(cls)
        _define(node, op, inputs, params, shape, dtype, name, weak)
        return node

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

    def on(self, inputs):
        """The same application to ``inputs`` of this node's inputs' shapes and dtypes: a new node, its shape
        not derived again (a recorded training step replayed, ``eager.replay``: this node's shape was checked)."""
        node = _new(Node)
        _define(node, self.op, tuple(inputs), self.params, self.shape, self.dtype, self.name, self.weak)
        return node

    def named(self, name):
        """The same computation under a label (e.g. the ``u`` of ``u = a*b``)."""
        return Node(self.op, self.inputs, self.params, self.shape, self.dtype, name, self.weak)

    def __repr__(self):
        named = f" {self.name}" if self.name else ""
        return f"<Node{named} {self.op.name} shape={self.shape} {self.dtype}>"

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


_SETTERS = tuple(getattr(Node, field).__set__ for field in ("op", "inputs", "params", "shape", "dtype", "name",
                                                              "weak", "id"))


def _define(node, op, inputs, params, shape, dtype, name, weak):
    """Set a new node's fields, once: nodes are immutable (its slots written directly, past ``__setattr__``)."""
    set_op, set_inputs, set_params, set_shape, set_dtype, set_name, set_weak, set_id = _SETTERS
    set_op(node, op)
    set_inputs(node, inputs)
    set_params(node, params)
    set_shape(node, shape)
    set_dtype(node, dtype)
    set_name(node, name)
    set_weak(node, weak)
    set_id(node, next(_ids))
