"""Trace tables as HTML in Baydin et al.'s layout: a fragment for notebooks (``trace_html``) and a whole page.

Names are written as the pictures write them (``v₋₁``, ``x₁``) and escaped as data.
"""
import html

from ..graph.printing import compact, inline, subscript
from .formats import cells, sections

# Every selector starts with div.gg-trace: more specific than a notebook's own table rules
# (Jupyter's `.jp-RenderedHTMLCommon td` right-aligns cells and stripes rows), so the tables look the same anywhere.
CSS = """
div.gg-trace{display:flex;gap:2em;flex-wrap:wrap;font-family:Helvetica,Arial,sans-serif;font-size:15px}
div.gg-trace table{border-collapse:collapse;border:none;border-top:2px solid #334155;border-bottom:2px solid #334155;
  margin:0;table-layout:auto}
div.gg-trace caption{font-weight:bold;text-align:left;padding:0 0 .4em}
div.gg-trace tr{background:transparent}
div.gg-trace th{border:none;border-bottom:1px solid #334155;text-align:left;padding:.25em .6em;background:transparent}
div.gg-trace td{border:none;text-align:left;padding:.2em .6em;white-space:nowrap;background:transparent}
div.gg-trace td.num{text-align:right;font-variant-numeric:tabular-nums}
div.gg-trace tr.acc td{color:#7f1d1d}
div.gg-trace tr.now td{background:#ffedd5}
h3.gg-heading{font-family:Helvetica,Arial,sans-serif;font-weight:normal;margin:.3em 0 .6em}
"""


class HTML(str):
    """An HTML fragment: a string to write or embed, which a notebook shows rendered rather than as its source."""

    def _repr_html_(self):
        return str(self)


def trace_tables(trace, highlight=None):
    """The forward primal and reverse adjoint traces as two HTML tables (rows get ids f0.., r0..)."""
    out = ['<div class="gg-trace">']
    for title, key, rows in sections(trace):
        out.append(f"<table><caption>{title}</caption><tr><th>variable</th><th>expression</th><th>value</th></tr>")
        for i, row in enumerate(rows):
            var, expr, value = (html.escape(subscript(c)) for c in cells(trace, row))  # v₋₂, as the graph writes
            classes = [c for c, on in (("acc", getattr(row, "accumulate", False)), ("now", highlight == (key, i))) if on]
            attr = f' class="{" ".join(classes)}"' if classes else ""
            shown = f"= {expr}" if expr else ""
            out.append(f'<tr id="{key}{i}"{attr}><td>{var}</td><td>{shown}</td><td class="num">= {value}</td></tr>')
        out.append("</table>")
    out.append("</div>")
    return "\n".join(out)


def heading(trace):
    """``y = ln x₁ + x₁·x₂ - sin x₂ at x₁ = 2, x₂ = 5``: what a trace is of, as one line of text."""
    graph = trace.graph
    out = graph.output
    at = ", ".join(f"{k} = {compact(v)}" for k, v in trace.values.items())
    return subscript(f"{graph.label(out)} = {inline(graph, out)}" + (f" at {at}" if at else ""))


def trace_html(trace):
    """A trace as an HTML fragment with its own style and a heading (for notebooks)."""
    return HTML(f'<style>{CSS}</style>\n<h3 class="gg-heading">Trace of {html.escape(heading(trace))}</h3>\n'
            f"{trace_tables(trace)}")


def trace_page(trace):
    """A trace as a whole HTML page (``graphgrad trace --format html``): titled by its expression."""
    title = html.escape(f"Trace of {heading(trace)}")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body>\n{trace_html(trace)}\n</body></html>\n")
