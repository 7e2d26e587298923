"""Rendering large graphs to SVG (issue 22): any graph of up to 1,000 nodes in under 10 s, and a 1,400-node
flat sum without a crash.

The shapes are those that were slow: a flat sum (a chain with an input joining at each step: with its
inputs pinned to the first rank, 100 terms took 46 s and 480 failed after 10 minutes), one input used at
every step (``0*x + 1*x + ...``, which graphgrad hands to sfdp), and a chain of 1,000 functions. Each is
rendered once by the ``render`` verb's function, end to end (DOT, the direction nearer 16:9, Graphviz).
Run: ``python benchmarks/render_size.py``.
"""
import sys
import tempfile
import time
from pathlib import Path

from common import machine

import graphgrad as gg
from graphgrad.viz import render
from graphgrad.viz.draw import crossings

TARGET = 10.0   # seconds, for up to 1,000 nodes


def shapes():
    """(name, program, values) of each shape measured."""
    flat = lambda n: "y = " + " + ".join(f"x{i}" for i in range(n))
    yield "flat sum, 500 terms", flat(500), {f"x{i}": float(i) for i in range(500)}
    yield "one input at every step, 333 terms", "y = " + " + ".join(f"{i}*x" for i in range(333)), {"x": 2.0}
    yield "chain of 999 sines", "u0 = x; " + "; ".join(f"u{i} = sin(u{i - 1})" for i in range(1, 1000)), {"x": 2.0}
    yield "flat sum, 700 terms", flat(700), {f"x{i}": float(i) for i in range(700)}


def main():
    print(machine())
    slow = []
    with tempfile.TemporaryDirectory() as folder:
        for name, program, values in shapes():
            graph = gg.parse(program)
            path = Path(folder) / "picture.svg"
            start = time.perf_counter()
            render(graph, path, values)
            seconds = time.perf_counter() - start
            drawn = path.read_text().count('<g id="n')
            print(f"  {name:36s} {len(graph.nodes):5d} nodes ({drawn} drawn), {crossings(graph):6d} ranks crossed "
                  f"in ranks: {seconds:6.2f} s")
            if len(graph.nodes) <= 1000 and seconds > TARGET:
                slow.append(name)
    if slow:
        print(f"over {TARGET:g} s: {', '.join(slow)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
