"""Pictures in notebooks: SVGs that shrink to the cell's width."""
import sys
import xml.etree.ElementTree as ET

import pytest

import graphgrad as gg
from graphgrad.viz import show


def test_notebook_svgs_scale_down_to_the_cell(renderer, baydin):
    for svg in (show(*baydin, view="both")._repr_svg_(), gg.parse("y = x*x")._repr_svg_()):
        root = ET.fromstring(svg.encode("utf-8"))
        assert root.get("viewBox") and "max-width:100%" in root.get("style") and "height:auto" in root.get("style")


def test_a_node_shows_the_graph_that_computes_it(renderer, svg_texts):
    x1, x2 = gg.vars("x1 x2")
    texts = svg_texts((gg.sin(x1) * x2)._repr_svg_())
    assert {"x₁", "x₂"} <= set(texts) and any("sin" in t for t in texts)


def test_a_sequential_shows_its_summary_and_its_picture(renderer, svg_texts):
    import re
    from graphgrad import nn
    model = nn.Sequential([nn.Dense(3, activation="relu", input_shape=(2,)), nn.Dense(1)])
    shown = model._repr_html_()
    table = re.search(r"<pre[^>]*>(.*?)</pre>", shown, re.S).group(1)
    assert "Total params: 13" in table and "dense_1 (Dense)" in table
    svg = shown[shown.index("<svg"):]
    assert "a₁⁽²⁾" in svg_texts(svg) and len(re.findall("<ellipse", svg)) == 2 + 3 + 1 + 2   # and two +1 bias units
    assert nn.Sequential([nn.Dense(3)])._repr_html_() is None        # not built: the text repr shows


def test_trace_records_show_as_html_tables(baydin):
    from graphgrad.traces import record
    shown = record(*baydin)._repr_html_()
    assert shown.count("<table>") == 2 and "Trace of y" in shown


def test_the_widget_stepper_needs_ipywidgets_and_says_so(backprop_j, renderer):
    import importlib.util
    import pytest
    from graphgrad.viz import stepper
    if importlib.util.find_spec("ipywidgets") is None:
        with pytest.raises(gg.GraphgradError, match=r"needs ipywidgets \(pip install ipywidgets\)"):
            stepper(*backprop_j)
    else:
        widget = stepper(*backprop_j)
        controls, shown = widget.children
        assert controls.children[1].max == 11 and "<svg" in shown.value
        controls.children[1].value = 10
        assert "v̄₋₂ = 12" in shown.value


class FakeWidget:
    """A stand-in for an ipywidgets widget (not installed here): children, a value, and the mime bundle
    ipywidgets 8 gives a live notebook, whose text/plain is all a saved notebook has."""

    def __init__(self, children=(), value=None, **traits):
        self.children, self.value, self.max = tuple(children), value, traits.get("max")

    def observe(self, handler, names):
        pass

    def _repr_mimebundle_(self, **kwargs):
        return {"text/plain": f"{type(self).__name__}(...)",
                "application/vnd.jupyter.widget-view+json": {"model_id": "0", "version_major": 2}}


def test_a_saved_stepper_shows_its_first_frame_not_vbox(backprop_j, renderer, monkeypatch):
    import types
    DisplayFormatter = pytest.importorskip("IPython.core.formatters").DisplayFormatter
    from graphgrad.viz import stepper
    fake = types.ModuleType("ipywidgets")
    fake.Play = fake.IntSlider = fake.HBox = fake.VBox = FakeWidget
    fake.HTML = lambda value: FakeWidget(value=value)
    fake.jslink = lambda *links: None
    monkeypatch.setitem(sys.modules, "ipywidgets", fake)
    widget = stepper(*backprop_j)
    shown, _ = DisplayFormatter().format(widget)
    assert "application/vnd.jupyter.widget-view+json" in shown        # live, the widget
    still = shown["text/html"]                                        # saved, the first frame
    assert still.startswith("<figure><svg") and "Step 1/" in still and still.count("<svg") == 1
    assert still[len("<figure>"):still.index("<figcaption>")] in widget.children[1].value    # the frame shown
