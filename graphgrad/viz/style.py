"""How pictures look: colours, fonts, number precision and which fields show, with slide-ready defaults.

One ``Style`` is passed to every renderer, so a graph, its frames and a network
picture share one look. Names like ``v-1`` and ``x1`` are drawn with Unicode
subscripts (``v₋₁``, ``x₁``), which every renderer and font draws alike.
"""
from dataclasses import dataclass, field, replace

from ..errors import GraphgradError
from ..graph.printing import compact, subscript

FIELDS = ("name", "expr", "symbolic", "value", "adjoint", "shape")
VIEWS = ("forward", "backward", "both")
EDGE_LABELS = ("none", "symbolic", "numeric", "partial")
DIRECTIONS = ("auto", "LR", "RL", "TB", "BT")
NOTATIONS = ("auto", "bar", "partial")

COLOURS = {
    "input": "#DBEAFE", "input_border": "#1D4ED8",
    "op": "#FFFFFF", "op_border": "#475569",
    "output": "#FEF3C7", "output_border": "#B45309",
    "const": "#64748B",
    "value": "#1E40AF", "adjoint": "#B91C1C",
    "edge": "#64748B", "back_edge": "#DC2626",
    "current": "#F59E0B", "current_fill": "#FFEDD5", "dim": "#CBD5E1",
    "cluster": "#F8FAFC", "cluster_border": "#94A3B8",
    "positive": "#2563EB", "negative": "#DC2626",
}

@dataclass(frozen=True)
class Style:
    """Options shared by all pictures; every field has a default fit for slides."""
    view: str = "forward"                 # forward | backward | both
    direction: str = "auto"               # rankdir: LR | RL | TB | BT, or auto (graphs LR, networks TB)
    precision: int = 3                    # decimal places of numbers (trailing zeros dropped)
    fields: tuple = None                  # node fields; None: chosen by the view
    edges: str = None                     # none | symbolic | numeric | partial; None: by view and size
    font: str = "Helvetica"               # Helvetica metrics fit both renderers' boxes
    fontsize: float = 14
    subscripts: bool = True               # v-1 -> v₋₁
    notation: str = "auto"                # adjoints as bar (v̄2) | partial (dJ/du) | auto
    naming: str = "baydin"                # a barred adjoint's name: baydin (v̄2) | user (ū, the program's names)
    colours: dict = field(default_factory=lambda: dict(COLOURS))

    def __post_init__(self):
        _check("view", self.view, VIEWS)
        _check("direction", self.direction, DIRECTIONS)
        if self.edges is not None:
            _check("edges", self.edges, EDGE_LABELS)
        if self.fields is not None:
            object.__setattr__(self, "fields", tuple(self.fields))
            for f in self.fields:
                _check("field", f, FIELDS)
        _check("notation", self.notation, NOTATIONS)
        _check("naming", self.naming, ("baydin", "user"))
        if not 0 <= int(self.precision) <= 15:
            raise GraphgradError(f"precision must be between 0 and 15 decimal places, got {self.precision}")
        unknown = set(self.colours) - set(COLOURS)
        if unknown:
            raise GraphgradError(f"unknown colour name '{sorted(unknown)[0]}'; known: {', '.join(COLOURS)}")

    @property
    def shown(self):
        """The node fields to draw: the given ones, or the view's defaults."""
        if self.fields is not None:
            return self.fields
        return {"forward": ("name", "expr", "value"), "backward": ("name", "expr", "adjoint"),
                "both": ("name", "expr", "value", "adjoint")}[self.view]

    def rankdir(self, auto):
        """The layout direction: the one asked for, or ``auto``'s choice for this picture."""
        return auto if self.direction == "auto" else self.direction

    def colour(self, key):
        return self.colours.get(key, COLOURS[key])

    def number(self, value):
        """A value at this style's precision: ``11.652``, ``5.5``, ``12``, or a small array."""
        return compact(value, self.precision)

    def name(self, text):
        """Variable names in ``text`` with subscripts when the style asks for them."""
        return subscript(text) if self.subscripts else text

    def but(self, **changes):
        """A copy with some options changed (colours are merged, not replaced)."""
        if "colours" in changes:
            changes["colours"] = {**self.colours, **(changes["colours"] or {})}
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _check(what, value, allowed):
    if value not in allowed:
        raise GraphgradError(f"unknown {what} '{value}'; choose one of: {', '.join(allowed)}")
