"""The documentation builds to a static site, every gallery page the site lists exists with its pictures, and
every ```python block of README.md and docs/ runs as written."""
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# A reference the browser would fetch from elsewhere: src=/href=/url(/@import to http(s) or protocol-relative.
# (xmlns="http://www.w3.org/2000/svg" in inline SVG is a name, not a fetch.)
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])"""
                      r"""(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site as ``mkdocs build --strict`` writes it, in a temporary folder."""
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install -e '.[test]')")
    pytest.importorskip("mkdocstrings", reason="mkdocstrings is not installed (pip install -e '.[test]')")
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def test_mkdocs_builds_a_site_that_browses_from_files_and_fetches_nothing(site):
    assert (site / "gallery" / "backprop_network" / "index.html").exists()
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), f"{page.relative_to(site)} fetches {EXTERNAL.search(html).group(0)}..."
        links = [] if page.name == "404.html" else re.findall(r'href="([^"#:?]+)"', html)  # 404: server-rooted
        for link in links:                                     # every local link opens a file, not a folder
            target = (page.parent / link).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to {link}, which is not a file"
    for sheet in site.rglob("*.css"):
        assert not EXTERNAL.search(sheet.read_text(encoding="utf-8", errors="replace")), sheet


INTERNAL_PACKAGES = {"backends", "cli"}   # the interpreter behind fit and Graph.__call__; the command line
DOCUMENTED = {                     # page -> names users import, each shown with its parameter list
    "graphgrad": ["graphgrad.grad", "graphgrad.parse", "graphgrad.vars", "graphgrad.compile",
                  "graphgrad.from_sympy"],
    "viz": ["graphgrad.viz.render", "graphgrad.viz.trace_html", "graphgrad.viz.stepper"],
    "traces": ["graphgrad.traces.record"],
    "tensorflow": ["graphgrad.tensorflow.GradientTape", "graphgrad.tensorflow.nn.relu",
                   "graphgrad.tensorflow.math.add"],
    "keras": ["graphgrad.keras.Sequential", "graphgrad.keras.optimizers.Adam",
              "graphgrad.keras.callbacks.EarlyStopping"],
    "torch": ["graphgrad.torch.tensor", "graphgrad.torch.Tensor", "graphgrad.torch.nn.Linear",
              "graphgrad.torch.nn.functional.relu", "graphgrad.torch.optim.SGD"],
    "eager": ["graphgrad.eager.Tensor", "graphgrad.eager.gradients"],
    "compiler": ["graphgrad.compiler.optimize", "graphgrad.compiler.executor.compile"],
}


def shown_parameters(site, package):
    """Each entry of the package's API page: full name -> the parameter names its signature shows (None: none)."""
    html = (site / "api" / f"{package}.html").read_text(encoding="utf-8")
    html = re.sub(r'<[^>]*\bid="(graphgrad[\w.]*)"[^>]*>', r" \1 ", html)      # an entry's anchor: its full name
    text = re.sub(r"<[^>]+>", "", html)
    entries = re.finditer(r" (graphgrad[\w.]*) \s+(\w+)\s+(?:\2\((.*?)\)\s)?", text, re.S)
    return {m.group(1): None if m.group(3) is None else re.findall(r"(?:^|,)\s*\**([A-Za-z_]\w*)", m.group(3))
            for m in entries}


def parameters(full_name):
    """The parameter names Python reports for the object ``full_name``."""
    module, _, name = full_name.rpartition(".")
    return [p.lstrip("*") for p in inspect.signature(getattr(importlib.import_module(module), name)).parameters]


def test_the_api_reference_has_a_page_per_package_with_what_users_import_and_no_internals(site):
    packages = {p.parent.name for p in (ROOT / "graphgrad").glob("*/__init__.py")} - INTERNAL_PACKAGES
    pages = {p.stem for p in (site / "api").glob("*.html")}
    assert packages | {"graphgrad"} <= pages, f"no API page for {sorted(packages - pages)}"
    for package, names in DOCUMENTED.items():
        shown = shown_parameters(site, package)
        for name in names:
            assert shown.get(name) == parameters(name), f"{package}: {name} shows {shown.get(name)}"
    for page in sorted(site.glob("api/*.html")):
        html = page.read_text(encoding="utf-8")
        for internal in ("aspect_miss", "slide_dot", "graphgrad.cli", 'id="graphgrad.viz.render.'):
            assert internal not in html, f"{page.name} documents {internal}"
        private = re.search(r'id="graphgrad[\w.]*\._(?!_)\w*"', html)
        assert not private, f"{page.name} documents the private {private.group(0)}"


def test_the_external_reference_check_finds_cdn_links():
    assert EXTERNAL.search('<script src="https://cdnjs.cloudflare.com/x.js">')
    assert EXTERNAL.search("<link href='//fonts.googleapis.com/css'>") and EXTERNAL.search("a{b:url(http://x/y.png)}")
    assert not EXTERNAL.search('<svg xmlns="http://www.w3.org/2000/svg">') and not EXTERNAL.search('href="api.html"')


def test_every_picture_a_gallery_page_shows_is_there():
    pages = sorted((ROOT / "docs" / "gallery").glob("*/index.md"))
    assert len(pages) >= 8
    for page in pages:
        for picture in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text()):
            assert (page.parent / picture).exists(), f"{page}: {picture} is missing"


# A ```python block, with the <!-- no-run: why --> mark on the line before it that leaves it out.
PYTHON_BLOCK = re.compile(r"(?P<skip><!--\s*no-run\b[^>]*-->[ \t]*\n)?^```python[ \t]*\n(?P<code>.*?)^```", re.S | re.M)
RUN_ELSEWHERE = {"docs/run_your_slides_code.md": "tests/test_slides_code.py runs its cells as notebook sessions"}


def python_blocks(text):
    """The ```python blocks of a Markdown page in order, except those marked ``<!-- no-run: why -->``."""
    return [m.group("code") for m in PYTHON_BLOCK.finditer(text) if not m.group("skip")]


def pages_with_code():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    named = [page.relative_to(ROOT).as_posix() for page in pages]
    return [name for name in named if name not in RUN_ELSEWHERE and python_blocks((ROOT / name).read_text())]


def test_python_blocks_leaves_out_only_the_marked_blocks():
    text = ("```python\na = 1\n```\n\n<!-- no-run: an excerpt -->\n```python\ndef f(...):\n```\n"
            "```text\nout\n```\n```python\nb = a\n```\n")
    assert python_blocks(text) == ["a = 1\n", "b = a\n"]


@pytest.mark.parametrize("page", pages_with_code())
def test_every_python_block_of_a_page_runs_as_written(page, tiny_mnist, tmp_path, monkeypatch):
    """A page's blocks run in order in one namespace, as a reader pastes them, in an empty working directory
    (MNIST is the tiny one of $GRAPHGRAD_DATA: what a page trains on the real data runs here in a second)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    namespace = {"__name__": "__main__"}
    for number, code in enumerate(python_blocks((ROOT / page).read_text()), 1):
        exec(compile(code, f"{page}, python block {number}", "exec"), namespace)
