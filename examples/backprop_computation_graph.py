"""Backprop on a computation graph: J = 3(ab + c), logistic regression's derivative chain, broadcasting.

Backprop reveals dJ/dz = 3, dJ/du = 3, dJ/dc = 3, dJ/da = 12 (b = 4) one step at a time;
for a sigmoid unit with cross-entropy loss dL/dz simplifies to φ - y and dL/dw1 to
(φ - y)·x1, derived symbolically and checked against reverse mode; broadcasting is drawn.
"""
import numpy as np
import sympy as sp

from _gallery import LECTURES, Page, options

import graphgrad as gg
from graphgrad.symbolic import adjoint_expressions, to_sympy
from graphgrad.traces import record
from graphgrad.viz import Frames, broadcast_picture, find_renderer, render

BACKPROP = "u = a*b; z = u + c; J = 3*z"
AT = {"a": 5.0, "b": 4.0, "c": 1.0}
LOGISTIC = "z = w1*x1 + w2*x2 + b; phi = sigmoid(z); L = -(y*ln(phi) + (1 - y)*ln(1 - phi))"
BROADCASTS = {
    "np.arange(3) + 5": (np.arange(3), 5),
    "np.ones((3, 3)) + np.arange(3)": (np.ones((3, 3)), np.arange(3)),
    "np.arange(3).reshape((3, 1)) + np.arange(3)": (np.arange(3).reshape((3, 1)), np.arange(3)),
    "np.ones((3, 2)) + np.arange(3)": (np.ones((3, 2)), np.arange(3)),
}


def backprop(page):
    graph = gg.parse(BACKPROP)
    trace = record(graph, AT, naming="user")
    adjoint = {graph.label(r.node): float(r.value) for r in trace.reverse}
    page.text(f"`{BACKPROP}` at a = 5, b = 4, c = 1. Backprop, one adjoint at a time:")
    page.code(trace.format("text"))
    if find_renderer() is not None:
        frames = Frames(graph, AT, naming="user")   # nodes, captions and table all write ū
        frames.write(page.out / "frames", "svg")
        frames.write(page.out / "frames", "html")
        render(graph, page.path("backprop.png"), AT, view="both", notation="partial")
        page.picture("backprop.png", "J = 3(ab + c) with values and adjoints")
        page.text(f"Step through all {len(frames)} frames: [frames.html](frames/frames.html)")
    return {f"dJ/d{k}": adjoint[k] for k in ("z", "u", "c", "a", "b")}


def logistic(page):
    graph = gg.parse(LOGISTIC)
    adjoints = adjoint_expressions(graph, keep=["phi", "z"])
    page.text(f"Logistic regression: `{LOGISTIC}`. graphgrad's symbolic adjoints, in terms of φ:")
    page.code("\n".join(f"dL/d{k} = {sp.sstr(v)}" for k, v in adjoints.items() if k in ("phi", "z", "w1", "b")))
    # the closed form (φ − y)·x1 against reverse mode at one point
    point = {"w1": 0.3, "w2": -0.7, "b": 0.1, "x1": 1.5, "x2": 0.4, "y": 1.0}
    phi = float(1 / (1 + np.exp(-(0.3 * 1.5 - 0.7 * 0.4 + 0.1))))
    grads = dict(zip(graph.input_names, gg.grad_graph(graph)(**point)[1:]))
    page.text(f"At w1 = 0.3, w2 = −0.7, b = 0.1, x1 = 1.5, x2 = 0.4, y = 1: φ = {phi:.6f}, "
              f"(φ − y)·x1 = {(phi - 1) * 1.5:.6f}; reverse mode gives dL/dw1 = {float(grads['w1']):.6f}.")
    return {"dL/dz": adjoints["z"], "dL/dw1": adjoints["w1"], "dL/dphi": adjoints["phi"],
            "reverse dL/dw1": float(grads["w1"]), "(phi - y) x1": (phi - 1) * 1.5,
            "L": to_sympy(graph)}


def broadcasting(page):
    errors = {}
    for k, (label, (a, b)) in enumerate(BROADCASTS.items()):
        _, error = broadcast_picture(a, b, page.path(f"broadcast_{k}.png"), label)
        errors[label] = error
        page.picture(f"broadcast_{k}.png", label)
    return errors


def main(out, fast=False):
    page = Page(out, "Backprop on a computation graph", LECTURES["intro to neural nets"])
    numbers = backprop(page)
    numbers.update(logistic(page))
    numbers["broadcast errors"] = broadcasting(page)
    page.write()
    return numbers


if __name__ == "__main__":
    args = options("backprop_computation_graph", __doc__)
    for key, value in main(args.out, args.fast).items():
        print(f"{key}: {value}")
