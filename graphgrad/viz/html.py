"""The frame stepper: one self-contained HTML page stepping through backprop, its trace tables alongside.

The page holds every frame's SVG inline and a few lines of
JavaScript (←/→, space, Home/End, buttons); nothing is loaded from elsewhere.
"""
import html
import json
import re

from ..traces.html import CSS, heading, trace_tables


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
