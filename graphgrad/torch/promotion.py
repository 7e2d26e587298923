"""PyTorch's type promotion, where it differs from NumPy's (which graphgrad's primitives follow).

PyTorch ranks dtypes by category, bool < integer < float. Tensors with dimensions
decide first; a 0-d tensor, then a Python number, counts only when its category is
higher (a Python float then gives float32, the default dtype). Across categories
the higher one's dtype wins as it is (float32 with int64 is float32, where NumPy
says float64); true division and the functions of calculus make integers float32.
Operands are cast to that dtype before graphgrad's primitive applies.
"""
import numpy as np

from .. import eager, ops

DEFAULT_FLOAT = np.dtype(np.float32)
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _promote(a, b):
    """Two dtypes' result: the higher category's dtype, or NumPy's promotion within one category."""
    if a is None or b is None:
        return a if b is None else b
    if _CATEGORY[a.kind] != _CATEGORY[b.kind]:
        return a if _CATEGORY[a.kind] > _CATEGORY[b.kind] else b
    return np.promote_types(a, b)


def _combine(higher, lower):
    """``higher``'s dtype unless ``lower`` is of a higher category (c10's ``combine_categories``)."""
    if higher is None:
        return lower
    if lower is None or _CATEGORY[higher.kind] >= _CATEGORY[lower.kind]:
        return higher
    return _promote(higher, lower)


def _number_dtype(value):
    return DEFAULT_FLOAT if isinstance(value, float) else np.dtype(np.bool_ if isinstance(value, bool) else np.int64)


def result_dtype(operands):
    """The dtype PyTorch computes ``operands`` (tensors and Python numbers) in."""
    dimensioned = zero_dim = numbers = None
    for x in operands:
        if isinstance(x, eager.Tensor):
            spec = x.spec
            if spec.shape:
                same = dimensioned is None or dimensioned == spec.dtype
                dimensioned = spec.dtype if same else _promote(dimensioned, spec.dtype)
            else:
                zero_dim = _promote(zero_dim, spec.dtype)
        elif isinstance(x, (bool, int, float)):
            numbers = _promote(numbers, _number_dtype(x))
    return _combine(dimensioned, _combine(zero_dim, numbers))


def floating(dtype):
    """Integers and bools become float32 (true division, functions of calculus); floats stay."""
    return dtype if dtype.kind == "f" else DEFAULT_FLOAT


def cast(operands, dtype):
    """The tensors among ``operands`` in ``dtype`` (cast, recorded, where they differ); numbers as they are."""
    return [eager.call(ops.astype, x, dtype) if isinstance(x, eager.Tensor) and x.spec.dtype != dtype else x
            for x in operands]


def _one_dtype(operands, to_float):
    """Whether ``operands`` are tensors of one dtype (a float one, for ``to_float``), the common case, which
    ``promoted`` leaves as it is."""
    dtype = None
    for x in operands:
        if not isinstance(x, eager.Tensor):
            return False
        spec = x.spec
        if dtype is None:
            dtype = spec.dtype
        elif spec.dtype != dtype:
            return False
    return dtype is not None and (dtype.kind == "f" or not to_float)


def promoted(operands, to_float=False):
    """``operands`` cast to the dtype PyTorch computes them in; ``to_float``: at least float32 (true division,
    functions of calculus)."""
    if _one_dtype(operands, to_float):
        return operands
    dtype = result_dtype(operands)
    return operands if dtype is None else cast(operands, floating(dtype) if to_float else dtype)
