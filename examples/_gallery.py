"""Shared by the example scripts: command-line options and writing a gallery page.

Each example writes its page (Markdown with its numbers, tables and pictures)
into a folder, by default ``docs/gallery/<example>/``; ``--fast`` makes a
quicker, smaller run for the tests.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from graphgrad.files import atomic_write  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs" / "gallery"

# The lecture notes each example reproduces, cited at the top of its page.
LECTURES = {
    "intro to neural nets": "*Intro to Neural Nets*, sessions 2–3: Mathematical Building Blocks & Working with Keras API",
    "neural network basics": "IS 6733 *Deep Learning on Cloud Platforms*, lecture 5: Neural Network Basics "
                             "(Yuanxiong Guo, adapted from MIT 6.S191 by Alexander Amini and Ava Soleimany)",
    "neural networks": "*Neural Networks* (multilayer networks, training, backprop and autodiff)",
    "training neural networks": "*2 – Training Neural Networks* (André Lamúrias)",
    "mathematical building blocks": "*Deep Learning: Mathematical Building Blocks of Neural Networks* "
                                    "(Anxiao (Andrew) Jiang)",
}


def options(name, description, data=None):
    """Parse ``--out`` and ``--fast`` (and ``--data`` when a default folder is given) for example ``name``."""
    parser = argparse.ArgumentParser(description=description)
    if data is not None:
        parser.add_argument("--data", default=str(data), help=f"the data folder (default {data})")
    parser.add_argument("--out", default=str(DOCS / name), help="folder for the page and its pictures")
    parser.add_argument("--fast", action="store_true", help="a smaller, quicker run (used by the tests)")
    return parser.parse_args()


class Page:
    """A Markdown page assembled section by section, written atomically at the end."""

    def __init__(self, out, title, lecture):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.parts = [f"# {title}\n", f"From the lecture notes {lecture}.\n"]

    def text(self, markdown):
        self.parts.append(markdown.strip() + "\n")

    def code(self, text, lang=""):
        self.parts.append(f"```{lang}\n{text.rstrip()}\n```\n")

    def picture(self, filename, caption):
        self.parts.append(f"![{caption}]({filename})\n")

    def curves(self, filename, caption, curves, xlabel, ylabel, title, xlog=False, marker=None):
        """A figure of curves on a log y axis (``curves``: label -> ys, or -> (xs, ys)), added to the page."""
        from graphgrad.viz.figures import new_figure, save
        fig, (ax,) = new_figure(6, 3.6)
        for label, ys in curves.items():
            xs, ys = ys if isinstance(ys, tuple) else (range(len(ys)), ys)
            ax.plot(xs, ys, label=label, marker=marker, markersize=3)
        ax.set_yscale("log")
        if xlog:
            ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend()
        save(fig, self.path(filename))
        self.picture(filename, caption)

    def path(self, filename):
        return self.out / filename

    def write(self):
        atomic_write(self.out / "index.md", "\n".join(self.parts))
        return self.out / "index.md"
