"""The ``render`` and ``frames`` verbs of the command line; ``register(subparsers)`` adds both.

Each handler takes the parsed arguments and returns a dict (with ``--json``)
or a line of text, as the other verbs of ``graphgrad.cli`` do.
"""
import argparse
from pathlib import Path

from . import naming_argument, places, program_arguments, program_graph
from ..viz.frames import FRAME_FORMATS
from ..viz.render import MAX_DPI
from ..viz.style import DIRECTIONS, EDGE_LABELS, FIELDS, NOTATIONS, VIEWS, Style


def _common(p):
    program_arguments(p)
    p.add_argument("-o", "--out", required=True, help="output file (render) or folder (frames)")
    p.add_argument("--direction", choices=DIRECTIONS, default="auto",
                   help="layout direction (default auto: left to right for graphs, top to bottom for networks)")
    p.add_argument("--precision", type=places, default=3, help="decimal places of numbers, 0 to 12 (default 3)")
    p.add_argument("--dpi", type=dpi, default=None,
                   help="PNG resolution in dots per inch (default: scaled to fill a 1920x1080 slide)")


def dpi(text):
    """``--dpi``: a resolution above 0 and at most 1200."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value <= MAX_DPI:
        raise argparse.ArgumentTypeError(f"dpi must be a number above 0 and at most {MAX_DPI}, got '{text}'")
    return value


def _style(args, **extra):
    return Style(direction=args.direction, precision=args.precision, **extra)


def run_render(args):
    """Draw the program at ``--at`` to ``--out`` (.svg, .png, .pdf, .dot, or .tex for TikZ)."""
    from ..viz.render import render
    graph, values = program_graph(args)
    fields = tuple(f.strip() for f in args.fields.split(",")) if args.fields else None
    style = _style(args, view=args.view, edges=args.edges, fields=fields, notation=args.notation)
    path = render(graph, args.out, values or None, style=style, title=args.title,
                  max_nodes=args.max_nodes or None, dpi=args.dpi,
                  highlight=[n.strip() for n in args.highlight.split(",") if n.strip()])
    if args.json:
        return {"written": [str(path)], "nodes": len(graph.nodes), "view": args.view}
    return f"wrote {path}"


def run_frames(args):
    """Write the forward-then-backward frames of the program at ``--at`` into the folder ``--out``."""
    from ..viz.frames import Frames
    graph, values = program_graph(args)
    frames = Frames(graph, values, style=_style(args), naming=args.naming)
    paths = frames.write(Path(args.out), args.format, dpi=args.dpi)
    forward = sum(f.phase == "forward" for f in frames.frames)
    if args.json:
        return {"written": [str(p) for p in paths], "frames": len(frames), "forward": forward,
                "backward": len(frames) - forward}
    return (f"{len(frames)} frames ({forward} forward, {len(frames) - forward} backward) "
            f"written to {paths[0] if len(paths) == 1 else Path(args.out)}")


def register(subparsers):
    """Add ``render`` and ``frames`` to the ``graphgrad`` command line (handlers set as ``func``)."""
    p = subparsers.add_parser("render", help="draw a program's graph (SVG, PNG, PDF, DOT or TikZ by the suffix)",
                              description="draw a program's graph (SVG, PNG, PDF, DOT or TikZ by the suffix)")
    _common(p)
    p.add_argument("--view", choices=VIEWS, default="forward",
                   help="forward values, backward adjoints, or both (default forward)")
    p.add_argument("--edges", choices=EDGE_LABELS, default=None,
                   help="edge labels: local partials symbolic, numeric, both (partial) or none")
    p.add_argument("--fields", help=f"node fields, comma-separated, from: {', '.join(FIELDS)}")
    p.add_argument("--title", help="a caption above the picture")
    p.add_argument("--notation", choices=NOTATIONS, default="auto",
                   help="adjoints as bar (v̄2), partial (dJ/du; edges keep ∂ for local partials) or auto "
                        "(partial when the program names its values)")
    p.add_argument("--max-nodes", type=int, default=5000, help="refuse larger graphs (0: no limit)")
    p.add_argument("--highlight", metavar="NAMES", default="",
                   help="nodes to draw bold with the edges between them, comma-separated (e.g. a,u,z,J)")
    p.set_defaults(func=run_render)
    p = subparsers.add_parser("frames", help="backprop step by step: numbered pictures, a PDF or an HTML stepper",
                              description="backprop step by step: numbered pictures, a PDF or an HTML stepper")
    _common(p)
    naming_argument(p)
    p.add_argument("--format", choices=FRAME_FORMATS, default="svg",
                   help="numbered svg/png/dot files, one multi-page pdf, one html stepper, one animated gif, "
                        "or one Beamer frame with overlays (frames.tex) (default svg)")
    p.set_defaults(func=run_frames)
