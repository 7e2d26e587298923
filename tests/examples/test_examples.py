"""Every example runs as written (in its fast mode) and its numbers are the textbook's."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name):
    sys.path.insert(0, str(EXAMPLES))
    try:
        spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXAMPLES))


def run(name, tmp_path):
    numbers = load(name).main(tmp_path / name, fast=True)
    assert (tmp_path / name / "index.md").exists()
    return numbers


def test_seed004_gradient_tape(tmp_path):
    n = run("seed004_gradient_tape", tmp_path)
    assert n["dy/dx of 2x + 3 at 0"] == 2 and n["dy/dx of 2x^2 + 3 at 3"] == 12
    np.testing.assert_array_equal(n["dy/dx of 2x^2 + 3 at [[1,2],[3,4]]"], [[4, 8], [12, 16]])
    np.testing.assert_array_equal(n["batched matmul"], [[[94, 100], [229, 244]], [[508, 532], [697, 730]]])
    np.testing.assert_array_equal(n["reshape (2, 3)"], [[0, 1, 2], [3, 4, 5]])


def test_seed003_gradient_descent_finds_the_minima(tmp_path):
    n = run("seed003_gradient_descent", tmp_path)
    assert n["cos x"] == pytest.approx(np.pi, abs=1e-3)
    x = n["x² cos x + sin x"]
    assert abs(2 * x * np.cos(x) - x * x * np.sin(x) + np.cos(x)) < 1e-2   # f'(x) = 0
    assert 2 * np.cos(x) - 4 * x * np.sin(x) - x * x * np.cos(x) - np.sin(x) > 0  # a minimum
    assert (tmp_path / "seed003_gradient_descent" / "descent.png").read_bytes()[:4] == b"\x89PNG"
