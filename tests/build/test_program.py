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


ABC = {"a": (), "b": (), "c": ()}


@pytest.mark.parametrize("slide, written, shapes", [
    ("J = 3(ab+c)", "J = 3*(a*b+c)", ABC),
    ("y = 2x", "y = 2*x", None),
    ("y = x(y+1) + x", "y = x*(y+1) + x", None),
    ("y = (a+b)(a-b)", "y = (a+b)*(a-b)", None),
    ("y = ab + a + b", "y = a*b + a + b", None),
    ("y = 2.5x1 + 1e3x", "y = 2.5*x1 + 1e3*x", None),
])
def test_a_product_written_as_on_a_slide_builds_the_written_out_graph(slide, written, shapes, recwarn):
    assert str(gg.parse(slide, shapes=shapes)) == str(gg.parse(written, shapes=shapes))
    assert not [w for w in recwarn if issubclass(w.category, gg.NotationWarning)]


def test_the_missions_example_has_its_textbook_value_and_gradient():
    g = gg.parse("J = 3(ab+c)", shapes=ABC)
    y, da, db, dc = gg.grad_graph(g)(a=5, b=4, c=1)
    assert (float(y), float(da), float(db), float(dc)) == (63, 12, 15, 3)   # seed 000: 3(5·4 + 1), 3b, 3a, 3


def test_a_slide_product_raised_to_a_power_raises_only_the_bracket():
    assert float(gg.parse("y = 3(x)^2")(x=2)) == 12          # 3·x², not (3x)² = 36 as Python's call would bind
    assert float(gg.parse("y = 2x^2 + (x)(x)^3")(x=2)) == 8 + 16


@pytest.mark.parametrize("src, names", [
    ("y = sin(x)", ["x"]),           # a function stays a call
    ("y = loss*w + x1x2", ["loss", "w", "x1x2"]),   # no slide notation: a long name is a name
    ("y = 0x10 + 1e3 + x", ["x"]),   # Python's numbers stay numbers
])
def test_names_functions_and_numbers_keep_their_reading(src, names, recwarn):
    g = gg.parse(src)
    assert g.input_names == names
    assert not [w for w in recwarn if issubclass(w.category, gg.NotationWarning)]
    assert float(gg.parse("y = 0x10 + 1e3 + x")(x=1)) == 16 + 1000 + 1


@pytest.mark.parametrize("src, shapes, said", [
    ("J = 3(ab+c)", None, "read 'ab' as a·b"),        # ab could be a name: no value says which
    ("y = f(x)", None, r"read 'f\(x\)' as a product"),   # f could be a function
])
def test_an_ambiguous_reading_is_said_in_one_line(src, shapes, said):
    with pytest.warns(gg.NotationWarning, match=said) as caught:
        gg.parse(src, shapes=shapes)
    assert all("\n" not in str(w.message) for w in caught)


def test_a_value_given_for_a_long_name_keeps_it_one_name(recwarn):
    g = gg.parse("J = 3(ab+c)", shapes={"ab": (), "c": ()})
    assert g.input_names == ["ab", "c"] and float(g(ab=2, c=1)) == 9
    assert not [w for w in recwarn if issubclass(w.category, gg.NotationWarning)]


@pytest.mark.parametrize("src, error, words", [
    ("y = 2sinx", gg.ParseError, r"'sinx' is one name, or a product of its letters, or holds 'sin'.*s\*i\*n\*x"),
    ("y = 2(be + c)", gg.ParseError, "holds 'e'"),
    ("y = 2x + foo(x)", gg.UnknownNameError, r"unknown function 'foo' at line 1, column 10: `foo\(x\)`.*foo\*\(...\)"),
    ("y = 3(a, b)", gg.ParseError, "only calls of named functions.*or write \\*"),
])
def test_a_reading_that_is_not_safe_asks_for_a_star(src, error, words):
    with pytest.raises(error, match=words):
        gg.parse(src)


@pytest.mark.parametrize("src, words", [
    ("y = 2x + sin(x^2, 2)", "column 10: `sin(x^2, 2)`"),
    ("φ = 2x\nψ = 3φ + bar(φ)", "line 2, column 10: `bar(φ)`"),
    ("y = 2x^2 +* 1", "syntax error at line 1, column 11: invalid syntax in `y = 2x^2 +* 1`"),
])
def test_errors_quote_and_point_at_the_program_as_typed(src, words):
    with pytest.raises(gg.GraphgradError) as caught:
        gg.parse(src)
    assert words in str(caught.value)
