"""Pictures for slides: a TikZ picture, a Beamer frame that steps through backprop, a GIF, a highlighted path.

J = 3(ab + c) at a = 5, b = 4, c = 1 drawn every way a lecturer puts it in a deck:
``render -o backprop.tex`` (TikZ on Graphviz's layout, labels in LaTeX math),
``frames --format beamer`` (one frame, a slide per step), ``frames --format gif``,
``render --highlight`` (dJ/da = 12 followed back along its path), and the
Keras tutorial's 2-4-4-1 net with a weight on every edge. The TikZ and Beamer
files are compiled here with pdflatex and shown as PNG (when pdflatex is installed).
"""
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from _gallery import LECTURES, Page, options

import graphgrad as gg
from graphgrad.viz import Frames, Layer, find_renderer, network_picture, render

BACKPROP = "u = a*b; z = u + c; J = 3*z"
AT = {"a": 5.0, "b": 4.0, "c": 1.0}
SHOWN_STEP = 11   # the Beamer slide shown as a picture: dJ/da = 12 arrives


def compile_to_png(tex, png, page_number=1):
    """Compile ``tex`` with pdflatex and write page ``page_number`` as ``png``; False when LaTeX is missing."""
    if shutil.which("pdflatex") is None or shutil.which("pdftoppm") is None:
        return False
    with tempfile.TemporaryDirectory() as work:
        shutil.copy(tex, work)
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", Path(tex).name], cwd=work,
                       check=True, capture_output=True, timeout=300)
        pdf = Path(work) / Path(tex).with_suffix(".pdf").name
        subprocess.run(["pdftoppm", "-png", "-scale-to-x", "1920", "-scale-to-y", "-1", "-singlefile",  # slide-wide
                        "-f", str(page_number), "-l", str(page_number), str(pdf), str(Path(png).with_suffix(""))],
                       check=True, timeout=120)
    return True


def latex(page, fast):
    graph = gg.parse(BACKPROP)
    tex = render(graph, page.path("backprop.tex"), AT, view="both", title="J = 3(ab + c)")
    frames = Frames(graph, AT, naming="user")
    [beamer] = frames.write(page.out, "beamer")
    page.text(f"`graphgrad render '{BACKPROP}' --at a=5 --at b=4 --at c=1 --view both -o backprop.tex` writes "
              "[a TikZ picture](backprop.tex) on Graphviz's layout, every label in LaTeX math. It compiles alone "
              "with pdflatex, or `\\input{backprop.tex}` puts it on a slide:")
    compiled = not fast and compile_to_png(tex, page.path("backprop_tikz.png"))
    if compiled:
        page.picture("backprop_tikz.png", "the TikZ picture, compiled by pdflatex")
    page.text(f"`graphgrad frames ... --format beamer` writes [one Beamer frame](frames.tex) whose {len(frames)} "
              "overlays step forward and then backward on one fixed layout; the step's trace row is the caption. "
              f"Slide {SHOWN_STEP}:")
    if compiled and compile_to_png(beamer, page.path("beamer_frame.png"), SHOWN_STEP):
        page.picture("beamer_frame.png", f"slide {SHOWN_STEP} of the Beamer frame, compiled by pdflatex")
    return {"tex": tex, "beamer": beamer, "frames": len(frames), "compiled": compiled}


def gif_and_highlight(page):
    graph = gg.parse(BACKPROP)
    [gif] = Frames(graph, AT, naming="user").write(page.out, "gif")
    page.text("`--format gif` writes the same steps as [one looping animation](frames.gif) for web pages and chat:")
    page.picture("frames.gif", "backprop of J = 3(ab + c), step by step")
    render(graph, page.path("highlight.png"), AT, view="backward", highlight=["a", "u", "z", "J"])
    page.text("`--highlight a,u,z,J` follows one gradient: dJ/da = 3 · 1 · b = 12 flows back along the bold path.")
    page.picture("highlight.png", "the path of dJ/da highlighted")
    return gif


def neurons(page):
    rng = np.random.default_rng(3)
    sizes = [2, 4, 4, 1]
    layers = [Layer("input", 2)] + [Layer(f"dense_{j}", n, "sigmoid", (np.round(rng.normal(size=(sizes[j - 1], n)), 2),
                                                                         np.round(rng.normal(size=n), 2)))
                                    for j, n in enumerate(sizes[1:], 1)]
    network_picture(layers, level="neuron").save(page.path("neurons.png"))
    page.text("The Keras tutorial's 2-4-4-1 net at neuron level: lines coloured by sign (blue positive, red negative) "
              "and as wide as the weight, each layer's weights listed below as a matrix W⁽ʲ⁾ (row: the unit feeding, "
              "column: the unit fed), biases as a +1 unit atop each layer.")
    page.picture("neurons.png", "the 2-4-4-1 net, its weights as a matrix per layer")


def main(out, fast=False):
    page = Page(out, "Pictures for slides: TikZ, Beamer, GIF", LECTURES["intro to neural nets"])
    numbers = {}
    if find_renderer() is not None:
        numbers = latex(page, fast)
        numbers["gif"] = gif_and_highlight(page)
        neurons(page)
    else:
        page.text("(No Graphviz renderer was found, so this page has no pictures: pip install graphviz-pure.)")
    page.write()
    return numbers


if __name__ == "__main__":
    args = options("pictures_for_slides", __doc__)
    numbers = main(args.out, args.fast)
    print(f"{numbers.get('frames', 0)} frames; LaTeX compiled: {numbers.get('compiled', False)}")
