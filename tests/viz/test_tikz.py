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
    assert r"\bar{v}_{-1} = 5.5" in tex and r"\partial v_{5}/\partial v_{4} = 1" in tex
    assert r"\partial v_{1}/\partial v_{-1} = 1 / v_{-1} = 0.5" in tex     # full size, as the PNGs write it
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
    [beamer] = write_frames(graph, dict(zip(HOSTILE, (1.0, 2.0))), tmp_path / "frames", "beamer", naming="user")
    assert len(_pdflatex(beamer, beamer.parent).pages) == len(Frames(graph, dict(zip(HOSTILE, (1.0, 2.0)))))


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


def _picture_extent(tex):
    """Width and height (bp, before scaling) spanned by the boxes of a TikZ picture graphgrad wrote."""
    boxes = [tuple(map(float, m)) for m in re.findall(
        r"minimum width=([\d.]+)bp, minimum height=([\d.]+)bp\] \(n\d+\) at \(([\d.-]+),([\d.-]+)\)", tex)]
    xs = [x + s * w / 2 for w, h, x, y in boxes for s in (-1, 1)]
    ys = [y + s * h / 2 for w, h, x, y in boxes for s in (-1, 1)]
    return max(xs) - min(xs), max(ys) - min(ys)


def test_beamer_picture_fills_a_16_9_frame_and_its_text_stays_readable(renderer, tmp_path, backprop_j):
    """The picture spans the frame's width (453.5 bp less margins) or height, and no text is under 6.5 pt."""
    from graphgrad.viz.tikz import MIN_TEXT
    [path] = write_frames(*backprop_j, tmp_path, "beamer")
    tex = path.read_text()
    scale = float(re.search(r"scale=([\d.]+)", tex).group(1))
    width, height = _picture_extent(tex)
    assert width * scale > 400 or height * scale > 160                 # 16:9 frame: 453.5 x 255.1 bp
    sizes = [float(s) for s in re.findall(r"\\fontsize\{([\d.]+)\}", tex)]
    assert min(sizes) * scale >= MIN_TEXT == 6.5
    picture = tex[tex.index(r"\begin{tikzpicture}"):tex.index(r"\end{tikzpicture}")]
    assert not re.search(r"\\(scriptsize|tiny|frac)\b", picture)        # fractions and tags at full size


def test_beamer_refuses_a_graph_whose_text_would_be_unreadable(tmp_path):
    graph = gg.parse(" + ".join(f"sin(x{i})*x{i + 1}" for i in range(12)))
    with pytest.raises(gg.errors.GraphgradError, match=r"too large for one Beamer frame .* 6.5 pt"):
        write_frames(graph, {f"x{i}": 1.0 for i in range(13)}, tmp_path, "beamer")


def test_tikz_and_png_write_one_product_sign_and_the_title_as_typed(renderer, tmp_path):
    graph = gg.parse("J = 3*(a*b + c)")
    tex = render(graph, tmp_path / "j.tex", {"a": 5, "b": 4, "c": 1}, view="both").read_text()
    assert r"\cdot" in tex and r"\times" not in tex                     # the PNG's 3·v₂, not 3×v₂
    [path] = write_frames(graph, {"a": 5, "b": 4, "c": 1}, tmp_path, "beamer")
    assert r"\begin{frame}{Backprop step by step: \texttt{J = 3*(a*b + c)}}" in path.read_text()
