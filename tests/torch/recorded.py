"""Numbers recorded from PyTorch, shared by the tests that replay them (``record_names.py`` writes them).

A test module holds ``CASES`` (name -> a computation with the module ``torch``, PyTorch's or the spelling's)
and ``DATA`` (its ``.npz`` file); ``record_names.py`` runs the cases with real PyTorch, the test with the
spelling, and ``assert_recorded`` compares the two: dtypes, then values to float tolerance (text exactly).
"""
import numpy as np


def arrays(result):
    """A case's result as {suffix: array}: a tuple's parts as /0, /1, ..."""
    if isinstance(result, tuple):
        return {f"/{i}": np.asarray(part) for i, part in enumerate(result)}
    return {"": np.asarray(result)}


def load(path):
    with np.load(path) as data:
        return dict(data)


def assert_recorded(case, result, recorded):
    """``result`` of ``case`` equals what PyTorch gave for it."""
    for suffix, got in arrays(result).items():
        expected = recorded[case + suffix]
        if expected.dtype.kind == "U":
            np.testing.assert_array_equal(got, expected, err_msg=f"{case}{suffix}")
        else:
            assert got.dtype == expected.dtype, f"{case}{suffix}: {got.dtype} != {expected.dtype}"
            np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-7, err_msg=f"{case}{suffix}")
