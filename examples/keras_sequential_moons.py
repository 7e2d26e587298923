"""A Keras Sequential net on two moons: the tutorial's 2-4-4-1 sigmoid net, trained on two moons with graphgrad.nn.

SGD with momentum 0.9, MSE loss, batch 16: the summary (12 + 20 + 5 = 37 parameters),
the loss curve, the decision boundary, and SGD with and without momentum compared.
"""
import io
from contextlib import redirect_stdout

from _gallery import LECTURES, Page, options

from graphgrad import nn
from graphgrad.datasets import moons, standardize
from graphgrad.plots import plot_decision_boundary


def build(momentum, seed=0):
    model = nn.Sequential([
        nn.Dense(4, activation="sigmoid", input_shape=(2,)),
        nn.Dense(4, activation="sigmoid"),
        nn.Dense(1, activation="sigmoid"),
    ], seed=seed)
    model.compile(optimizer=nn.SGD(learning_rate=0.3, momentum=momentum), loss="mse", metrics=["accuracy"])
    return model


def main(out, fast=False):
    page = Page(out, "A Keras Sequential net (2-4-4-1) on two moons", LECTURES["training neural networks"])
    x, y = moons(256, noise=0.1, seed=0)
    x = standardize(x)
    epochs = 300 if fast else 1000

    model = build(momentum=0.9)
    summary = io.StringIO()
    with redirect_stdout(summary):
        model.summary()
    page.code("from graphgrad import nn\nfrom graphgrad.datasets import moons, standardize\n\n"
              "x, y = moons(256, noise=0.1, seed=0)\nx = standardize(x)\n"
              "model = nn.Sequential([\n    nn.Dense(4, activation='sigmoid', input_shape=(2,)),\n"
              "    nn.Dense(4, activation='sigmoid'),\n    nn.Dense(1, activation='sigmoid'),\n], seed=0)\n"
              "model.compile(optimizer=nn.SGD(learning_rate=0.3, momentum=0.9), loss='mse', metrics=['accuracy'])\n"
              f"model.summary()\nhistory = model.fit(x, y, batch_size=16, epochs={epochs}, verbose=0)", "python")
    page.code(summary.getvalue())

    histories = {"momentum 0.9": model.fit(x, y, batch_size=16, epochs=epochs, verbose=0),
                 "plain SGD": build(momentum=0.0).fit(x, y, batch_size=16, epochs=epochs, verbose=0)}
    loss, accuracy = model.evaluate(x, y, verbose=0)
    page.text(f"Training accuracy after {epochs} epochs: **{accuracy:.3f}** (loss {loss:.4f}).")

    page.curves("loss.png", "loss curves with and without momentum",
                {label: h.history["loss"] for label, h in histories.items()},
                "epoch", "MSE loss", "SGD with and without momentum")

    plot_decision_boundary(model, x, y, page.path("boundary.png"), title="decision boundary (momentum 0.9)")
    page.picture("boundary.png", "the trained net's decision boundary")
    page.write()
    return {"params": model.count_params(), "accuracy": accuracy,
            "final loss": {k: h.history["loss"][-1] for k, h in histories.items()}}


if __name__ == "__main__":
    args = options("keras_sequential_moons", __doc__)
    print(main(args.out, args.fast))
