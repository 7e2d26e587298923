"""docs/run_your_slides_code.md: every cell runs with only its imports changed and prints what the page shows.

One notebook session per section of the page. The tests shrink what a unit test
cannot afford -- 100 epochs instead of the tutorial's 10000, MNIST listings on 600
tiny images instead of 60000 (the real run is benchmarks/keras_listings_mnist.py).
"""
import functools

import numpy as np
import pytest

from graphgrad.keras import backend
from tests.slides_cells import cells, normalize, run

CELLS = cells()
SECTIONS = list(dict.fromkeys(c.section for c in CELLS))
TUTORIAL, MNIST = "Seed 003: the Keras Sequential tutorial", "Seed 004: MNIST, listings 2.1–2.6"
pytestmark = pytest.mark.filterwarnings("ignore:The `lr` argument is deprecated")
SMALLER = {TUTORIAL: {"epochs=10000": "epochs=100"}, MNIST: {"60000": "600", "10000": "100"}}


def _run_session(section):
    """Run the section's cells in one namespace; (namespace, [(cell, output)])."""
    backend.clear_session()
    namespace, results = {}, []
    for cell in (c for c in CELLS if c.section == section):
        code = cell.code
        for old, new in SMALLER.get(section, {}).items():
            code = code.replace(old, new)
        results.append((cell, run(code, namespace)))
    return namespace, results


_session = functools.lru_cache(maxsize=None)(_run_session)


@pytest.mark.parametrize("section", [s for s in SECTIONS if s != MNIST])
def test_cells_print_what_the_page_shows(section):
    _, results = _session(section)
    for cell, output in results:
        if cell.checked:
            assert normalize(output) == normalize(cell.output), cell.code


def test_seed004_tape_numbers():
    namespace, results = _session("Seed 004: GradientTape")
    shown = [normalize(out) for _, out in results]
    assert "numpy=2.0>" in shown[0] and "numpy=12.0>" in shown[1]
    np.testing.assert_array_equal(namespace["grad_of_y_wrt_x"].numpy(), [[4, 8], [12, 16]])


def test_seed003_batched_int32_matmul():
    namespace, _ = _session("Seed 003: batched `tf.matmul` in int32")
    c = namespace["c"]
    assert c.numpy().dtype == np.int32
    np.testing.assert_array_equal(c.numpy(), [[[94, 100], [229, 244]], [[508, 532], [697, 730]]])


def test_seed001_gradient_descent_reaches_the_minimum():
    namespace, _ = _session("Seed 001: layers, losses and the gradient-descent loop")
    assert namespace["weights"].numpy() == pytest.approx([3.0], abs=1e-3)
    assert namespace["layer"].units == 2 and not namespace["model"].built   # built on first data, as in Keras


def test_seed003_tutorial_has_37_parameters_and_trains():
    namespace, _ = _session(TUTORIAL)
    model, history = namespace["model"], namespace["H"].history["loss"]
    assert model.count_params() == 37
    assert len(history) == 100 and history[-1] < history[0]


def test_seed004_mnist_listings_run_on_tiny_data(tiny_mnist):
    """Listings 2.1-2.6 as written, but for 600/100 images (the sizes are written into listing 2.4)."""
    namespace, results = _run_session(MNIST)
    output = results[-1][1]
    assert "Epoch 5/5" in output and "test_acc:" in output
    assert 0.0 <= namespace["test_acc"] <= 1.0
    assert namespace["train_labels"].shape == (600, 10)
