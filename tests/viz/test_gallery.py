"""The demo's pictures: written with whichever renderer is installed, with no note about formats nobody asked for."""
import pytest

from graphgrad.viz.gallery import write_pictures

from .conftest import skip_unless_installed

EXAMPLES = {"backprop_J": ("u = a*b; z = u + c; J = 3*z", {"a": 5, "b": 4, "c": 1})}


@pytest.mark.parametrize("program, pdf", [("graphviz-pure", False), ("dot", True)])
def test_the_demo_pictures_need_no_note_with_either_renderer(tmp_path, monkeypatch, program, pdf):
    skip_unless_installed(program)
    monkeypatch.setenv("GRAPHGRAD_DOT", program)
    written, note = write_pictures(tmp_path, EXAMPLES)
    assert note is None
    assert (tmp_path / "backprop_J.svg").read_bytes()[:5] == b"<?xml"
    assert any(p.suffix == ".pdf" for p in written) == pdf


def test_without_a_renderer_the_note_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHGRAD_DOT", "none")
    written, note = write_pictures(tmp_path, EXAMPLES)
    assert note.startswith("no Graphviz renderer found") and "\n" not in note
    assert (tmp_path / "backprop_J.dot").exists() and not any(p.suffix == ".svg" for p in written)
