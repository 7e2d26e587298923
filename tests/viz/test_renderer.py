"""Renderer discovery: dot first, then graphviz-pure, GRAPHGRAD_DOT to choose, and clear one-line failures."""
import shutil

import pytest

import graphgrad as gg
from graphgrad.viz import render
from graphgrad.viz.renderer import RendererError, find

from .conftest import skip_unless_installed


def test_dot_is_preferred_when_on_path(monkeypatch):
    skip_unless_installed("dot")
    monkeypatch.delenv("GRAPHGRAD_DOT", raising=False)
    assert find().kind == "dot"


def test_graphviz_pure_is_found_without_dot(monkeypatch, tmp_path):
    skip_unless_installed("graphviz-pure")
    pure = shutil.which("graphviz-pure")
    (tmp_path / "graphviz-pure").symlink_to(pure)
    monkeypatch.setenv("PATH", str(tmp_path))          # no dot on this PATH
    monkeypatch.delenv("GRAPHGRAD_DOT", raising=False)
    found = find()
    assert found.kind == "graphviz-pure" and "pdf" not in found.formats


def test_env_override_and_bad_override(monkeypatch, renderer):
    assert find().kind == renderer
    monkeypatch.setenv("GRAPHGRAD_DOT", "/no/such/dot")
    with pytest.raises(RendererError, match="GRAPHGRAD_DOT=/no/such/dot is not an executable"):
        find()


def test_no_renderer_writes_dot_and_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHGRAD_DOT", "none")
    with pytest.raises(RendererError) as err:
        render(gg.parse("y = x*x"), tmp_path / "pic.svg", {"x": 3.0})
    message = str(err.value)
    assert "\n" not in message and "pip install graphviz-pure" in message and "apt-get install graphviz" in message
    assert not (tmp_path / "pic.svg").exists()
    assert (tmp_path / "pic.dot").read_text().startswith("digraph")


def test_pdf_with_graphviz_pure_says_dot_is_needed(monkeypatch, tmp_path):
    skip_unless_installed("graphviz-pure")
    monkeypatch.setenv("GRAPHGRAD_DOT", "graphviz-pure")
    with pytest.raises(RendererError, match=r"PDF output needs Graphviz's `dot`.*apt-get install graphviz"):
        render(gg.parse("y = x*x"), tmp_path / "pic.pdf")
    assert (tmp_path / "pic.dot").exists()


@pytest.mark.parametrize("suffix, magic", [("png", b"\x89PNG\r\n\x1a\n"), ("svg", b"<?xml")])
def test_each_renderer_writes_valid_files(renderer, tmp_path, suffix, magic):
    data = render(gg.parse("y = ln(x1) + x1*x2 - sin(x2)"), tmp_path / f"g.{suffix}", {"x1": 2, "x2": 5}).read_bytes()
    assert data.startswith(magic) and len(data) > 2000


def test_pdf_with_dot_is_valid(tmp_path, monkeypatch):
    skip_unless_installed("dot")
    monkeypatch.setenv("GRAPHGRAD_DOT", "dot")
    data = render(gg.parse("y = x*x"), tmp_path / "g.pdf", {"x": 2}).read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def test_failed_render_leaves_the_old_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHGRAD_DOT", "none")
    old = tmp_path / "pic.png"
    old.write_bytes(b"old picture")
    with pytest.raises(RendererError):
        render(gg.parse("y = x*x"), old)
    assert old.read_bytes() == b"old picture"


@pytest.mark.parametrize("missing, installed", [("dot", "graphviz-pure"), ("graphviz-pure", "dot")])
def test_a_skip_for_a_missing_renderer_recommends_only_that_one(monkeypatch, missing, installed):
    monkeypatch.setattr(shutil, "which", lambda program: None if program == missing else f"/usr/bin/{program}")
    with pytest.raises(pytest.skip.Exception) as skipped:
        skip_unless_installed(missing)
    assert installed not in str(skipped.value) and f"{missing} is not installed" in str(skipped.value)
