"""Sizes in generated code: a kernel's array extents are runtime arguments, so it serves every model of its
structure.

The code generator decides on values (a BLAS call or a loop, a short sum written
out, an axis of extent 1 with no loop) and writes sizes as names: a ``Size`` is
an int, its value in this model, that prints as its text in the source (``d0``,
``d0 * d1``). Extents under ``SMALLEST``, but for a training step's batch, stay
numbers. Sizes of equal value share a name (``d0``, ``d1``, ... in order of
first use), bound at the top of each function from its ``dims`` argument. So two
models that differ only in sizes, with the same decisions, generate the same
source: one cache entry, one compile. A decision that differs, or two sizes
equal in one model and not in the other, shows in the source, which stays the
cache key: a kernel is only ever reused for a model whose source is its own.
"""
import math

# Extents below this are numbers in the source, part of a kernel's structure: LLVM unrolls and vectorises loops
# over them with no remainder code, and short sums are written out. As names, W1's extents 2 and 4 made its loop
# 35% slower (1.20x the hand-written loop against 0.87x), and LeNet's 9 to 54 its step about 6% (median ms per
# step of interleaved turns in one process: 9.29 against 8.72 with them numbers). A batch is an outer loop:
# named at any size, it costs nothing measurable (W1's 16).
SMALLEST = 64


def _factor(value):
    """``value``'s text as a factor of a product (a sum in parentheses)."""
    text = str(value)
    return f"({text})" if isinstance(value, Size) and (" + " in text or " - " in text) else text


class Size(int):
    """An extent: its value in this model (for decisions) and its text in the generated source."""

    def __new__(cls, value, text):
        size = super().__new__(cls, value)
        size.text = text
        return size

    def __str__(self):
        return self.text

    __repr__ = __str__

    def __format__(self, spec):
        return self.text

    def __mul__(self, other):
        return _product(self, other)

    def __rmul__(self, other):
        return _product(other, self)

    def __add__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return self if other == 0 and type(other) is int else Size(int(self) + int(other), f"{self} + {other}")

    def __radd__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return self if other == 0 and type(other) is int else Size(int(other) + int(self), f"{other} + {self}")

    def __sub__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return self if other == 0 and type(other) is int else Size(int(self) - int(other), f"{self} - {_factor(other)}")


def _product(a, b):
    if not isinstance(a, int) or not isinstance(b, int):
        return NotImplemented
    for one, other in ((a, b), (b, a)):
        if type(one) is int and one in (0, 1):
            return other if one == 1 else 0
    return Size(int(a) * int(b), f"{_factor(a)} * {_factor(b)}")


def prod(values):
    """The product of ``values`` (1 for none), symbolic when any of them is."""
    return math.prod(values, start=1)


class Sizes:
    """The names a kernel gives its sizes: ``d0, d1, ...``, one per distinct value from ``SMALLEST`` up, and for
    the values in ``named`` (a training step's batch size) from 2 up."""

    def __init__(self, named=()):
        self.values = []          # k -> the value of d{k}
        self.named = set(named)

    def __call__(self, value):
        value = int(value)
        if value < 2 or (value < SMALLEST and value not in self.named):
            return value
        if value not in self.values:
            self.values.append(value)
        return Size(value, f"d{self.values.index(value)}")

    def shape(self, shape):
        return tuple(self(extent) for extent in shape)

    def bindings(self):
        """The lines binding each name to its entry of the function's ``dims`` argument."""
        return [f"    d{k} = dims[{k}]" for k in range(len(self.values))]
