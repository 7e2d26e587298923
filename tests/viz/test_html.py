"""Trace tables as HTML (Baydin et al.'s layout) and as LaTeX that compiles when a TeX engine is present."""
import shutil
import subprocess

import pytest

from graphgrad.traces import record
from graphgrad.viz import trace_html


def test_html_tables_have_every_row_and_mark_accumulation(baydin):
    trace = record(*baydin)
    page = trace_html(trace)
    assert page.count('<tr id="f') == len(trace.forward) and page.count('<tr id="r') == len(trace.reverse)
    assert page.count('class="acc"') == sum(r.accumulate for r in trace.reverse) == 2
    assert "= 11.652" in page and "= 5.5" in page and "= 1.716" in page
    assert "v̄0 + v̄2·v-1" in page


def test_latex_table_compiles(baydin, tmp_path):
    engine = next((e for e in ("pdflatex", "lualatex", "xelatex") if shutil.which(e)), None)
    if engine is None:
        pytest.skip("no TeX engine (pdflatex, lualatex or xelatex) is installed")
    body = record(*baydin).format("latex")
    doc = ("\\documentclass{article}\\usepackage{booktabs}\\usepackage[utf8]{inputenc}"
           f"\\begin{{document}}{body}\\end{{document}}")
    (tmp_path / "t.tex").write_text(doc)
    done = subprocess.run([engine, "-interaction=nonstopmode", "t.tex"], cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    assert (tmp_path / "t.pdf").read_bytes()[:5] == b"%PDF-"


def test_demo_pictures_include_frames_and_tables(renderer, tmp_path):
    from graphgrad.demo import EXAMPLES
    from graphgrad.viz.demo import write_pictures
    written, note = write_pictures(tmp_path, EXAMPLES)
    names = {p.name for p in written}
    assert {"backprop_J.svg", "baydin.png", "baydin_trace.html", "frames.html", "frame_12.svg", "frame_16.svg"} <= names
    assert (note is None) == (renderer == "dot")
