"""Indexing: ``x[key]`` for any static NumPy index, and its transpose, scatter-add.

Two primitives carry every read of chosen elements: ``index`` (basic slicing,
integer-array gather, constant boolean masks, all in one NumPy ``key``) and
``scatter_add`` (the elements of g added into zeros at ``key``), each the
other's VJP. take, take_along_axis, flip, roll, diagonal, diag and pad are
thin functions over them. The key is a constant: the result's shape must be
known when the graph is built, so index arrays are NumPy arrays, not nodes.
"""
import numpy as np

from ..errors import ArgumentError, ShapeError
from ..graph import shapes
from ..graph.primitive import Primitive, as_node, const
from .shaping import moveaxis, reshape

SHOWN = 8  # index arrays up to this many elements are written out in full


class Key(tuple):
    """A normalised NumPy index: ints, slices, None, ``...`` and read-only int64/bool arrays.

    Formats as NumPy code writes it (``:, 1:3``, ``[0, 2, 2]``), so ``x[key]`` reads as written.
    """

    def __format__(self, spec):
        return ", ".join(_entry_text(e) for e in self) if self else "()"

    def __str__(self):
        return format(self)

    @property
    def has_arrays(self):
        return any(isinstance(e, np.ndarray) for e in self)


def _entry_text(e):
    if e is None:
        return "None"
    if e is Ellipsis:
        return "..."
    if isinstance(e, slice):
        text = ":".join("" if v is None else str(v) for v in (e.start, e.stop))
        return text + (f":{e.step}" if e.step is not None else "")
    if isinstance(e, np.ndarray):
        if e.size <= SHOWN:
            return str(e.tolist()).replace("'", "")
        return f"<{'mask' if e.dtype == bool else 'indices'} {shapes.fmt(e.shape)}>"
    return str(e)


def _integer(value, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ArgumentError(f"{what} must be an integer, got {value!r}")
    return int(value)


def _entry(e):
    from ..graph.node import Node
    if isinstance(e, Node):
        raise ArgumentError("an index must be a constant (an int, slice, list or NumPy array), not a graph node: "
                            "the result's shape has to be known when the graph is built")
    if e is None or e is Ellipsis:
        return e
    if isinstance(e, slice):
        parts = [None if v is None else _integer(v, "a slice bound") for v in (e.start, e.stop, e.step)]
        if parts[2] == 0:
            raise ArgumentError("a slice step cannot be zero")
        return slice(*parts)
    if isinstance(e, (int, np.integer)) and not isinstance(e, (bool, np.bool_)):
        return int(e)
    array = np.asarray(e)
    if array.size == 0 and array.dtype.kind == "f":
        array = array.astype(np.int64)   # [] indexes nothing, as in NumPy
    if array.dtype.kind not in "biu":
        raise ArgumentError(f"an index array must hold integers or booleans, got {array.dtype} ({e!r})")
    array = np.array(array, dtype=bool if array.dtype.kind == "b" else np.int64)
    array.setflags(write=False)
    return array


def key_of(key):
    """``key`` (what goes between the brackets of ``x[...]``) as a normalised ``Key``."""
    return Key(_entry(e) for e in (key if isinstance(key, tuple) else (key,)))


def _index_shape(shape, *, key):
    probe = np.lib.stride_tricks.as_strided(np.zeros(1, np.int8), shape, (0,) * len(shape))
    try:
        return probe[tuple(key)].shape
    except IndexError as exc:
        raise ShapeError(f"cannot index an array of shape {shapes.fmt(shape)} with [{key}]: {exc}") from None


def _scatter_shape(shape, *, key, shape_to):
    read = _index_shape(tuple(shape_to), key=key)
    if tuple(shape) != read:
        raise ShapeError(f"shape mismatch in scatter_add: values of shape {shapes.fmt(shape)} cannot fill "
                         f"[{key}] of an array of shape {shapes.fmt(shape_to)}, which selects {shapes.fmt(read)}")
    return tuple(shape_to)


def _scatter_add(g, key, shape_to):
    out = np.zeros(shape_to, dtype=np.result_type(g))
    if key.has_arrays:
        np.add.at(out, tuple(key), g)   # an index may repeat: every copy adds
    else:
        out[tuple(key)] = g             # basic indexing reaches each element at most once
    return out


index_p = Primitive(
    "index", impl=lambda x, key: np.asarray(x)[tuple(key)], shape=_index_shape,
    vjp=lambda g, ans, x, needs, key: (scatter_add(g, key, x.shape),),
    jvp=lambda ts, ans, x, key: index(ts[0], key),
    text="{0}[{key}]", latex=r"{0}\left[{key}\right]", precedence=50, lowering="index")

scatter_add_p = Primitive(
    "scatter_add", impl=_scatter_add, shape=_scatter_shape,
    vjp=lambda g, ans, x, needs, key, shape_to: (index(g, key),),
    jvp=lambda ts, ans, x, key, shape_to: scatter_add(ts[0], key, shape_to),
    text="scatter_add({0} → [{key}] of {shape_to})",
    latex=r"\operatorname{{scatter}}_{{[{key}]}}\left({0}\right)", lowering="scatter_add")


def index(x, key):
    """``x[key]``: NumPy indexing with a constant key (basic slicing, integer arrays, boolean masks)."""
    x = as_node(x)
    key = key if isinstance(key, Key) else key_of(key)
    if not key.has_arrays and all(isinstance(e, slice) and e == slice(None) for e in key):
        return x
    return index_p(x, key=key)


def scatter_add(g, key, shape):
    """Zeros of ``shape`` with ``g`` added at ``key``: the transpose of ``index`` (repeated indices add up)."""
    key = key if isinstance(key, Key) else key_of(key)
    return scatter_add_p(as_node(g), key=key, shape_to=tuple(shape))


def _along(axis, ndim, entry):
    """A key that applies ``entry`` on ``axis`` and keeps every other axis."""
    return (slice(None),) * (axis % ndim) + (entry,)


def take(x, indices, axis=None):
    """``np.take``: the elements at ``indices`` along ``axis`` (of the flattened array when None)."""
    x = as_node(x)
    if axis is None:
        return index(reshape(x, (-1,)), (indices,))
    shapes.normalize_axis(axis, x.ndim, " in take")
    return index(x, _along(axis, x.ndim, indices))


def take_along_axis(x, indices, axis=-1):
    """``np.take_along_axis``: ``indices`` pick along ``axis``, the other axes matched (broadcast) by position."""
    x = as_node(x)
    indices = np.asarray(indices)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    if indices.ndim != x.ndim:
        raise ShapeError(f"take_along_axis needs indices with as many axes as the array: got "
                         f"{shapes.fmt(indices.shape)} for {shapes.fmt(x.shape)}")
    axis = shapes.normalize_axis(axis, x.ndim, " in take_along_axis")[0]
    key = tuple(indices if d == axis else
                np.arange(n).reshape((1,) * d + (n,) + (1,) * (x.ndim - d - 1)) for d, n in enumerate(x.shape))
    return index(x, key)


def repeat(x, repeats, axis=None):
    """``np.repeat``: each element repeated ``repeats`` times (an int, or one count per element) along ``axis``."""
    x = as_node(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    n = x.shape[shapes.normalize_axis(axis, x.ndim, " in repeat")[0]]
    try:
        picks = np.repeat(np.arange(n), repeats)
    except ValueError:
        raise ShapeError(f"repeat got {np.size(repeats)} counts for an axis of length {n}; give one count "
                         "or one per element") from None
    return take(x, picks, axis)


def flip(x, axis=None):
    """``np.flip``: the elements in reverse order along ``axis`` (every axis when None)."""
    x = as_node(x)
    axes = shapes.normalize_axis(axis, x.ndim, " in flip")
    return index(x, tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(x.ndim)))


def roll(x, shift, axis=None):
    """``np.roll``: elements shifted by ``shift`` along ``axis`` (of the flattened array when None), wrapping."""
    x = as_node(x)
    if axis is None:
        return reshape(roll(reshape(x, (-1,)), shift, 0), x.shape)
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    for s, a in zip(shifts.ravel().tolist(), axes.ravel().tolist()):
        n = x.shape[shapes.normalize_axis(a, x.ndim, " in roll")[0]]
        if n and s % n:
            x = take(x, (np.arange(n) - s) % n, a)
    return x


def diagonal(x, offset=0, axis1=0, axis2=1):
    """``np.diagonal``: the elements ``x[..., i, i + offset]`` of the two axes, as a new last axis."""
    x = as_node(x)
    if x.ndim < 2:
        raise ShapeError(f"diagonal needs an array of at least two axes, got shape {shapes.fmt(x.shape)}")
    a1, a2 = (shapes.normalize_axis(a, x.ndim, " in diagonal")[0] for a in (axis1, axis2))
    if a1 == a2:
        raise ArgumentError(f"diagonal needs two different axes, got axis1={axis1} and axis2={axis2}")
    x = moveaxis(x, (a1, a2), (-2, -1))
    rows, cols = x.shape[-2:]
    start = max(0, -offset)
    length = max(0, min(rows - start, cols - start - offset))
    i = np.arange(start, start + length)
    return index(x, (Ellipsis, i, i + offset))


def diag(v, k=0):
    """``np.diag``: a 1-D array laid on the ``k``-th diagonal of a square matrix, or a matrix's diagonal."""
    v = as_node(v)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ShapeError(f"diag needs a 1-D or 2-D array, got shape {shapes.fmt(v.shape)}")
    n = v.shape[0] + abs(k)
    i = np.arange(v.shape[0])
    return scatter_add(v, (i + max(0, -k), i + max(0, k)), (n, n))


def tril(x, k=0):
    """``np.tril``: the elements on and below the ``k``-th diagonal of the last two axes; zeros above."""
    return _triangle(x, k, lower=True)


def triu(x, k=0):
    """``np.triu``: the elements on and above the ``k``-th diagonal of the last two axes; zeros below."""
    return _triangle(x, k, lower=False)


def _triangle(x, k, lower):
    x = as_node(x)
    if x.ndim < 2:
        raise ShapeError(f"{'tril' if lower else 'triu'} needs an array of at least two axes, "
                         f"got shape {shapes.fmt(x.shape)}")
    below = np.tri(*x.shape[-2:], k=k if lower else k - 1, dtype=bool)
    return x * const((below if lower else ~below).astype(x.dtype))


def pad(x, pad_width, mode="constant", constant_values=0):
    """``np.pad`` with a constant: ``x`` inside a border of ``constant_values`` (``pad_width`` as in NumPy)."""
    x = as_node(x)
    if mode != "constant":
        raise ArgumentError(f"pad supports mode='constant' only, got mode={mode!r}")
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    except ValueError:
        raise ShapeError(f"pad_width {pad_width!r} does not fit an array of shape {shapes.fmt(x.shape)}: "
                         "give one (before, after) pair, or one per axis") from None
    if np.any(widths < 0):
        raise ArgumentError(f"pad widths must be non-negative, got {pad_width!r}")
    shape = tuple(int(b + n + a) for n, (b, a) in zip(x.shape, widths))
    inside = tuple(slice(int(b), int(b) + n) for n, (b, _) in zip(x.shape, widths))
    out = scatter_add(x, inside, shape)
    if np.any(np.asarray(constant_values) != 0):
        border = np.pad(np.zeros(x.shape, x.dtype), widths, constant_values=constant_values)
        out = out + const(border)
    return out
