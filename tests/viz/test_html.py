"""Trace tables as HTML (Baydin et al.'s layout)."""
import re

import pytest

from graphgrad.traces import record
from graphgrad.viz import trace_html


def test_html_tables_have_every_row_and_mark_accumulation(baydin):
    trace = record(*baydin)
    page = trace_html(trace)
    assert page.count('<tr id="f') == len(trace.forward) and page.count('<tr id="r') == len(trace.reverse)
    assert page.count('class="acc"') == sum(r.accumulate for r in trace.reverse) == 2
    assert "= 11.652" in page and "= 5.5" in page and "= 1.716" in page
    assert "v̄₀ + v̄₂·v₋₁" in page


def test_html_tables_write_names_as_the_graph_does(baydin):
    """The graph draws v₋₂ and x₁; the table beside it in the stepper must not write v-2 and x1."""
    page = trace_html(record(*baydin))
    assert "<td>v₋₁</td>" in page and "= ln v₋₁" in page and "Trace of y = ln x₁ + x₁·x₂" in page
    assert not re.search(r"\b[vx]-?\d", page.replace("&#x27;", ""))


def test_a_notebook_renders_the_html_instead_of_showing_its_source(baydin):
    DisplayFormatter = pytest.importorskip("IPython.core.formatters").DisplayFormatter
    page = trace_html(record(*baydin))
    shown, _ = DisplayFormatter().format(page)
    assert shown["text/html"] == page and page.startswith("<style>")     # still the string callers write out


def test_trace_html_is_headed_by_its_expression_and_point(baydin):
    from graphgrad.viz.html import trace_page
    trace = record(*baydin)
    fragment = trace_html(trace)
    assert '<h3 class="gg-heading">Trace of y = ln x₁ + x₁·x₂ - sin x₂ at x₁ = 2, x₂ = 5</h3>' in fragment
    page = trace.format("html")
    assert page.startswith("<!DOCTYPE html>") and page == trace_page(trace)
    assert "<title>Trace of y = ln x₁ + x₁·x₂ - sin x₂ at x₁ = 2, x₂ = 5</title>" in page
    assert trace._repr_html_() == fragment


def test_trace_heading_escapes_names():
    import graphgrad as gg
    x = gg.vars("a<b&c")
    trace = record(gg.Graph(x * x, [x]), {"a<b&c": 3.0})
    assert "a&lt;b&amp;c" in trace_html(trace) and "a<b&c" not in trace_html(trace)


def _specificity(selector):
    """(ids, classes, elements) of a simple CSS selector such as ``div.gg-trace td.num``."""
    import re
    return (selector.count("#"), len(re.findall(r"[.:\[]", selector)),
            len(re.findall(r"(?:^|\s)[a-z]", selector)))


def test_trace_css_outranks_a_notebooks_table_rules():
    """Jupyter's `.jp-RenderedHTMLCommon td` / `.rendered_html td` right-align cells; our rules must win."""
    import re
    from graphgrad.viz.html import CSS
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", CSS))
    cells = {sel.strip(): body for sel, body in rules.items() if re.search(r"\b(td|th)$", sel.strip())}
    assert {"div.gg-trace td", "div.gg-trace th"} <= set(cells)
    assert all(_specificity(selector) > _specificity(".jp-RenderedHTMLCommon td") for selector in cells)
    for selector in ("div.gg-trace td", "div.gg-trace th"):
        assert "text-align:left" in cells[selector] and "background:transparent" in cells[selector]


def test_stepper_buttons_use_glyphs_every_font_has(renderer, tmp_path, backprop_j):
    from graphgrad.viz import Frames
    page = Frames(*backprop_j).write(tmp_path, "html")[0].read_text()
    import re
    labels = "".join(re.findall(r"<button[^>]*>([^<]*)</button>", page))
    assert len(re.findall("<button", page)) == 4 and "first" in labels and "last" in labels
    assert all(ord(ch) < 0x2100 for ch in labels), labels   # Latin-1 and ‹ ›: no ⏮ ⏭ (U+23xx)
    assert "<title>Backprop step by step: J = 3·(a·b + c) at a = 5, b = 4, c = 1</title>" in page


def test_stepper_keeps_hostile_names_as_text(renderer, tmp_path):
    import graphgrad as gg
    from graphgrad.viz import Frames
    name = 'a"<script>alert(1)</script>\n&amp;'
    x = gg.ops.input(name)
    page = Frames(gg.Graph([(gg.sin(x) * 2).named("</title><b>")], [x]), {name: 1.0}).write(tmp_path, "html")[0]
    text = page.read_text()
    assert "<script>alert" not in text and "<b>" not in text and "&lt;script&gt;alert(1)" in text
