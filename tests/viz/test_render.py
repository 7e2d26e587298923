"""Writing pictures: a title above the graph, and PNGs sized for a 1920×1080 slide or at a chosen dpi."""
import pytest
from PIL import Image

import graphgrad as gg
from graphgrad.viz import render, show
from graphgrad.viz.render import SLIDE
from graphgrad.viz.renderer import RendererError

HOSTILE = 'a <b>"&amp;</b> \\n title'


def test_render_and_show_put_the_title_above_the_picture(renderer, tmp_path, baydin, svg_texts):
    graph, at = baydin
    out = render(graph, tmp_path / "g.svg", at, title=HOSTILE)
    assert HOSTILE in svg_texts(out.read_text())
    assert HOSTILE in svg_texts(show(graph, at, title=HOSTILE)._repr_svg_())


def test_a_png_fills_a_full_hd_slide_by_default(renderer, tmp_path, baydin):
    graph, at = baydin
    for view in ("forward", "both"):
        width, height = Image.open(render(graph, tmp_path / "g.png", at, view=view)).size
        assert max(width / SLIDE[0], height / SLIDE[1]) == pytest.approx(1, abs=0.002)


def test_dpi_sets_the_png_resolution(renderer, tmp_path, baydin):
    graph, at = baydin
    small = Image.open(render(graph, tmp_path / "a.png", at, dpi=72)).size
    large = Image.open(render(graph, tmp_path / "b.png", at, dpi=216)).size
    assert large[0] == pytest.approx(3 * small[0], abs=3) and large[1] == pytest.approx(3 * small[1], abs=3)


@pytest.mark.parametrize("dpi", [0, -5, 5000, "high"])
def test_a_bad_dpi_is_refused_in_one_line(tmp_path, dpi):
    with pytest.raises(RendererError, match="dpi must be a number above 0"):
        render(gg.parse("y = x*x"), tmp_path / "g.png", dpi=dpi)
    assert not (tmp_path / "g.png").exists()
