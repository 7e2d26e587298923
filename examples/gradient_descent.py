"""Minimizing by gradient descent: argmin of cos x and of x² cos x + sin x by gradient descent with graphgrad's gradients.

d cos x / dx = -sin x, so descent from x = 1 walks to π; for x² cos x + sin x,
descent from x = 2 stops near x ≈ 3.693, where 2x cos x - x² sin x + cos x = 0.
"""
import numpy as np

from _gallery import LECTURES, Page, options

import graphgrad as gg
from graphgrad.viz.figures import new_figure, save

FUNCTIONS = {
    "cos x": (lambda x: gg.cos(x), np.cos, 1.0),
    "x² cos x + sin x": (lambda x: x * x * gg.cos(x) + gg.sin(x), lambda x: x * x * np.cos(x) + np.sin(x), 2.0),
}


def descend(f, x0, learning_rate=0.1, steps=200):
    """Plain gradient descent x <- x - lr·f'(x); returns the path."""
    df = gg.grad(f)
    path = [x0]
    for _ in range(steps):
        path.append(path[-1] - learning_rate * float(df(path[-1])))
    return np.array(path)


def main(out, fast=False):
    page = Page(out, "Minimizing by gradient descent", LECTURES["training neural networks"])
    page.text("Each step is `x = x - 0.1 * gg.grad(f)(x)`; graphgrad builds the graph of `f` and "
              "differentiates it by reverse mode.")
    steps = 150 if fast else 200
    results = {}
    fig, axes = new_figure(5, 3.6, ncols=2)
    for ax, (name, (f, f_np, x0)) in zip(axes, FUNCTIONS.items()):
        path = descend(f, x0, steps=steps)
        results[name] = path[-1]
        xs = np.linspace(-1, 6, 400)
        ax.plot(xs, f_np(xs), color="#444")
        ax.plot(path, f_np(path), "o-", color="#d62728", markersize=3, label=f"descent from {x0}")
        ax.set_title(f"argmin {name} ≈ {path[-1]:.4f}")
        ax.set_xlabel("x")
        ax.legend()
    save(fig, page.path("descent.png"))
    page.picture("descent.png", "gradient descent on cos x and x² cos x + sin x")
    page.code("\n".join(f"argmin {k} ≈ {v:.6f}" for k, v in results.items()))
    page.write()
    return results


if __name__ == "__main__":
    args = options("gradient_descent", __doc__)
    for key, value in main(args.out, args.fast).items():
        print(f"argmin {key} = {value:.6f}")
