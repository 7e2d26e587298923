"""Backprop through a network: a multilayer network a^(l+1) = g(Θ^(l) a^(l)), the δ recursion of backprop, Baydin's tables.

The 3-3-1 sigmoid network of the lecture is drawn at neuron level (a_i^(j) labels, each
layer's weights as a matrix, biases as +1 units). Its graph's adjoints of z^(l) are the δ^(l) of the lecture, and they obey
δ^(L) = ŷ - y and δ^(l) = a^(l)(1 - a^(l)) ⊙ Θ^(l)ᵀ δ^(l+1), checked here against reverse mode.
"""
import numpy as np

from _gallery import LECTURES, Page, options

import graphgrad as gg
from graphgrad.autodiff import adjoints
from graphgrad.backends.numpy_backend import bind, run
from graphgrad.traces import record
from graphgrad.viz import Layer, find_renderer, network_picture, render

NETWORK = ("z2 = T1 @ x + b1; a2 = sigmoid(z2); z3 = T2 @ a2 + b2; yhat = sigmoid(z3); "
           "L = -sum(y*ln(yhat) + (1 - y)*ln(1 - yhat))")
SHAPES = {"x": (3,), "T1": (3, 3), "b1": (3,), "T2": (1, 3), "b2": (1,), "y": (1,)}
BAYDIN = "y = ln(x1) + x1*x2 - sin(x2)"


def network(page):
    rng = np.random.default_rng(2)
    values = {k: np.round(rng.normal(0, 1, s), 2) for k, s in SHAPES.items()}
    values["x"], values["y"] = np.array([0.5, -1.0, 2.0]), np.array([1.0])
    graph = gg.parse(NETWORK, shapes=SHAPES)
    named = {n.name: n for n in graph.nodes if n.name}
    adj = adjoints(graph)
    deltas = [adj[named["z2"].id], adj[named["z3"].id]]
    env = run(gg.Graph(deltas, graph.inputs), bind(graph, values))  # every node's value, primal and adjoint
    delta2, delta3 = (env[d.id] for d in deltas)
    a2, yhat = env[named["a2"].id], env[named["yhat"].id]
    by_hand = {"delta3": yhat - values["y"], "delta2": a2 * (1 - a2) * (values["T2"].T @ delta3)}
    page.text(f"`{NETWORK}`")
    page.text("δ^(l) is the adjoint of z^(l), read off the adjoint graph; the lecture's recursion gives the same:")
    page.code(f"δ(3) by reverse mode = {delta3}    ŷ − y = {by_hand['delta3']}\n"
              f"δ(2) by reverse mode = {np.round(delta2, 6)}\n"
              f"a(2)(1 − a(2)) ⊙ Θ(2)ᵀ δ(3) = {np.round(by_hand['delta2'], 6)}")
    if find_renderer() is not None:
        layers = [Layer("input", 3), Layer("hidden", 3, "sigmoid", (values["T1"].T, values["b1"])),
                  Layer("output", 1, "sigmoid", (values["T2"].T, values["b2"]))]
        network_picture(layers, level="neuron").save(page.path("network.svg"))
        page.picture("network.svg", "the 3-3-1 network at neuron level")
        render(graph, page.path("network_graph.svg"), values, view="both", notation="partial")
        render(graph, page.path("network_adjoints.svg"), values, view="backward", fields=("name", "expr", "adjoint"),
               edges="none", notation="partial", direction="TB")   # narrow enough to read on the page
        page.picture("network_adjoints.svg", "its graph with the adjoints: those of z2 and z3 are δ(2) and δ(3)")
        page.text("The [whole graph with values, adjoints and every edge's local partial](network_graph.svg) "
                  "is too wide for this page: open it on its own and zoom.")
    return {"delta2": delta2, "delta3": delta3, **{f"{k} by hand": v for k, v in by_hand.items()}}


def baydin(page):
    trace = record(gg.parse(BAYDIN), {"x1": 2.0, "x2": 5.0})
    page.text(f"Baydin et al.'s example `{BAYDIN}` at (2, 5):")
    page.text(trace.format("markdown"))
    return trace


def main(out, fast=False):
    page = Page(out, "Backprop through a network: the δ recursion", LECTURES["neural networks"])
    numbers = network(page)
    numbers["baydin"] = baydin(page)
    page.write()
    return numbers


if __name__ == "__main__":
    args = options("backprop_network", __doc__)
    numbers = main(args.out, args.fast)
    print("delta(2) =", numbers["delta2"], " by hand:", numbers["delta2 by hand"])
    print(numbers["baydin"].format("text"))
