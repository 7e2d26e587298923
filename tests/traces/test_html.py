"""Trace tables as HTML (Baydin et al.'s layout)."""
import re

import pytest

import graphgrad as gg
from graphgrad.traces import record
from graphgrad.traces.html import trace_html


@pytest.fixture
def baydin():
    return gg.parse("y = ln(x1) + x1*x2 - sin(x2)"), {"x1": 2.0, "x2": 5.0}


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
    from graphgrad.traces.html import trace_page
    trace = record(*baydin)
    fragment = trace_html(trace)
    assert '<h3 class="gg-heading">Trace of y = ln x₁ + x₁·x₂ - sin x₂ at x₁ = 2, x₂ = 5</h3>' in fragment
    page = trace.format("html")
    assert page.startswith("<!DOCTYPE html>") and page == trace_page(trace)
    assert "<title>Trace of y = ln x₁ + x₁·x₂ - sin x₂ at x₁ = 2, x₂ = 5</title>" in page
    assert trace._repr_html_() == fragment


def test_trace_heading_escapes_names():
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
    from graphgrad.traces.html import CSS
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", CSS))
    cells = {sel.strip(): body for sel, body in rules.items() if re.search(r"\b(td|th)$", sel.strip())}
    assert {"div.gg-trace td", "div.gg-trace th"} <= set(cells)
    assert all(_specificity(selector) > _specificity(".jp-RenderedHTMLCommon td") for selector in cells)
    for selector in ("div.gg-trace td", "div.gg-trace th"):
        assert "text-align:left" in cells[selector] and "background:transparent" in cells[selector]
