"""Broadcasting pictures (the tensor-operations lecture): ``a + b`` drawn as grids, with stretched copies shown faded.

Each operand is drawn at the result's shape: cells that broadcasting repeats
are pale, the real ones solid, so a student sees which way values are copied.
Shapes that do not conform draw the operands and graphgrad's error message.
"""
import textwrap

import numpy as np

from ..errors import ShapeError
from ..graph import shapes

SOLID, PALE, RESULT, EDGE = "#bfdbfe", "#eff6ff", "#fde68a", "#1e3a8a"


def _as_2d(shape):
    return (1,) * (2 - len(shape)) + tuple(shape) if len(shape) <= 2 else None


def _grid(ax, x0, values, real_rows, real_cols, colour):
    """Draw ``values`` (2-D) with its top-left at (x0, 0); cells outside the real block are pale."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            real = i < real_rows and j < real_cols
            ax.add_patch(_rect(x0 + j, -i - 1, colour if real else PALE, solid=real))
            ax.text(x0 + j + 0.5, -i - 0.5, f"{values[i, j]:g}", ha="center", va="center",
                    fontsize=13, color="#111827" if real else "#94a3b8")
    return x0 + cols


def _rect(x, y, colour, solid):
    from matplotlib.patches import Rectangle
    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor=EDGE if solid else "#cbd5e1", linewidth=1.2)


def broadcast_picture(a, b, path, label=None):
    """Draw ``a + b`` (arrays of at most 2 axes) to ``path`` (PNG or SVG); returns (path, error or None)."""
    from .figures import new_figure, save

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    sa, sb = _as_2d(a.shape), _as_2d(b.shape)
    if sa is None or sb is None:
        raise ShapeError("broadcasting pictures draw arrays of at most 2 axes")
    error = None
    try:
        out_shape = shapes.broadcast(a.shape, b.shape, where=" in +")
    except ShapeError as exc:
        error, out_shape = str(exc), None

    fig, (ax,) = new_figure(8, 2.6 if error is None else 3.2)
    x = 0.0
    if error is None:
        out2 = _as_2d(out_shape)
        pieces = [(np.broadcast_to(a.reshape(sa), out2), sa), (np.broadcast_to(b.reshape(sb), out2), sb)]
        for k, (values, real) in enumerate(pieces):
            x = _grid(ax, x, values, real[0], real[1], SOLID) + 0.4
            ax.text(x + 0.3, -out2[0] / 2, "+" if k == 0 else "=", fontsize=22, ha="center", va="center")
            x += 1.0
        x = _grid(ax, x, (a + b).reshape(out2), *out2, RESULT)
        height = out2[0]
    else:
        for k, (values, real) in enumerate(((a.reshape(sa), sa), (b.reshape(sb), sb))):
            x = _grid(ax, x, values, real[0], real[1], SOLID) + 0.4
            if k == 0:
                ax.text(x + 0.3, -sa[0] / 2, "+", fontsize=22, ha="center", va="center")
                x += 1.0
        height = max(sa[0], sb[0])
        ax.text(0, -height - 0.6, "\n".join(textwrap.wrap(error, 70)), fontsize=9.5, color="#b91c1c",
                va="top", family="monospace")
    ax.set_title(label or f"{a.shape} + {b.shape}", loc="left", fontsize=13)
    ax.set_xlim(-0.2, max(x, 8) + 0.2)
    ax.set_ylim(-height - (2.4 if error else 0.2), 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return save(fig, path), error
