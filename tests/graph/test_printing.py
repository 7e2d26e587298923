"""Names in LaTeX: textbook names become math, anything else is set as escaped text."""
import pytest

from graphgrad.graph.printing import bar, latex_name


@pytest.mark.parametrize("name, tex", [
    ("v-1", "v_{-1}"), ("x12", "x_{12}"), ("phi", r"\phi"), (bar("v0"), r"\bar{v}_{0}"),
    ("dense_1/kernel", r"\textrm{dense\_1/kernel}"), ("a<b&c$", r"\textrm{a$<$b\&c{\char36}}"),
    (bar("a{b}"), r"\bar{\textrm{a\{b\}}}"), ("x^2~%#", r"\textrm{x\^{}2\~{}\%\#}"), ("back\\slash", r"\textrm{back\textbackslash{}slash}"),
])
def test_latex_name(name, tex):
    assert latex_name(name) == tex
