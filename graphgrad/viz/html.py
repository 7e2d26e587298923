"""HTML for notebooks and the web: trace tables in Baydin et al.'s layout, and a self-contained frame stepper.

The stepper is one file with every frame's SVG inline and a few lines of
JavaScript (←/→, space, Home/End, buttons); nothing is loaded from elsewhere.
"""
import html
import json
import re

from ..graph.printing import inline
from ..traces.formats import cells, sections
from .style import compact, subscript

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


def inline_svg(svg):
    """An SVG document as an element to put inside HTML (no XML prolog or doctype)."""
    return re.sub(r"^.*?(<svg\b)", r"\1", svg, count=1, flags=re.S)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body{{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#0f172a}}
.bar{{display:flex;gap:.6em;align-items:center;margin:.5em 0 1em}}
button{{font-size:16px;padding:.3em .9em;border-radius:6px;border:1px solid #94a3b8;background:#f8fafc;cursor:pointer}}
.frame{{display:none}} .frame.on{{display:block}} .frame svg{{max-width:100%;height:auto}}
#count{{font-variant-numeric:tabular-nums;color:#475569}}
{css}
</style></head><body>
<h2>{title}</h2>
<div class="bar"><button id="first" title="Home">« first</button><button id="prev" title="←">‹ back</button>
<button id="next" title="→ or space">next ›</button><button id="last" title="End">last »</button>
<span id="count"></span></div>
{frames}
<h3>Trace</h3>
{tables}
<script>
const frames = [...document.querySelectorAll('.frame')];
const rows = {rows};
let i = 0;
function show(k) {{
  i = Math.max(0, Math.min(frames.length - 1, k));
  frames.forEach((f, j) => f.classList.toggle('on', j === i));
  document.querySelectorAll('.gg-trace tr.now').forEach(r => r.classList.remove('now'));
  const row = document.getElementById(rows[i]);
  if (row) row.classList.add('now');
  document.getElementById('count').textContent = `frame ${{i + 1}} of ${{frames.length}}`;
}}
document.getElementById('first').onclick = () => show(0);
document.getElementById('prev').onclick = () => show(i - 1);
document.getElementById('next').onclick = () => show(i + 1);
document.getElementById('last').onclick = () => show(frames.length - 1);
document.addEventListener('keydown', e => {{
  if (e.key === 'ArrowRight' || e.key === ' ' || e.key === 'PageDown') {{ show(i + 1); e.preventDefault(); }}
  else if (e.key === 'ArrowLeft' || e.key === 'PageUp') show(i - 1);
  else if (e.key === 'Home') show(0);
  else if (e.key === 'End') show(frames.length - 1);
}});
show(0);
</script>
</body></html>
"""


def stepper(svgs, captions, trace, rows):
    """One HTML page stepping through ``svgs`` (with their trace rows highlighted alongside)."""
    frames = "\n".join(f'<div class="frame" data-caption="{html.escape(c)}">{inline_svg(s)}</div>'
                       for s, c in zip(svgs, captions))
    ids = [("f" if phase == "forward" else "r") + str(index) for phase, index in rows]
    return PAGE.format(title=html.escape(f"Backprop step by step: {heading(trace)}"), css=CSS, frames=frames,
                       tables=trace_tables(trace), rows=json.dumps(ids))
