"""Trace tables in LaTeX compile (booktabs, amsmath) when a TeX engine is installed, whatever the names, and
alone as a standalone document; Markdown tables keep names as text."""
import shutil
import subprocess

import pytest

import graphgrad as gg
from graphgrad.traces import record
from graphgrad.traces.formats import LATEX_PACKAGES

PROGRAMS = [
    ("y = ln(x1) + x1*x2 - sin(x2)", {"x1": 2.0, "x2": 5.0}, "baydin"),
    ("phi = sigmoid(z); L = -(y*ln(phi) + (1-y)*ln(1-phi)); M = sqrt(relu(L))", {"z": 0.5, "y": 1.0}, "user"),
]


HOSTILE = 'a"$%&#_^~{}\\ \n<b>'


def hostile_graph():
    """A graph whose input and named values carry every character LaTeX, HTML and Markdown treat specially."""
    x = gg.ops.input(HOSTILE)
    u = (gg.sin(x) * x).named("u_1|$x$")
    return gg.Graph([(u + 1).named("\\end{document}")], [x]), {HOSTILE: 1.0}


def compile_document(tmp_path, doc, engines=("pdflatex", "lualatex", "xelatex")):
    """Compile a whole LaTeX document with the first engine installed; the test fails on any TeX error."""
    engine = next((e for e in engines if shutil.which(e)), None)
    if engine is None:
        pytest.skip(f"no TeX engine ({', '.join(engines)}) is installed: apt-get install texlive-latex-base "
                    "texlive-latex-recommended, as .ci/run does")
    (tmp_path / "t.tex").write_text(doc)
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    assert (tmp_path / "t.pdf").read_bytes()[:5] == b"%PDF-"


def compile_latex(tmp_path, body):
    """Compile a fragment in a document that loads what the fragment says it needs."""
    compile_document(tmp_path, f"\\documentclass{{article}}{LATEX_PACKAGES}\\begin{{document}}{body}\\end{{document}}")


@pytest.mark.parametrize("program, at, naming", PROGRAMS)
def test_latex_tables_compile(tmp_path, program, at, naming):
    first = next(iter(at))
    compile_latex(tmp_path, record(gg.parse(program), at, direction={first: 1.0}, naming=naming).format("latex"))


@pytest.mark.parametrize("naming", ["baydin", "user"])
def test_latex_tables_with_hostile_names_compile(tmp_path, naming):
    graph, at = hostile_graph()
    body = record(graph, at, direction={HOSTILE: 1.0}, naming=naming).format("latex")
    assert r'\textrm{a"{\char36}\%\&\#\_\^{}\~{}\{\}\textbackslash{}' in body
    compile_latex(tmp_path, body)


def test_markdown_tables_keep_names_as_text():
    graph, at = hostile_graph()
    text = record(graph, at, naming="user").format("markdown")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert "<b>" not in text and "&lt;b&gt;" in text
    assert all(line.count("|") - line.count("\\|") == 4 for line in rows)   # three cells, every row


def test_a_standalone_document_compiles_alone_with_pdflatex(tmp_path):
    graph, at = hostile_graph()
    doc = record(graph, at, direction={HOSTILE: 1.0}, naming="user").format("latex", standalone=True)
    assert doc.startswith("\\documentclass") and doc.rstrip().endswith("\\end{document}")
    compile_document(tmp_path, doc, engines=("pdflatex",))


def test_standalone_is_refused_for_formats_other_than_latex():
    with pytest.raises(gg.ArgumentError, match="--format latex"):
        record(gg.parse("y = 2*x"), {"x": 1.0}).format("markdown", standalone=True)
