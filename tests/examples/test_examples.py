"""Every example runs as written (in its fast mode) and its numbers are the textbook's."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

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


def test_gradient_tape_and_shapes(tmp_path):
    n = run("gradient_tape_and_shapes", tmp_path)
    assert n["dy/dx of 2x + 3 at 0"] == 2 and n["dy/dx of 2x^2 + 3 at 3"] == 12
    np.testing.assert_array_equal(n["dy/dx of 2x^2 + 3 at [[1,2],[3,4]]"], [[4, 8], [12, 16]])
    np.testing.assert_array_equal(n["batched matmul"], [[[94, 100], [229, 244]], [[508, 532], [697, 730]]])
    np.testing.assert_array_equal(n["reshape (2, 3)"], [[0, 1, 2], [3, 4, 5]])


def test_gradient_descent_finds_the_minima(tmp_path):
    n = run("gradient_descent", tmp_path)
    assert n["cos x"] == pytest.approx(np.pi, abs=1e-3)
    x = n["x² cos x + sin x"]
    assert abs(2 * x * np.cos(x) - x * x * np.sin(x) + np.cos(x)) < 1e-2   # f'(x) = 0
    assert 2 * np.cos(x) - 4 * x * np.sin(x) - x * x * np.cos(x) - np.sin(x) > 0  # a minimum
    assert (tmp_path / "gradient_descent" / "descent.png").read_bytes()[:4] == b"\x89PNG"


def test_keras_sequential_net_learns_two_moons(tmp_path):
    n = run("keras_sequential_moons", tmp_path)
    assert n["params"] == 37 and n["accuracy"] >= 0.95
    assert n["final loss"]["momentum 0.9"] < n["final loss"]["plain SGD"]
    assert "Total params: 37" in (tmp_path / "keras_sequential_moons" / "index.md").read_text()


def test_perceptron_activations_and_learning_rates(tmp_path):
    n = run("perceptron", tmp_path)
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


def test_mnist_keras_learns_on_a_tenth_of_the_real_data(tmp_path):
    mnist = load("mnist_keras")
    if not (mnist.DATA / "train-images-idx3-ubyte.gz").exists():
        pytest.skip(f"the real MNIST is not at {mnist.DATA}")
    n = mnist.main(tmp_path / "mnist", fast=True)
    assert n["epochs"] == 1 and n["test_accuracy"] > 0.8


def test_backprop_computation_graph_logistic_regression_and_broadcasting(tmp_path):
    import sympy as sp
    n = run("backprop_computation_graph", tmp_path)
    assert [n[f"dJ/d{k}"] for k in "zuca"] == [3, 3, 3, 12]
    phi, y, x1 = sp.symbols("phi y x1", real=True)
    assert sp.simplify(n["dL/dz"] - (phi - y)) == 0
    assert sp.simplify(n["dL/dw1"] - (phi - y) * x1) == 0
    assert n["reverse dL/dw1"] == pytest.approx(n["(phi - y) x1"], rel=1e-12)
    errors = n["broadcast errors"]
    assert list(errors.values())[:3] == [None, None, None] and "(3, 2) and (3,)" in errors["np.ones((3, 2)) + np.arange(3)"]


def test_three_ways_to_differentiate_agree_and_symbolic_swells(tmp_path):
    n = run("three_ways_to_differentiate", tmp_path)
    rows = n["compare"].rows
    assert [r["method"] for r in rows] == ["reverse", "forward", "symbolic", "numeric"]
    assert all(r["grad"]["x1"] == pytest.approx(5.5, rel=1e-7) for r in rows)
    sizes = n["swell"]
    adjoint_steps = {b[2] - a[2] for a, b in zip(sizes, sizes[1:])}
    assert len(adjoint_steps) == 1                               # the adjoint graph grows linearly
    assert all(b[1] > 2.5 * a[1] for a, b in zip(sizes[1:], sizes[2:]))  # the symbolic form swells


def test_backprop_network_delta_recursion_matches_reverse_mode_and_baydin_tables(tmp_path):
    n = run("backprop_network", tmp_path)
    np.testing.assert_allclose(n["delta3"], n["delta3 by hand"], rtol=1e-12)
    np.testing.assert_allclose(n["delta2"], n["delta2 by hand"], rtol=1e-12)
    final = {r.var: float(r.value) for r in n["baydin"].reverse}
    assert final["x̄1"] == pytest.approx(5.5) and round(final["x̄2"], 3) == 1.716
    assert "| v̄0 | v̄0 + v̄2·∂v2/∂v0 = v̄0 + v̄2·v-1 | 1.716 |" in (tmp_path / "backprop_network" / "index.md").read_text()


def test_convolutional_nets(tmp_path):
    n = run("convolutional_nets", tmp_path)
    by_hand = n["by hand"]
    assert by_hand["partials"] == {f"x{a}{1 + b}": sp.Symbol(f"w{a}{b}") for a in range(3) for b in range(3)}
    assert by_hand["J"] == pytest.approx(4 * 0.8)          # each output of the x-Sobel on the 0.1 ramp is 0.8
    assert n["keras"]["params"] == 60074 and "(None, 26, 26, 6)" in n["keras"]["summary"]
    losses = n["pytorch"]["losses"]
    assert losses[2] < losses[1] < losses[0]
