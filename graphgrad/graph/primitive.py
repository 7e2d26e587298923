"""Primitive: everything graphgrad knows about one operation, declared in one place.

A primitive carries its NumPy value, its SymPy form, its derivative rules
(VJP for reverse mode, JVP for forward mode, written as graph operations so a
derivative is itself a graph), its shape rule, its domain and how it is written
(text and LaTeX). Transforms, backends and renderers read these fields; the
primitive knows nothing about them.
"""
import string
from dataclasses import InitVar, dataclass, field
from functools import cached_property
from typing import Callable, Optional

import numpy as np

from ..errors import ArgumentError, InputValueError
from ..lazy_sympy import sp
from .node import Node

REGISTRY = {}


@dataclass(frozen=True)
class Domain:
    """Where a primitive is defined: ``check(*values)`` is True inside; ``rule`` says it in words."""
    check: Callable
    rule: str


@dataclass(frozen=True)
class Fold:
    """How a reduction or a running scan combines elements: ``combine`` (an elementwise primitive of two
    operands: the total so far, the element) from ``start``; ``mean`` divides the total by the count."""
    combine: "Primitive"
    start: float
    mean: bool = False


@dataclass(eq=False)
class Primitive:
    """One operation: value, SymPy form, derivative rules, shape rule, notation and how it is compiled.

    Every elementwise primitive is ``pointwise`` (set here); so is ``broadcast_to``.

    The compiler reads how to compute a primitive from three declarations; they are data (templates,
    names, graph builders), so this layer imports nothing of the compiler:

    - ``scalar``, for a pointwise primitive: one element as code, a ``str.format`` template of the
      operands' expressions ``{0}, {1}, ...`` (all of them: ``{operands}``), the parameters by name
      (``{decimals}``) and numbers typed in the result's dtype (``{k[1]}``, so float32 stays float32):
      ``"{0} + {1}"``, ``"{0} if {0} > {k[0]} else {k[0]}"``. Left empty when ``impl`` is NumPy's own
      function, which the compiler then calls by name (``np.log2({operands})``).
    - ``fold``, for a reduction or a scan: how it combines elements (``Fold``).
    - ``lowering``: a graph builder ``lowering(*operands, **params)`` giving the same value from other
      primitives (or None to keep the node: pow does so unless it squares), which the compiler
      computes instead; or the name of the compiler's routine for it (``"matmul"``, ``"max_pool_argmax"``).
      A primitive with none of the three runs on the NumPy interpreter when compiled (it warns).
    """
    name: str
    impl: Callable                      # numpy: impl(*arrays, **params) -> array
    shape: Callable                     # shape(*shapes, **params) -> shape; raises ShapeError
    vjp: Optional[Callable] = None      # vjp(g, ans, *xs, needs=..., **params) -> tuple of Node|None
    jvp: Optional[Callable] = None      # jvp(tangents, ans, *xs, **params) -> Node|None
    sympy: Optional[Callable] = None    # sympy(*exprs, **params) -> sympy expression (scalars)
    text: str = ""                      # "{0} + {1}", "ln {0}", "sum({0})": how it is written
    latex: str = ""                     # the same in LaTeX
    precedence: int = 100               # for parentheses when nodes are printed inline
    domain: Optional[Domain] = None
    elementwise: bool = False
    partials: tuple = field(default=())  # elementwise only: d ans / d x_k as graph builders
    differentiable: bool = True
    pointwise: bool = False             # result element i reads only element i (broadcast) of each operand
    reduction: bool = False             # reduces its operand over params ``axis`` (``keepdims``)
    dtype: Callable = None              # dtype(operands, params) -> result dtype; default: the operands' dtype
    scalar: str = ""                    # pointwise: one element as compiled code ("{0} + {1}"); default np.<impl>
    fold: Optional[Fold] = None         # reductions and scans: how elements combine
    lowering: object = None             # a graph builder of other primitives, or a compiler routine's name
    register: InitVar[bool] = True      # False: not in REGISTRY (a transform's internal primitive)

    def __post_init__(self, register):
        self.pointwise = self.pointwise or self.elementwise
        if register:
            REGISTRY[self.name] = self

    @cached_property
    def arity(self):
        """How many operands the primitive takes: the positional fields of its ``text`` template
        (None, any number, when the template writes them all as ``{operands}``)."""
        fields = {f for _, f, _, _ in string.Formatter().parse(self.text) if f is not None}
        if "operands" in fields:
            return None
        return len({f for f in fields if f.isdigit()})

    def __call__(self, *args, **params):
        return apply(self, [as_node(a) for a in args], params)

    def __repr__(self):
        return f"<primitive {self.name}>"


# --- dtypes: NumPy 2's rules, in one place ----------------------------------------------------
_KINDS = "biuf"


def operand_dtype(nodes, loop=None):
    """The dtype ``nodes`` are computed in (NumPy 2, NEP 50): the promotion of the arrays, where a Python
    number ('weak') adopts the arrays' dtype unless it is of a higher kind (a float meeting integers, an int
    meeting bools), when it counts as float64 or int64. ``loop`` maps each dtype first (to the float loop
    a float-only ufunc casts it to)."""
    strong = [n.dtype for n in nodes if not n.weak]
    if strong and len(strong) == len(nodes) and loop is None and all(d == strong[0] for d in strong):
        return strong[0]    # the common case, one dtype throughout
    top = max((_KINDS.index(d.kind) for d in strong if d.kind in _KINDS), default=-1)
    strong += [n.dtype for n in nodes if n.weak and _KINDS.index(n.dtype.kind) > top]
    return np.result_type(*(loop(d) for d in strong) if loop else strong)


# Dtype rules: rule(operand nodes, params) -> the result's dtype. Without one, a primitive's result has
# the operands' dtype (add, maximum, matmul, floor...).

def _smallest_float(dtype):
    return np.result_type(dtype, np.float16)


def floating(nodes, params=None):
    """Functions of calculus: floats stay, bools and integers become the smallest float holding them
    (int8 -> float16, int32 -> float64), as NumPy's float-only ufunc loops do."""
    return _smallest_float(operand_dtype(nodes, _smallest_float))


def divided(nodes, params=None):
    """True division and averages: floats stay, bools and integers become float64."""
    dtype = operand_dtype(nodes)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def numeric(nodes, params=None):
    """Arithmetic NumPy has no boolean loop for (square, remainders): bools become int8."""
    dtype = operand_dtype(nodes)
    return np.dtype(np.int8) if dtype.kind == "b" else dtype


def boolean(nodes, params=None):
    """Comparisons and logic."""
    return np.dtype(np.bool_)


def index(nodes, params=None):
    """argmax and argmin: a position."""
    return np.dtype(np.intp)


def name_of(op):
    """The name graphgrad gives ``op``: a primitive's own, or a graph builder's function name."""
    return getattr(op, "name", None) or op.__name__


def is_float(dtype):
    """Whether values of ``dtype`` have derivatives."""
    return np.dtype(dtype).kind == "f"


def apply(prim, inputs, params, name=None):
    """Make the node ``prim(*inputs, **params)`` after checking shapes; its dtype follows NumPy 2, and it is
    weak when every input is (``2*pi`` is still a Python number)."""
    shape, dtype, weak = result_of(prim, inputs, params)
    return Node.of(prim, tuple(inputs), dict(params), shape, dtype, name, weak)


def result_of(prim, inputs, params):
    """``(shape, dtype, weak)`` of ``prim(*inputs, **params)`` (inputs: anything with a shape, dtype and weak)."""
    return result_for(prim, [(x.shape, x.dtype, x.weak) for x in inputs], params)


class Spec:
    """An operand as the shape and dtype rules read it: its shape, dtype and weakness."""

    __slots__ = ("shape", "dtype", "weak")

    def __init__(self, shape, dtype, weak):
        self.shape, self.dtype, self.weak = shape, dtype, weak


_results = {}   # (primitive, each operand's (shape, dtype, weak), parameters and their types) -> result_for
MOST_RESULTS = 4096   # entries ``_results`` holds before it starts again


def result_for(prim, operands, params):
    """``result_of`` for ``operands`` given as ``(shape, dtype, weak)`` triples. The rules read nothing else,
    so the answer is remembered (a loop's repeated operation finds it at once) when the parameters can be part
    of the key -- with their types: 1 and 1.0 are equal keys -- and the primitive is registered (not made for
    one use, as a custom gradient's, whose rules are closures)."""
    try:
        key = (prim, *operands, *params.items(), *map(type, params.values())) if params else (prim, *operands)
        found = _results.get(key)
    except TypeError:     # a parameter that cannot be a key (an array)
        key = found = None
    if found is None:
        if prim.arity is not None and len(operands) != prim.arity:
            raise ArgumentError(f"{prim.name} takes {prim.arity} argument{'s' * (prim.arity != 1)}, "
                                f"got {len(operands)}")
        specs = [Spec(*operand) for operand in operands]
        shape = tuple(map(int, prim.shape(*(x.shape for x in specs), **params)))
        dtype = np.dtype(prim.dtype(specs, params) if prim.dtype else operand_dtype(specs))
        found = shape, dtype, all(x.weak for x in specs)      # (as a node holds them: Node.of)
        if key is not None and REGISTRY.get(prim.name) is prim:
            if len(_results) >= MOST_RESULTS:
                _results.clear()
            _results[key] = found
    return found


def as_node(value):
    """A node as is; a number or array as a constant node."""
    if isinstance(value, Node):
        return value
    return const(value)


def const(value, dtype=None):
    """A constant node of NumPy's dtype for ``value``; Python numbers are 'weak' and take the dtype of what
    they meet (``x32 * 2`` stays float32, ``n32 + 1`` int32)."""
    weak = isinstance(value, (int, float)) and not isinstance(value, bool) and dtype is None
    try:
        array = np.asarray(value, dtype=dtype)
        if weak and array.dtype.kind not in _KINDS:
            array = np.asarray(float(value))   # a whole number beyond int64 is written as a float
    except (TypeError, ValueError) as exc:
        raise InputValueError(f"not a number or array of numbers: {value!r}") from exc
    except OverflowError:
        digits = str(value)
        shown = f"{digits[:12]}... ({len(digits)} digits)" if len(digits) > 20 else digits
        raise InputValueError(f"the number {shown} is too large for a float (largest about 1.8e308)") from None
    if array.dtype.kind not in _KINDS:
        raise InputValueError(f"not a number or array of numbers: {value!r}")
    array.setflags(write=False)
    return Node(CONST, (), {"value": array}, array.shape, array.dtype, weak=weak)


def input(name, shape=(), dtype=np.float64):
    """A free variable of the graph, given a value at evaluation time."""
    return Node(INPUT, (), {}, tuple(shape), dtype, name)


def _leaf_shape(**params):
    raise AssertionError("leaves are made by input() and const(), not by apply()")


INPUT = Primitive("input", impl=None, shape=_leaf_shape, text="{name}", latex="{name}")
CONST = Primitive("const", impl=None, shape=_leaf_shape, text="{value}", latex="{value}",
                  sympy=lambda value: _sympy_const(value))


def _sympy_const(value):
    if value.ndim:
        return sp.Matrix(value) if value.ndim <= 2 else None
    v = float(value)
    return sp.Integer(int(v)) if v.is_integer() and abs(v) < 1e15 else sp.Float(v)
