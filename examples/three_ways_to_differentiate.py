"""Three ways to differentiate: symbolic vs numerical vs automatic differentiation, side by side.

One table compares the four methods on Baydin's ln(x1) + x1·x2 − sin(x2) at (2, 5);
the finite-difference error against the step draws the V of truncation and round-off;
and on the logistic map l ← 4l(1 − l) the symbolic derivative swells exponentially with
depth while the adjoint graph grows linearly.
"""
import sympy as sp

from _gallery import LECTURES, Page, options

import graphgrad as gg
from graphgrad.numeric import compare, error_vs_step
from graphgrad.symbolic import symbol, to_sympy

BAYDIN = "y = ln(x1) + x1*x2 - sin(x2)"


def side_by_side(page):
    graph = gg.parse(BAYDIN)
    table = compare(graph, {"x1": 2.0, "x2": 5.0})
    page.text(f"`{BAYDIN}` at (2, 5), by each method (`graphgrad compare`):")
    page.code(table.format())
    return table


def step_curve(page):
    rows = error_vs_step(gg.parse(BAYDIN), {"x1": 2.0, "x2": 5.0})
    steps = [r["step"] for r in rows]
    page.curves("error_vs_step.png", "error of finite differences against the step",
                {"forward difference (f(x+h) − f(x))/h": (steps, [max(r["forward"], 1e-17) for r in rows]),
                 "central difference (f(x+h) − f(x−h))/2h": (steps, [max(r["central"], 1e-17) for r in rows])},
                "step h", "largest error against reverse mode",
                "finite differences: truncation (right) vs round-off (left)", xlog=True, marker="o")
    best = min(rows, key=lambda r: r["central"])
    page.text(f"The central difference is best near h = {best['step']:.1e} (error {best['central']:.1e}), "
              "close to ε^(1/3) ≈ 6e-6, the step graphgrad uses.")
    return rows


def swell(page, depth):
    x = gg.vars("x")
    sizes = []
    l = x
    for n in range(1, depth + 1):
        l = 4 * l * (1 - l)
        graph = gg.Graph(l, [x])
        symbolic = sp.count_ops(sp.diff(to_sympy(graph), symbol("x")))
        sizes.append((n, symbolic, len(gg.grad_graph(graph).operations)))
    depths = [s[0] for s in sizes]
    page.curves("swell.png", "symbolic derivative size against adjoint graph size",
                {"SymPy diff: operations": (depths, [s[1] for s in sizes]),
                 "adjoint graph: nodes": (depths, [s[2] for s in sizes])},
                "depth n of l ← 4l(1 − l)", "size", "expression swell", marker="o")
    page.code("depth  symbolic ops  adjoint nodes\n" + "\n".join(f"{n:>5}  {s:>12}  {a:>13}" for n, s, a in sizes))
    return sizes


def main(out, fast=False):
    page = Page(out, "Three ways to differentiate", LECTURES["training neural networks"])
    numbers = {"compare": side_by_side(page), "steps": step_curve(page), "swell": swell(page, 6 if fast else 9)}
    page.write()
    return numbers


if __name__ == "__main__":
    args = options("three_ways_to_differentiate", __doc__)
    numbers = main(args.out, args.fast)
    print(numbers["compare"].format())
    print("swell (depth, symbolic ops, adjoint nodes):", numbers["swell"])
