"""The demo's pictures: frames and tables with whichever renderer is installed, and no note about formats
nobody asked for (a PDF of the frames only where the renderer writes PDF)."""
from graphgrad.demo import EXAMPLES
from graphgrad.viz.gallery import write_pictures


def test_demo_pictures_include_frames_and_tables(renderer, tmp_path):
    written, note = write_pictures(tmp_path, EXAMPLES)
    names = {p.name for p in written}
    assert {"backprop_J.svg", "baydin.png", "baydin_trace.html", "frames.html", "frame_12.svg", "frame_16.svg"} <= names
    assert note is None
    assert any(p.suffix == ".pdf" for p in written) == (renderer == "dot")


def test_without_a_renderer_the_note_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHGRAD_DOT", "none")
    written, note = write_pictures(tmp_path, EXAMPLES)
    assert note.startswith("no Graphviz renderer found") and "\n" not in note
    assert (tmp_path / "backprop_J.dot").exists() and not any(p.suffix == ".svg" for p in written)
