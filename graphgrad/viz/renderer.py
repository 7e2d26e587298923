"""Finding and running a Graphviz program: ``dot`` on PATH, else ``graphviz-pure``, or ``$GRAPHGRAD_DOT``.

Graphviz's ``dot`` writes SVG, PNG and PDF; the PyPI package ``graphviz-pure``
(a static binary of that name, installed with graphgrad) writes SVG and PNG but
not PDF. ``GRAPHGRAD_DOT`` names the program to use (a path or a command), or
``none`` to render nothing and write DOT source only.
"""
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ..errors import GraphgradError

ENV = "GRAPHGRAD_DOT"
FORMATS = ("svg", "png", "pdf", "dot")
INSTALL = {"dot": "apt-get install graphviz", "graphviz-pure": "pip install graphviz-pure"}   # how to get each
INSTALL_HINT = f"install one with `{INSTALL['graphviz-pure']}` (SVG, PNG) or `{INSTALL['dot']}` (SVG, PNG, PDF)"
PDF_HINT = ("PDF output needs Graphviz's `dot` (graphviz-pure writes SVG and PNG only): "
            f"install it with `{INSTALL['dot']}` (macOS: `brew install graphviz`), or ask for .svg or .png")


class RendererError(GraphgradError):
    """No Graphviz program can make the requested format, or the program failed."""


@dataclass(frozen=True)
class Renderer:
    """A Graphviz program: its path and kind (``dot`` or ``graphviz-pure``)."""
    path: str
    kind: str

    @property
    def formats(self):
        return ("svg", "png", "pdf", "json", "dot") if self.kind == "dot" else ("svg", "png", "json", "dot")

    def run(self, source, fmt, engine="dot", args=(), timeout=600):
        """The bytes of ``source`` (DOT text) laid out by ``engine`` and written as ``fmt``."""
        if fmt not in self.formats:
            raise RendererError(PDF_HINT if fmt == "pdf" else f"{self.kind} cannot write {fmt}")
        cmd = [self.path, f"-K{engine}", f"-T{fmt}", *args]
        try:
            done = subprocess.run(cmd, input=source.encode("utf-8"), capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RendererError(f"{self.kind} took more than {timeout} s to lay out the graph; "
                                "render fewer nodes (group them) or drop edge labels (--edges none)") from None
        if done.returncode != 0:
            errors = [ln for ln in done.stderr.decode("utf-8", "replace").splitlines()
                      if ln.strip() and not ln.startswith("Warning")]
            how = (f"crashed (signal {-done.returncode})" if done.returncode < 0
                   else f"failed with status {done.returncode}")
            other = "graphviz-pure" if self.kind == "dot" else "dot"
            raise RendererError(f"{self.kind} {how} ({' '.join(cmd[1:])}): {'; '.join(errors[:3]) or 'no message'}; "
                                f"a smaller picture may work (--max-nodes refuses larger graphs), or the other "
                                f"renderer ({ENV}={other})")
        return done.stdout


@lru_cache(maxsize=None)
def _kind(path):
    """``graphviz-pure`` or ``dot``, from the program's version line."""
    if "graphviz-pure" in os.path.basename(path):
        return "graphviz-pure"
    try:
        out = subprocess.run([path, "-V"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RendererError(f"{ENV}={path} cannot be run: {exc}") from None
    return "graphviz-pure" if b"graphviz-pure" in out.stdout + out.stderr else "dot"


def find():
    """The Graphviz program to use, or None when there is none (or ``GRAPHGRAD_DOT=none``)."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen.lower() == "none":
        return None
    if chosen:
        path = shutil.which(chosen)
        if path is None:
            raise RendererError(f"{ENV}={chosen} is not an executable program; unset it or point it at "
                                "`dot` or `graphviz-pure`")
        return Renderer(path, _kind(path))
    for name in ("dot", "graphviz-pure"):
        path = shutil.which(name)
        if path:
            return Renderer(path, _kind(path))
    return None


def require(fmt):
    """A renderer that writes ``fmt``, or a RendererError whose one line says how to get one."""
    renderer = find()
    if renderer is None:
        raise RendererError(f"no Graphviz renderer found: {INSTALL_HINT}")
    if fmt not in renderer.formats:
        raise RendererError(PDF_HINT if fmt == "pdf" else f"{renderer.kind} cannot write {fmt}")
    return renderer


