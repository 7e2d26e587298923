"""The cells of docs/run_your_slides_code.md, run as a notebook runs them (shared namespace, last expression shown)."""
import ast
import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "run_your_slides_code.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
TIMING = re.compile(r"\d+(:\d+)*s \d+(us|ms|s)/step")


@dataclass
class Cell:
    code: str
    section: str             # the ``## `` heading it stands under (one notebook session per section)
    output: str = None       # the page's output block, None when the cell has none
    checked: bool = False    # True for ```text outputs (compared), False for ```console (varies)


def cells(text=None):
    """The page's python cells, each with the output block right after it."""
    text = PAGE.read_text() if text is None else text
    found, blocks = [], list(BLOCK.finditer(text))
    headings = [(m.start(), m.group(1)) for m in re.finditer(r"^## (.+)$", text, re.M)]
    for i, block in enumerate(blocks):
        if block.group(1) != "python":
            continue
        section = max(((p, h) for p, h in headings if p < block.start()), default=(0, ""))[1]
        cell = Cell(block.group(2), section)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is not None and following.group(1) in ("text", "console") \
                and not text[block.end():following.start()].strip():
            cell.output, cell.checked = following.group(2), following.group(1) == "text"
        found.append(cell)
    return found


def run(code, namespace):
    """Run ``code`` in ``namespace``; the printed text, plus the repr of a last expression (as notebooks show)."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
            if value is not None:
                print(repr(value))
    return out.getvalue()


def normalize(text):
    """Outputs compare without their timings."""
    return TIMING.sub("…", text).strip()
