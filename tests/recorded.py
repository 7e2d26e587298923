"""Numbers recorded from a real framework, replayed with its graphgrad spelling; free of graphgrad and pytest at
import, so the recording scripts (run where the framework is installed) import it too.

A test module holds ``CASES`` (name -> a computation with the framework's module, the real one or the spelling)
and ``DATA`` (its ``.npz`` file); a recording script runs the cases with the real framework and saves
``arrays(result)``; ``replay(CASES, DATA, module)`` is the test that runs them with the spelling and compares:
dtypes, then values to float tolerance (text, and None as the text ``None``, exactly).
"""
import functools

import numpy as np


def arrays(result):
    """A case's result as {suffix: array}: a tuple's parts as /0, /1, ...; None (no gradient) as ``"None"``."""
    if isinstance(result, tuple):
        return {f"/{i}": np.asarray("None" if part is None else part) for i, part in enumerate(result)}
    return {"": np.asarray("None" if result is None else result)}


@functools.lru_cache(maxsize=None)
def load(path):
    with np.load(path) as data:
        return dict(data)


def assert_recorded(case, result, recorded):
    """``result`` of ``case`` equals what the framework gave for it."""
    for suffix, got in arrays(result).items():
        expected = recorded[case + suffix]
        if expected.dtype.kind == "U":
            np.testing.assert_array_equal(got, expected, err_msg=f"{case}{suffix}")
        else:
            assert got.dtype == expected.dtype, f"{case}{suffix}: {got.dtype} != {expected.dtype}"
            np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-7, err_msg=f"{case}{suffix}")


def replay(cases, data, module):
    """A test of each case of ``cases`` run with ``module`` (the spelling) against the recording in ``data``."""
    import pytest

    @pytest.mark.parametrize("case", cases)
    def test(case):
        assert_recorded(case, cases[case](module), load(data))
    return test
