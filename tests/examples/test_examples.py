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


def test_seed003_keras_tutorial_net_learns_two_moons(tmp_path):
    n = run("seed003_keras_tutorial", tmp_path)
    assert n["params"] == 37 and n["accuracy"] >= 0.95
    assert n["final loss"]["momentum 0.9"] < n["final loss"]["plain SGD"]
    assert "Total params: 37" in (tmp_path / "seed003_keras_tutorial" / "index.md").read_text()


def test_seed001_perceptron_activations_and_learning_rates(tmp_path):
    n = run("seed001_perceptron", tmp_path)
    assert round(n["y_hat"], 3) == 0.002 and n["y_hat"] == pytest.approx(1 / (1 + np.exp(6)))
    xs = np.linspace(-4, 4, 161)
    s = 1 / (1 + np.exp(-xs))
    np.testing.assert_allclose(n["slopes"]["sigmoid"], s * (1 - s), atol=1e-12)
    np.testing.assert_allclose(n["slopes"]["tanh"], 1 - np.tanh(xs) ** 2, atol=1e-12)
    np.testing.assert_array_equal(n["slopes"]["ReLU"], (xs > 0).astype(float))
    lr = n["learning rates"]
    assert lr[0.3] < 1e-12 < lr[0.01] < 9 < lr[1.05]       # 9 = the loss at the start
    batches = n["batch sizes"]
    assert batches["SGD (batch 1)"] < batches["mini-batch (32)"] < batches["full batch (400)"]


def test_seed004_mnist_learns_on_a_tenth_of_the_real_data(tmp_path):
    mnist = load("seed004_mnist")
    if not (mnist.DATA / "train-images-idx3-ubyte.gz").exists():
        pytest.skip(f"the real MNIST is not at {mnist.DATA}")
    n = mnist.main(tmp_path / "mnist", fast=True)
    assert n["epochs"] == 1 and n["test_accuracy"] > 0.8
