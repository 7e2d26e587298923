"""Check a student's hand-derived derivative: symbolically, and numerically at random points.

A claim is a formula in the program's variables (inputs and named nodes, e.g.
``"phi - y"``), read with graphgrad's parser. It is compared with the exact
gradient symbolically (the difference simplifies to 0) and numerically at random
points where the program is defined (against reverse mode), and the verdict says
"correct" or "wrong: at x1=0.3, x2=1.2 yours gives 2.1, the true value is 3.4".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..autodiff import grad_graph
from ..backends.numpy_backend import bind, run
from ..build import parse
from ..errors import DomainError, SizeError
from ..graph.printing import number
from ..lazy_sympy import sp
from .expressions import expressions, symbol
from .gradients import gradient, wrt_inputs
from .size import SIMPLIFY_OPS, expression_size
from .text import formula

RTOL, ATOL = 1e-7, 1e-9
EXTRA_POINTS = 20   # more points tried for a counterexample when SymPy finds the difference non-zero
MAX_TRIES = 200     # random draws per wanted point before giving up on finding the domain


@dataclass
class ClaimCheck:
    """The outcome for one variable: the claim, the true derivative, the evidence and the verdict."""
    variable: str
    claim: str
    expected: sp.Expr
    symbolic: str                  # "equal", "different", "undecided" (not simplified to 0) or "skipped" (too large)
    points: list = field(default_factory=list)   # [{"at": {name: value}, "yours": float|None, "true": float}]
    counterexample: Optional[dict] = None

    @property
    def ok(self):
        return self.counterexample is None and (self.symbolic == "equal" or bool(self.points))

    @property
    def verdict(self):
        if self.counterexample is not None:
            c = self.counterexample
            at = ", ".join(f"{k}={number(v, 4)}" for k, v in c["at"].items())
            yours = "is undefined there" if c["yours"] is None else f"gives {number(c['yours'], 4)}"
            return f"wrong: at {at} yours {yours}, the true value is {number(c['true'], 4)}"
        n = len(self.points)
        if self.symbolic == "equal":
            return "correct"
        if not n:
            return "undecided: SymPy could not reduce the difference to 0 and no point inside the domain was found"
        why = {"undecided": "SymPy could not reduce the difference to 0",
               "different": "SymPy could not reduce the difference to 0",
               "skipped": "the expression is too large to compare symbolically"}[self.symbolic]
        return f"correct at {n} random points ({why})"

    def as_dict(self):
        return {"claim": self.claim, "ok": self.ok, "verdict": self.verdict, "expected": str(self.expected),
                "symbolic": self.symbolic, "points": self.points, "counterexample": self.counterexample}


@dataclass
class CheckReport:
    """Claims checked against one program; ``verdict`` and ``results`` by variable name."""
    output: str
    results: dict

    @property
    def ok(self):
        return all(r.ok for r in self.results.values())

    @property
    def verdict(self):
        return {name: r.verdict for name, r in self.results.items()}

    def as_dict(self):
        return {"output": self.output, "ok": self.ok,
                "claims": {name: r.as_dict() for name, r in self.results.items()}}

    def __str__(self):
        return "\n".join(f"d{self.output}/d{name}: {r.verdict}" for name, r in self.results.items())


def check(graph, claims, points=5, seed=0):
    """Check ``claims`` {input name: derivative formula} against ``graph``'s exact gradient.

    ``points`` random points (one decimal, from -3 to 3, where the program is defined)
    are tried; ``seed`` makes them reproducible. Raises UnknownNameError for a variable
    the program does not have, ParseError for a formula outside the grammar.
    """
    wrt = wrt_inputs(graph, list(claims))
    named = {graph.label(n): n for n in graph.operations if n.name is not None}
    names = [*graph.input_names, *named]
    closed = expressions(graph)
    spelled_out = {symbol(label): closed[n.id] for label, n in named.items()}
    claim_graphs, claimed = {}, {}
    for w in wrt:
        text = claims[w.name]
        claimed[w.name] = formula(text, names, where=f"the claim for d{graph.label(graph.output)}/d{w.name}")
        claim_graphs[w.name] = parse(text)
    try:
        truth = gradient(graph, wrt)
    except SizeError:
        truth = None
    results = {}
    sampler = _points(graph, wrt, np.random.default_rng(seed))
    samples = []
    for w in wrt:
        expected = truth[w.name] if truth is not None else sp.nan
        verdict = "skipped" if truth is None else _compare(claimed[w.name].xreplace(spelled_out), expected)
        result = ClaimCheck(w.name, claims[w.name], expected, verdict)
        wanted = points + (EXTRA_POINTS if verdict == "different" else 0)
        for k in range(wanted):
            if k == len(samples):
                samples.append(next(sampler, None))
            if samples[k] is None:
                break
            at, env, grads = samples[k]
            yours = _claim_value(claim_graphs[w.name], graph, at, env, named)
            row = {"at": at, "yours": yours, "true": grads[w.name]}
            if yours is None or not np.isclose(yours, row["true"], rtol=RTOL, atol=ATOL):
                result.counterexample = row
                break
            if k < points:
                result.points.append(row)
        if result.counterexample is None and verdict == "different":
            result.symbolic = "undecided"
        results[w.name] = result
    return CheckReport(graph.label(graph.output), results)


def _compare(claim, expected):
    """'equal' when claim - expected simplifies to 0, 'different' if not, 'skipped' when too large to try."""
    difference = claim - expected
    if expression_size([difference])[0] > SIMPLIFY_OPS:
        return "skipped"
    return "equal" if sp.simplify(difference) == 0 else "different"


def _points(graph, wrt, rng):
    """Random points (values, node values, true gradient by name) where the program and its gradient are defined."""
    gg = grad_graph(graph, wrt)
    grid = np.concatenate([np.arange(-30, 0), np.arange(1, 31)]) / 10   # one decimal, never exactly 0
    while True:
        for _ in range(MAX_TRIES):
            at = {n.name: float(rng.choice(grid)) for n in graph.inputs}
            try:
                env = run(graph, bind(graph, at))
                values = run(gg, bind(gg, at))
            except DomainError:
                continue
            grads = {w.name: float(values[g.id]) for w, g in zip(wrt, gg.outputs[1:])}
            if np.isfinite(float(env[graph.output.id])) and all(np.isfinite(list(grads.values()))):
                break
        else:
            return
        yield at, env, grads


def _claim_value(claim_graph, graph, at, env, named):
    """The claim's value at a point (its named nodes take the program's values), or None where undefined."""
    values = {n: (at[n] if n in at else env[named[n].id]) for n in claim_graph.input_names}
    try:
        value = float(claim_graph(**values))
    except DomainError:
        return None
    return value if np.isfinite(value) else None
