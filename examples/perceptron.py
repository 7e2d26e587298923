"""The perceptron: activation functions, learning rates and batch sizes, with graphgrad.

ŷ = g(1 + 3x1 - 2x2) at (-1, 2) is g(-6) ≈ 0.002; its decision line is 1 + 3x1 - 2x2 = 0.
Sigmoid, tanh and ReLU with their derivatives (by reverse mode); a learning rate that is
too small, stable and too large; SGD, mini-batch and full-batch gradient descent.
"""
import numpy as np

from _gallery import LECTURES, Page, options

import graphgrad as gg
from graphgrad import nn
from graphgrad.datasets import blobs
from graphgrad.viz.figures import new_figure, save


def perceptron(page):
    x1, x2 = gg.vars("x1 x2")
    graph = gg.Graph(gg.sigmoid(1 + 3 * x1 - 2 * x2), [x1, x2])
    y_hat = float(graph(x1=-1, x2=2))
    page.text(f"ŷ = g(1 + 3·x1 − 2·x2) at (x1, x2) = (−1, 2): g(−6) = **{y_hat:.6f}** ≈ 0.002")
    fig, (ax,) = new_figure(4.2, 4)
    xs = np.linspace(-3, 3, 200)
    grid = np.meshgrid(xs, xs)
    on_grid = graph.with_shapes(x1=grid[0].shape, x2=grid[1].shape)   # the same graph, for arrays
    ax.contourf(*grid, on_grid(x1=grid[0], x2=grid[1]), levels=20, cmap="RdBu_r", alpha=0.6)
    ax.plot(xs, (1 + 3 * xs) / 2, color="k", label="1 + 3x1 − 2x2 = 0")
    ax.plot([-1], [2], "o", color="#d62728", label="(−1, 2): ŷ ≈ 0.002")
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="lower right")
    save(fig, page.path("perceptron.png"))
    page.picture("perceptron.png", "the perceptron's output and decision line")
    return y_hat


def activations(page):
    xs = np.linspace(-4, 4, 161)
    fig, axes = new_figure(3.4, 3, ncols=3)
    slopes = {}
    for ax, (name, f) in zip(axes, {"sigmoid": gg.sigmoid, "tanh": gg.tanh, "ReLU": gg.relu}.items()):
        values = gg.Graph(f(gg.ops.input("x", xs.shape)))(x=xs)
        slope = gg.grad(lambda x: gg.sum(f(x)))(xs)   # elementwise f, so d(sum)/dx_i = f'(x_i)
        slopes[name] = slope
        ax.plot(xs, values, label=name)
        ax.plot(xs, slope, "--", label=f"{name}′")
        ax.axhline(0, color="#999", lw=0.6)
        ax.set_title(name)
        ax.legend()
    save(fig, page.path("activations.png"))
    page.picture("activations.png", "activation functions and their derivatives")
    return slopes


def learning_rates(page, steps):
    """Gradient descent on (w - 3)² + 1 from w = 0 with three learning rates."""
    f = lambda w: (w - 3) * (w - 3) + 1
    loss, df = gg.Graph(f(gg.vars("w"))), gg.grad(f)
    losses = {}
    for lr in (0.01, 0.3, 1.05):
        w, losses[lr] = 0.0, []
        for _ in range(steps):
            losses[lr].append(float(loss(w=w)) - 1)
            w -= lr * float(df(w))
    names = {0.01: "too small", 0.3: "stable", 1.05: "too large"}
    page.curves("learning_rates.png", "too small, stable and too large learning rates",
                {f"{names[lr]} ({lr})": v for lr, v in losses.items()}, "step", "loss − minimum", "learning rate")
    return {lr: v[-1] for lr, v in losses.items()}


def batch_sizes(page, epochs):
    x, y = blobs(400, centers=2, seed=1)
    curves = {}
    for label, batch in (("SGD (batch 1)", 1), ("mini-batch (32)", 32), ("full batch (400)", 400)):
        model = nn.Sequential([nn.Dense(1, activation="sigmoid", input_shape=(2,))], seed=0)
        model.compile(optimizer=nn.SGD(learning_rate=0.05), loss="binary_crossentropy", metrics=["accuracy"])
        curves[label] = model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=True).history["loss"]
    page.curves("batch_sizes.png", "SGD, mini-batch and full-batch gradient descent", curves,
                "epoch", "cross-entropy", "logistic regression, same learning rate")
    return {label: losses[-1] for label, losses in curves.items()}


def main(out, fast=False):
    page = Page(out, "The perceptron", LECTURES["neural network basics"])
    numbers = {"y_hat": perceptron(page), "slopes": activations(page),
               "learning rates": learning_rates(page, 40 if fast else 60),
               "batch sizes": batch_sizes(page, 10 if fast else 30)}
    page.write()
    return numbers


if __name__ == "__main__":
    args = options("perceptron", __doc__)
    numbers = main(args.out, args.fast)
    print(f"y_hat = {numbers['y_hat']:.6f}")
    print("final losses by learning rate:", numbers["learning rates"])
    print("final losses by batch size:", numbers["batch sizes"])
