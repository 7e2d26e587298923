"""Trace tables as HTML (Baydin et al.'s layout)."""
from graphgrad.traces import record
from graphgrad.viz import trace_html


def test_html_tables_have_every_row_and_mark_accumulation(baydin):
    trace = record(*baydin)
    page = trace_html(trace)
    assert page.count('<tr id="f') == len(trace.forward) and page.count('<tr id="r') == len(trace.reverse)
    assert page.count('class="acc"') == sum(r.accumulate for r in trace.reverse) == 2
    assert "= 11.652" in page and "= 5.5" in page and "= 1.716" in page
    assert "v̄0 + v̄2·v-1" in page


def test_demo_pictures_include_frames_and_tables(renderer, tmp_path):
    from graphgrad.demo import EXAMPLES
    from graphgrad.viz.gallery import write_pictures
    written, note = write_pictures(tmp_path, EXAMPLES)
    names = {p.name for p in written}
    assert {"backprop_J.svg", "baydin.png", "baydin_trace.html", "frames.html", "frame_12.svg", "frame_16.svg"} <= names
    assert (note is None) == (renderer == "dot")
