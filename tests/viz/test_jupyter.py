"""Pictures in notebooks: SVGs that shrink to the cell's width."""
import xml.etree.ElementTree as ET

import graphgrad as gg
from graphgrad.viz import show


def test_notebook_svgs_scale_down_to_the_cell(renderer, baydin):
    for svg in (show(*baydin, view="both")._repr_svg_(), gg.parse("y = x*x")._repr_svg_()):
        root = ET.fromstring(svg.encode("utf-8"))
        assert root.get("viewBox") and "max-width:100%" in root.get("style") and "height:auto" in root.get("style")
