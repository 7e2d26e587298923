"""Program strings: the structure stays as written, names label nodes, only the grammar is accepted."""
import numpy as np
import pytest

import graphgrad as gg


def test_statements_keep_their_names_and_the_last_is_the_output():
    g = gg.parse("u = a*b\nv = u + c; J = 3*v")
    assert [n.name for n in g.operations] == ["u", "v", "J"]
    assert g.output.name == "J" and g.input_names == ["a", "b", "c"]


def test_caret_is_power_and_constants_are_known():
    g = gg.parse("y = x^2 + pi*e")
    assert float(g(x=3)) == pytest.approx(9 + 3.141592653589793 * 2.718281828459045)


def test_a_name_can_be_reassigned_in_ssa_style():
    g = gg.parse("x2 = x*x; x2 = x2 + 1")
    assert float(g(x=3)) == 10


def test_reductions_take_axis_keywords_and_reshape_takes_a_shape():
    g = gg.parse("y = sum(reshape(x, (2, 3)), axis=0)", shapes={"x": (6,)})
    assert g.output.shape == (3,)


def test_numpy_names_comparisons_and_remainders_are_in_the_grammar():
    g = gg.parse("J = where(x > y, arctan2(y, x), x % 1.5) + clip(logsumexp(x*y, keepdims=1), -0.5, 0.5)")
    x, y = 2.0, 0.5
    expected = np.arctan2(y, x) + np.clip(x * y, -0.5, 0.5)
    assert float(g(x=x, y=y)) == pytest.approx(expected)
    assert float(g(x=1.0, y=3.0)) == pytest.approx(1.0 + 0.5)
    v = gg.parse("s = std(x, ddof=1) + norm(x, ord=1)", shapes={"x": (3,)})(x=np.array([1.0, 2.0, 4.0]))
    assert float(v) == pytest.approx(np.std([1, 2, 4], ddof=1) + 7)


@pytest.mark.parametrize("src, error, words", [
    ("y = x.__class__", gg.ParseError, "unsupported syntax"),
    ("y = (lambda: 1)()", gg.ParseError, "only calls of named functions"),
    ("import os", gg.ParseError, "only assignments"),
    ("y = 'text'", gg.ParseError, "unsupported syntax"),
    ("sin = 3", gg.ParseError, "built-in"),
    ("y = sin", gg.ParseError, "is a function"),
    ("y = sum(x, axis=k)", gg.ParseError, "expected a number"),
    ("y = a < b < c", gg.ParseError, "unsupported syntax Compare"),
    ("", gg.ParseError, "empty program"),
    ("y = exp(x", gg.ParseError, "syntax error at line 1"),
])
def test_anything_outside_the_grammar_is_rejected_with_its_position(src, error, words):
    with pytest.raises(error, match=words):
        gg.parse(src)


def test_shapes_for_unknown_variables_are_an_error():
    with pytest.raises(gg.UnknownNameError, match="unknown variable 'z'"):
        gg.parse("y = x + 1", shapes={"z": (2,)})
