"""Fixtures for picture tests: each Graphviz program forced in turn, and SVG parsing."""
import shutil
import xml.etree.ElementTree as ET

import pytest

import graphgrad as gg
from graphgrad.viz.renderer import INSTALL

SVG = "{http://www.w3.org/2000/svg}"


def skip_unless_installed(program):
    """Skip the test when the Graphviz ``program`` (dot or graphviz-pure) is missing, saying how to get that one."""
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed ({INSTALL[program]})")


@pytest.fixture(params=["dot", "graphviz-pure"])
def renderer(request, monkeypatch):
    """Run the test once with Graphviz's dot and once with graphviz-pure (skipped when absent)."""
    skip_unless_installed(request.param)
    monkeypatch.setenv("GRAPHGRAD_DOT", request.param)
    return request.param


def _svg_texts(svg):
    """Every piece of text drawn in an SVG document (it is XML), joined per <text> element."""
    root = ET.fromstring(svg.encode("utf-8") if isinstance(svg, str) else svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _svg_groups(svg, cls):
    """The <g> elements of a class (node, edge, cluster) by their id."""
    root = ET.fromstring(svg.encode("utf-8") if isinstance(svg, str) else svg)
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("class") == cls}


@pytest.fixture
def baydin():
    return gg.parse("y = ln(x1) + x1*x2 - sin(x2)"), {"x1": 2.0, "x2": 5.0}


@pytest.fixture
def backprop_j():
    return gg.parse("u = a*b; v = u + c; J = 3*v"), {"a": 5.0, "b": 4.0, "c": 1.0}


@pytest.fixture
def svg_texts():
    return _svg_texts


@pytest.fixture
def svg_groups():
    return _svg_groups
