"""TikZ pictures and Beamer frames: LaTeX math labels on Graphviz's layout, compiled by pdflatex when installed."""
import json
import re
import shutil
import subprocess

import pytest

import graphgrad as gg
from graphgrad.viz import Frames, render, write_frames
from graphgrad.viz.draw import to_dot
from graphgrad.viz.renderer import find


def _latex_ready():
    if shutil.which("pdflatex") is None or shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(["kpsewhich", "tikz.sty", "beamer.cls"], capture_output=True, text=True).stdout.split()
    return len(found) == 2


needs_latex = pytest.mark.skipif(not _latex_ready(), reason="needs pdflatex with TikZ and Beamer "
                                 "(apt-get install texlive-latex-recommended texlive-pictures)")


def _pdflatex(tex, folder):
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    from pypdf import PdfReader
    return PdfReader(folder / tex.with_suffix(".pdf").name)


def test_tikz_labels_are_latex_math_on_graphvizs_layout(renderer, tmp_path, baydin):
    graph, at = baydin
    tex = render(graph, tmp_path / "g.tex", at, view="both").read_text()
    assert r"\bar{v}_{-1} = 5.5" in tex and r"\frac{\partial v_{5}}{\partial v_{4}} = 1" in tex
    assert r"\frac{\partial v_{1}}{\partial v_{-1}} = \frac{1}{v_{-1}} = 0.5" in tex
    layout = json.loads(find().run(to_dot(*baydin, view="both"), "json"))
    for o in layout["objects"]:                       # every node sits where Graphviz put it
        x, y = (float(v) for v in o["pos"].split(","))
        assert f"({o['id']}) at ({x:.1f},{y:.1f})" in tex


@needs_latex
def test_tikz_compiles_alone_and_inside_a_beamer_slide(tmp_path, baydin):
    graph, at = baydin
    render(graph, tmp_path / "graph.tex", at, view="both", title="Baydin et al.'s example")
    pdf = _pdflatex(tmp_path / "graph.tex", tmp_path)
    assert len(pdf.pages) == 1 and "11.652" in pdf.pages[0].extract_text()
    (tmp_path / "deck.tex").write_text("\\documentclass{beamer}\n\\usepackage{tikz}\\usetikzlibrary{arrows.meta}\n"
                                       "\\begin{document}\n\\begin{frame}{Slide}\n\\resizebox{\\linewidth}{!}"
                                       "{\\input{graph.tex}}\n\\end{frame}\n\\end{document}\n")
    deck = _pdflatex(tmp_path / "deck.tex", tmp_path)
    assert len(deck.pages) == 1 and "Slide" in deck.pages[0].extract_text()


HOSTILE = ["a_b&c$<x>", "d}{%#~^\\"]


@needs_latex
def test_hostile_names_and_title_compile(tmp_path):
    x, y = gg.vars(" ".join(HOSTILE))
    graph = gg.Graph(gg.sin(x) * y, [x, y])
    render(graph, tmp_path / "h.tex", dict(zip(HOSTILE, (1.0, 2.0))), view="both",
           title=r"\input{/etc/passwd} $x$ & 50% #1 ~^_ <b> \\")
    text = _pdflatex(tmp_path / "h.tex", tmp_path).pages[0].extract_text()
    assert "passwd" in text and "50%" in text


def test_beamer_frame_has_an_overlay_per_step(renderer, tmp_path, backprop_j):
    [path] = write_frames(*backprop_j, tmp_path, "beamer")
    tex = path.read_text()
    n = len(Frames(*backprop_j))
    assert path.name == "frames.tex" and tex.count(r"\begin{frame}") == 1
    assert sorted({int(k) for k in re.findall(r"\\only<(\d+)>\{Step", tex)}) == list(range(1, n + 1))
    assert r"\alt<" in tex and r"\uncover<" in tex


@needs_latex
def test_beamer_frame_compiles_to_a_slide_per_step(renderer, tmp_path, backprop_j):
    [path] = write_frames(*backprop_j, tmp_path, "beamer")
    pdf = _pdflatex(path, tmp_path)
    assert len(pdf.pages) == len(Frames(*backprop_j)) == 12
    first, eleventh = pdf.pages[0].extract_text(), pdf.pages[10].extract_text()
    assert "Step 1/12" in first and "= 63" not in first.replace(" ", "")
    assert "Step 11/12" in eleventh and "12" in eleventh
