"""The render and frames verbs (graphgrad.cli.pictures), registered on a parser as graphgrad.cli does."""
import argparse
import json

import pytest

from graphgrad.cli.pictures import register


def _run(argv):
    parser = argparse.ArgumentParser(prog="graphgrad")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_render_writes_the_file(renderer, tmp_path, svg_texts):
    out = tmp_path / "j.svg"
    text = _run(["render", "u = a*b; v = u + c; J = 3*v", "--at", "a=5", "--at", "b=4", "--at", "c=1",
                 "-o", str(out), "--view", "backward"])
    assert text == f"wrote {out}"
    assert "dJ/da = 12" in svg_texts(out.read_text())


def test_frames_json_reports_the_steps(renderer, tmp_path):
    result = _run(["frames", "y = ln(x1) + x1*x2 - sin(x2)", "--at", "x1=2", "--at", "x2=5",
                   "-o", str(tmp_path), "--format", "svg", "--json"])
    json.dumps(result)
    assert result["frames"] == 16 and result["forward"] == 7 and result["backward"] == 9
    assert len(result["written"]) == 16


def test_bad_choices_are_rejected():
    with pytest.raises(SystemExit):
        _run(["render", "y = x", "-o", "y.svg", "--view", "sideways"])


def test_render_title_and_dpi_from_the_command_line(renderer, tmp_path, svg_texts):
    from PIL import Image
    _run(["render", "y = x*x", "--at", "x=3", "-o", str(tmp_path / "y.svg"), "--title", "Squares & <more>"])
    assert "Squares & <more>" in svg_texts((tmp_path / "y.svg").read_text())
    _run(["render", "y = x*x", "-o", str(tmp_path / "a.png"), "--dpi", "72"])
    _run(["render", "y = x*x", "-o", str(tmp_path / "b.png"), "--dpi", "144"])
    a, b = (Image.open(tmp_path / f"{n}.png").size for n in "ab")
    assert b[0] == pytest.approx(2 * a[0], abs=2)
    with pytest.raises(SystemExit):
        _run(["render", "y = x", "-o", str(tmp_path / "c.png"), "--dpi", "0"])


@pytest.mark.parametrize("notation, expected", [("bar", "v̄₋₂ = 12"), ("partial", "dJ/da = 12")])
def test_render_notation_is_the_users_choice(renderer, tmp_path, svg_groups, notation, expected):
    out = tmp_path / "j.svg"
    _run(["render", "u = a*b; v = u + c; J = 3*v", "--at", "a=5", "--at", "b=4", "--at", "c=1",
          "-o", str(out), "--view", "backward", "--notation", notation])
    texts = ["".join(t.itertext()) for g in svg_groups(out.read_text(), "node").values()
             for t in g.iter() if t.tag.endswith("text")]
    assert expected in texts and not any(("dJ/d" if notation == "bar" else "v̄") in t for t in texts)


def test_render_highlight_from_the_command_line(renderer, tmp_path):
    _run(["render", "u = a*b; v = u + c; J = 3*v", "-o", str(tmp_path / "j.dot"), "--highlight", "a, u"])
    source = (tmp_path / "j.dot").read_text()
    assert source.count("penwidth=3.2") == 2 and source.count("penwidth=3 ") == 1
