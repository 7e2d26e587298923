"""Node's Python operators and array methods, installed on the IR's ``Node`` by the layer that defines them.

The IR (``graph/``) imports nothing above it. As JAX's NumPy layer installs the operators on its tracer,
importing ``graphgrad.ops`` gives every node ``+``, ``x[key]``, ``x.sum()``, ``x.T`` and NumPy's protocols,
so ``J = 3*(a*b + c)`` and ``np.sin(x)`` build graphs.
"""
from ..graph import Node
from . import numpy_dispatch
from .casting import astype
from .elementwise import abs, add, div, mul, neg, pow, sub
from .indexing import diagonal, index, repeat, take
from .linalg import dot, matmul, trace
from .logic import eq, ge, gt, le, lt, ne
from .reductions import mean, sum
from .rounding import mod
from .shaping import ravel, reshape, squeeze, swapaxes, transpose


class _NodeMethods:
    """The methods copied onto ``Node`` below: each builds new nodes."""

    # --- NumPy's functions build nodes too (see graphgrad.ops.numpy_dispatch) ----------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return numpy_dispatch.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return numpy_dispatch.array_function(func, args, kwargs)

    # --- operators ------------------------------------------------------------------
    def __add__(self, o): return add(self, o)
    def __radd__(self, o): return add(o, self)
    def __sub__(self, o): return sub(self, o)
    def __rsub__(self, o): return sub(o, self)
    def __mul__(self, o): return mul(self, o)
    def __rmul__(self, o): return mul(o, self)
    def __truediv__(self, o): return div(self, o)
    def __rtruediv__(self, o): return div(o, self)
    def __pow__(self, o): return pow(self, o)
    def __rpow__(self, o): return pow(o, self)
    def __matmul__(self, o): return matmul(self, o)
    def __rmatmul__(self, o): return matmul(o, self)
    def __mod__(self, o): return mod(self, o)
    def __rmod__(self, o): return mod(o, self)
    def __lt__(self, o): return lt(self, o)
    def __le__(self, o): return le(self, o)
    def __gt__(self, o): return gt(self, o)
    def __ge__(self, o): return ge(self, o)
    def __eq__(self, o): return eq(self, o)
    def __ne__(self, o): return ne(self, o)
    def __neg__(self): return neg(self)
    def __pos__(self): return self
    def __abs__(self): return abs(self)

    def __getitem__(self, key):
        return index(self, key)

    # --- NumPy's array methods ---------------------------------------------------------
    @property
    def T(self):
        return transpose(self)

    def sum(self, axis=None, keepdims=False):
        return sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return mean(self, axis=axis, keepdims=keepdims)

    def astype(self, dtype):
        return astype(self, dtype)

    def reshape(self, *shape):
        return reshape(self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)

    def flatten(self):
        return ravel(self)

    ravel = flatten

    def squeeze(self, axis=None):
        return squeeze(self, axis)

    def swapaxes(self, axis1, axis2):
        return swapaxes(self, axis1, axis2)

    def take(self, indices, axis=None):
        return take(self, indices, axis)

    def repeat(self, repeats, axis=None):
        return repeat(self, repeats, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1):
        return trace(self, offset, axis1, axis2)

    def dot(self, other):
        return dot(self, other)


for _name, _member in vars(_NodeMethods).items():
    if callable(_member) or isinstance(_member, property):   # not the class's own __doc__, __dict__, ...
        setattr(Node, _name, _member)
