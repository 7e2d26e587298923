"""Numbers recorded from PyTorch, shared by the tests that replay them (``record_names.py`` writes them).

A test module holds ``CASES`` (name -> a computation with the module ``torch``, PyTorch's or the spelling's)
and ``DATA`` (its ``.npz`` file); ``record_names.py`` runs the cases with real PyTorch, and the module's
``replay(CASES, DATA)`` test runs them with the spelling and compares: dtypes, then values to float tolerance
(text exactly).
"""
import functools

import numpy as np
import pytest

from graphgrad import torch


def arrays(result):
    """A case's result as {suffix: array}: a tuple's parts as /0, /1, ..."""
    if isinstance(result, tuple):
        return {f"/{i}": np.asarray(part) for i, part in enumerate(result)}
    return {"": np.asarray(result)}


@functools.lru_cache(maxsize=None)
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


def replay(cases, data):
    """A test of each case of ``cases`` with the spelling against PyTorch's recording in ``data``."""
    @pytest.mark.parametrize("case", cases)
    def test(case):
        assert_recorded(case, cases[case](torch), load(data))
    return test
