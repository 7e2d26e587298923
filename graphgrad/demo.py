"""``graphgrad demo``: the textbook examples, printed, and written into a folder as tables and pictures.

Seed 000's J = 3(ab + c) with a = 5, b = 4, c = 1 (dJ/da = 12) and Baydin et
al.'s ln(x1) + x1·x2 − sin(x2) at (2, 5) (y = 11.652, gradient (5.5, 1.716)).
"""
from pathlib import Path

from .build import parse
from .files import atomic_write
from .traces import record

EXAMPLES = {
    "backprop_J": ("u = a*b; z = u + c; J = 3*z", {"a": 5, "b": 4, "c": 1}),
    "baydin": ("y = ln(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5}),
}


def run(args):
    """Print each example's traces; write them (Markdown, LaTeX, JSON) and their pictures under ``args.out``."""
    from .viz import write_pictures
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    printed = []
    for name, (program, values) in EXAMPLES.items():
        trace = record(parse(program), values)
        at = ", ".join(f"{k} = {v}" for k, v in values.items())
        printed.append(f"## {program}   at {at}\n\n{trace.format('text')}")
        for fmt, suffix in (("markdown", "md"), ("latex", "tex"), ("json", "json")):
            atomic_write(out / f"{name}_trace.{suffix}", trace.format(fmt))
    pictures, note = write_pictures(out, EXAMPLES)
    printed.append(f"Tables and {len(pictures)} pictures written to {out}/")
    if note:
        printed.append(note)
    return "\n".join(printed)
