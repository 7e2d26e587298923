"""Step-by-step frames: one per forward node and per adjoint step, nodes pinned, every output format valid."""
import re
import shutil

import pytest

import graphgrad as gg
from graphgrad.viz import Frames, write_frames


def _expected_steps(graph):
    """Forward: every input and operation; backward: the seed plus one step per edge that carries an adjoint."""
    forward = len(graph.inputs) + len(graph.operations)
    backward = 1 + sum(1 for n in graph.operations for a in n.inputs if not a.is_const)
    return forward, backward


def _node_boxes(svg, svg_groups):
    """Each node's drawn outline (its path or polygon), or for a bare constant its text's place, by node id."""
    out = {}
    for gid, g in svg_groups(svg, "node").items():
        shape = next((e for e in g.iter() if e.tag.endswith(("path", "polygon"))), None)
        text = next(e for e in g.iter() if e.tag.endswith("text"))
        out[gid] = shape.get("d") or shape.get("points") if shape is not None else (text.get("x"), text.get("y"))
    return out


@pytest.mark.parametrize("program, at", [
    ("y = ln(x1) + x1*x2 - sin(x2)", {"x1": 2.0, "x2": 5.0}),
    ("u = a*b; v = u + c; J = 3*v", {"a": 5.0, "b": 4.0, "c": 1.0}),
    ("b = a + a; c = b + b", {"a": 1.0}),
])
def test_frame_count_is_forward_plus_backward_steps(program, at):
    graph = gg.parse(program)
    frames = Frames(graph, at)
    forward, backward = _expected_steps(graph)
    assert len(frames) == forward + backward
    assert [f.phase for f in frames.frames] == ["forward"] * forward + ["backward"] * backward


def test_baydin_frames_end_with_the_accumulation_rows(baydin):
    frames = Frames(*baydin)
    captions = [f.reveal.caption for f in frames.frames]
    assert len(frames) == 16
    assert captions[-2].endswith("v̄0 = v̄0 + v̄2·∂v2/∂v0 = v̄0 + v̄2·v-1 = 1.716")
    assert captions[-1].endswith("= 5.5")
    ln = next(n for n in frames.graph.nodes if n.op.name == "ln")
    assert frames.frames[-1].reveal.edges == {(ln.id, 0)}           # x̄1 gets v̄1/v-1 along the ln edge


def test_svg_frames_keep_nodes_in_place_and_reveal_step_by_step(renderer, backprop_j, tmp_path, svg_texts, svg_groups):
    paths = write_frames(*backprop_j, tmp_path, "svg")
    assert [p.name for p in paths] == [f"frame_{i:02d}.svg" for i in range(1, 13)]
    svgs = [p.read_text() for p in paths]
    boxes = [_node_boxes(s, svg_groups) for s in svgs]
    assert all(b == boxes[0] for b in boxes[1:]), "a node moved between frames"
    first, last = " ".join(svg_texts(svgs[0])), " ".join(svg_texts(svgs[-1]))
    assert "= 63" not in first and "= 63" in last
    assert "v̄₋₂ = 12" in last and "v̄₋₂ = ?" in " ".join(svg_texts(svgs[9]))   # a is v-2
    assert "v̄₋₂ = 12" in " ".join(svg_texts(svgs[10]))       # step 11 sets dJ/da


def test_png_frames_are_png(renderer, backprop_j, tmp_path):
    paths = write_frames(*backprop_j, tmp_path, "png")
    assert len(paths) == 12
    for p in paths:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


@pytest.mark.skipif(shutil.which("dot") is None, reason="PDF needs Graphviz's dot (apt-get install graphviz)")
def test_pdf_has_one_page_per_frame(backprop_j, tmp_path, monkeypatch):
    from pypdf import PdfReader
    monkeypatch.setenv("GRAPHGRAD_DOT", "dot")
    [path] = write_frames(*backprop_j, tmp_path, "pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(path)
    assert len(reader.pages) == 12
    assert len({tuple(p.mediabox) for p in reader.pages}) == 1   # same page size: no jumping


def test_html_stepper_is_self_contained(renderer, baydin, tmp_path):
    [path] = write_frames(*baydin, tmp_path, "html")
    page = path.read_text()
    assert page.count('<div class="frame"') == 16 and page.count("<svg") == 16
    assert "ArrowRight" in page and "ArrowLeft" in page and "<button" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)      # nothing loaded from elsewhere
    assert 'id="r7"' in page and "1.716" in page


def test_dot_frames_need_no_renderer(backprop_j, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHGRAD_DOT", "none")
    paths = write_frames(*backprop_j, tmp_path, "dot")
    assert len(paths) == 12 and paths[0].read_text().startswith("digraph")


def test_frames_can_caption_with_the_programs_own_names(renderer):
    frames = Frames(gg.parse("u = a*b; z = u + c; J = 3*z"), {"a": 5.0, "b": 4.0, "c": 1.0}, naming="user")
    captions = [f.reveal.caption for f in frames.frames]
    assert any("u = a·b = 5·4 = 20" in c for c in captions)
    assert any("ā = ū·∂u/∂a = ū·b = 12" in c for c in captions)


def test_a_new_run_removes_the_earlier_runs_numbered_frames_only(tmp_path, backprop_j):
    from graphgrad.viz import Frames
    earlier = [tmp_path / f"frame_{i:02d}.svg" for i in range(1, 13)] + [tmp_path / "frame_3.png"]
    kept = [tmp_path / name for name in ("notes.txt", "frame_final.svg", "myframe_1.svg", "frame_1.svg.bak")]
    for path in earlier + kept:
        path.write_text("from before")
    written = Frames(*backprop_j).write(tmp_path, "dot")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([p.name for p in written] + [p.name for p in kept])
    assert all(p.read_text() == "from before" for p in kept)


def _node_texts(svg, svg_groups):
    return ["".join(t.itertext()) for g in svg_groups(svg, "node").values() for t in g.iter() if t.tag.endswith("text")]


@pytest.mark.parametrize("naming, adjoint_of_a", [("baydin", "v̄₋₂"), ("user", "ā")])
def test_nodes_write_adjoints_as_the_captions_do(renderer, backprop_j, naming, adjoint_of_a, svg_groups, tmp_path):
    frames = Frames(*backprop_j, naming=naming)
    svgs = [p.read_text() for p in frames.write(tmp_path, "svg")]
    texts = _node_texts(svgs[-1], svg_groups)
    assert f"{adjoint_of_a} = 12" in texts and not any("∂" in t for t in texts)
    assert adjoint_of_a in frames.style.name(frames.frames[10].reveal.caption)   # step 11 sets it


def test_frames_refuse_the_partial_notation_in_one_line(backprop_j):
    with pytest.raises(gg.GraphgradError, match="frames write adjoints as their captions"):
        Frames(*backprop_j, notation="partial")


def test_gif_is_one_animation_with_a_frame_per_step(renderer, backprop_j, tmp_path):
    from PIL import Image
    [path] = write_frames(*backprop_j, tmp_path, "gif")
    gif = Image.open(path)
    assert path.name == "frames.gif" and gif.format == "GIF" and gif.is_animated
    assert gif.n_frames == 12 == len(Frames(*backprop_j)) and gif.info["loop"] == 0
    tiny = gg.parse("y = 2*x"), {"x": 1.0}
    small, big = (Image.open(write_frames(*tiny, tmp_path / str(dpi), "gif", dpi=dpi)[0]) for dpi in (48, 96))
    assert small.n_frames == len(Frames(*tiny)) and big.size[0] == pytest.approx(2 * small.size[0], abs=3)
