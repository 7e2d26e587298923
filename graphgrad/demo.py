"""``graphgrad demo``: the textbook examples, printed, and written into a folder as tables and pictures.

The backprop lecture's J = 3(ab + c) with a = 5, b = 4, c = 1 (dJ/da = 12),
Baydin et al.'s ln(x1) + x1·x2 − sin(x2) at (2, 5) (y = 11.652, gradient
(5.5, 1.716)), and the training lecture's 2-4-4-1 sigmoid net trained on two
moons, with its decision boundary.
"""
from pathlib import Path

from .build import parse
from .files import atomic_write
from .traces import record

EXAMPLES = {
    "backprop_J": ("u = a*b; z = u + c; J = 3*z", {"a": 5, "b": 4, "c": 1}),
    "baydin": ("y = ln(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5}),
}


def classifier(out):
    """Train the training lecture's 2-4-4-1 sigmoid net on two moons; plot its loss and decision boundary."""
    from . import nn
    from .datasets import moons, standardize
    from .plots import plot_decision_boundary, plot_history
    x, y = moons(256, noise=0.1, seed=0)
    x = standardize(x)
    model = nn.Sequential([nn.Dense(4, activation="sigmoid", input_shape=(2,)),
                           nn.Dense(4, activation="sigmoid"),
                           nn.Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=nn.SGD(learning_rate=0.3, momentum=0.9), loss="mse", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=500, verbose=0)
    plot_history(history, out / "moons_loss.png")
    plot_decision_boundary(model, x, y, out / "moons_boundary.png", title="2-4-4-1 net on two moons")
    accuracy = history.history["accuracy"][-1]
    return f"## 2-4-4-1 sigmoid net, SGD momentum 0.9, MSE, batch 16, 500 epochs on two moons\n\n" \
           f"training accuracy {accuracy:.3f}; decision boundary in moons_boundary.png\n"


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
    printed.append(classifier(out))
    printed.append(f"Tables and {len(pictures) + 2} pictures written to {out}/")
    if note:
        printed.append(note)
    if args.json:
        return {"folder": str(out), "files": sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()),
                "note": note}
    return "\n".join(printed)
