"""Trace tables in LaTeX compile (booktabs, amsmath) when a TeX engine is installed."""
import shutil
import subprocess

import pytest

import graphgrad as gg
from graphgrad.traces import record

PROGRAMS = [
    ("y = ln(x1) + x1*x2 - sin(x2)", {"x1": 2.0, "x2": 5.0}, "baydin"),
    ("phi = sigmoid(z); L = -(y*ln(phi) + (1-y)*ln(1-phi)); M = sqrt(relu(L))", {"z": 0.5, "y": 1.0}, "user"),
]


@pytest.mark.parametrize("program, at, naming", PROGRAMS)
def test_latex_tables_compile(tmp_path, program, at, naming):
    engine = next((e for e in ("pdflatex", "lualatex", "xelatex") if shutil.which(e)), None)
    if engine is None:
        pytest.skip("no TeX engine (pdflatex, lualatex or xelatex) is installed")
    first = next(iter(at))
    body = record(gg.parse(program), at, direction={first: 1.0}, naming=naming).format("latex")
    doc = f"\\documentclass{{article}}\\usepackage{{booktabs,amsmath}}\\begin{{document}}{body}\\end{{document}}"
    (tmp_path / "t.tex").write_text(doc)
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    assert (tmp_path / "t.pdf").read_bytes()[:5] == b"%PDF-"
