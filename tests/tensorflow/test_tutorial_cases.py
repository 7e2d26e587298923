"""TensorFlow's guides, name by name: every name and keyword ``tutorial_names.txt`` lists resolves in the spelling
(or is refused in one line saying why), and each case of ``tutorial_cases.py`` gives the numbers, dtypes and text
real TensorFlow 2.21 gave (``record_tensorflow.py`` wrote ``data/tutorial.npz``)."""
import inspect
from pathlib import Path

import numpy as np
import pytest

import graphgrad.tensorflow as tf
from tests.recorded import replay
from tests.tensorflow.tutorial_cases import CASES, DATA

NAMES = Path(__file__).resolve().parent / "tutorial_names.txt"


def _entries(kind):
    """(name, keyword or None, guides) of the list's lines of ``kind`` (``uses`` or ``refused``)."""
    for line in NAMES.read_text().splitlines():
        if line.strip() and not line.startswith("#") and (line.split()[-1] == "refused") == (kind == "refused"):
            name, _, keyword = line.split()[0].partition("(")
            yield name, keyword.rstrip("=)") or None


def _resolve(dotted):
    found = tf
    for part in dotted.split(".")[1:]:
        found = getattr(found, part)
    return found


test_case_gives_tensorflows_numbers = replay(CASES, DATA, tf)


@pytest.mark.parametrize("name, keyword", list(_entries("uses")))
def test_name_resolves(name, keyword):
    found = _resolve(name)
    if keyword is not None:   # a class's keywords: its own and those of the classes it passes **kwargs to
        targets = [c.__init__ for c in found.__mro__ if "__init__" in vars(c)] if inspect.isclass(found) else [found]
        assert any(keyword in inspect.signature(t).parameters for t in targets), f"{name} takes no {keyword}="


@pytest.mark.parametrize("name, keyword", list(_entries("refused")))
def test_refused_name_says_why_in_one_line(name, keyword):
    with pytest.raises(AttributeError) as error:
        _resolve(name)
    message = str(error.value)
    assert "\n" not in message and f"tf.{name.split('.')[1]}" in message and ": " in message


def test_strings_and_complex_numbers_are_refused_in_one_line():
    for value, kind in (("Gray wolf", "strings"), ([5 + 4j], "complex numbers"), ([[1, 2], [3]], "ragged")):
        with pytest.raises((TypeError, ValueError), match=kind):
            tf.constant(value)


def test_clip_by_norm_gradient_at_zero_is_finite():
    x = tf.zeros([2, 2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.clip_by_norm(x, 0.5)
    assert np.all(np.isfinite(tape.gradient(y, x).numpy()))


def test_linalg_refuses_integer_matrices_and_adjoint_in_one_line():
    from graphgrad.errors import ArgumentError
    with pytest.raises(ArgumentError, match="takes float matrices, got int32"):
        tf.linalg.inv([[4, 7], [2, 6]])                  # LAPACK's inverse cast back to ints would truncate it
    for call in (lambda: tf.linalg.inv(tf.eye(2), adjoint=True),
                 lambda: tf.linalg.solve(tf.eye(2), tf.ones((2, 1)), adjoint=True)):
        with pytest.raises(ArgumentError, match="adjoint=True is not supported"):
            call()


def test_tf_keras_holds_keras_modules_and_no_others():
    import importlib.util
    assert importlib.util.find_spec("graphgrad.tensorflow.keras.layers") is not None
    assert importlib.util.find_spec("graphgrad.tensorflow.keras.no_such_module") is None
