"""Seed 004's MNIST network trained by a TensorFlow-style loop (GradientTape + ``apply_gradients``) against ``fit``.

The network of seed 004 (Dense(512, relu) -> Dense(10, softmax), RMSprop,
categorical cross-entropy, batch 128, float32) on the first ``--images`` MNIST
training images, trained for one epoch two ways in one run, a new model each turn,
over the same batches in the same order:

- ``tape``: ``graphgrad.tensorflow``'s loop as the TF guides write it --
  ``with tf.GradientTape(): loss = loss_fn(y, model(x))``, ``tape.gradient``,
  ``optimizer.apply_gradients`` -- traced (``eager.tracing``): each step one
  compiled program (forward, gradients, RMSprop), replayed call by call;
- ``fit``: ``model.fit(..., metrics=["accuracy"], shuffle=False)`` as users call
  it (the compiled training loop); and without metrics, as the tape loop computes none.

Both as users meet them after their first run: a warm-up compiles (or loads from
the on-disk cache) the traced step's kernel and fit's loop first, so the turns
time the steady state; the warm-up's time is printed too. Timed in turns in the
process's CPU time, per step, best turn; each round's ratio to ``fit``.
Target (issue 21): the tape loop at most 1.3x ``fit``.
Run: ``python benchmarks/tape_loop_mnist.py [--images N] [--repeat N] [--threads 1] [--data DIR]``.
"""
import argparse
import time

from common import ROOT, machine, report, turn_ratios, turns

import numpy as np  # noqa: E402  (common sets the BLAS threads first)

import graphgrad.tensorflow as tf  # noqa: E402
from graphgrad import keras  # noqa: E402
from graphgrad.datasets import load_mnist  # noqa: E402
from graphgrad.eager import tracing  # noqa: E402

BATCH = 128
COMPILE_WAIT = 300.0   # seconds the warm-up waits for the traced step's kernel


def seed004():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


def tape_loop(model, x, y, optimizer=None):
    """One epoch of the TensorFlow guides' custom training loop (no shuffle); its optimizer."""
    optimizer = optimizer or keras.optimizers.RMSprop()
    loss_fn = keras.losses.CategoricalCrossentropy()
    for start in range(0, len(x), BATCH):
        xb, yb = x[start:start + BATCH], y[start:start + BATCH]
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return optimizer


def fit(model, x, y, metrics=("accuracy",)):
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=list(metrics))
    return model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)


def warm_up(x, y):
    """Seconds until both ways run compiled: fit's loop built or loaded, the traced step's kernel loaded."""
    start = time.perf_counter()
    fit(seed004(), x, y)
    optimizer = tape_loop(seed004(), x[:4 * BATCH], y[:4 * BATCH])
    while not all(p.compiled for p in tracing.programs(optimizer)):
        if time.perf_counter() - start > COMPILE_WAIT:
            raise SystemExit(f"the traced step's kernel was not ready after {COMPILE_WAIT} s")
        tape_loop(seed004(), x[:4 * BATCH], y[:4 * BATCH], optimizer)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=12800)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    args = parser.parse_args()
    (x, labels), _ = load_mnist(args.data)
    x = x[:args.images].reshape(-1, 784).astype(np.float32) / 255
    y = keras.utils.to_categorical(labels[:args.images], 10)
    steps = -(-len(x) // BATCH)
    print(machine())
    print(f"warm-up (fit's loop and the traced step's kernel compiled or loaded): {warm_up(x, y):.1f} s")
    tape, reference = "tape + apply_gradients", "fit, metrics=['accuracy']"
    times = turns({tape: lambda: tape_loop(seed004(), x, y), reference: lambda: fit(seed004(), x, y),
                   "fit, no metrics (the tape loop computes none)": lambda: fit(seed004(), x, y, ())},
                  repeat=args.repeat, clock=time.process_time)
    report(f"{steps} steps of seed 004's 784-512-10 MLP, batch {BATCH}, RMSprop (per step, CPU time, best turn)",
           {name: (min(t) / steps * 1e3, "ms/step") for name, t in times.items()}, reference)
    turn_ratios(times, [tape], reference, "fit")


if __name__ == "__main__":
    main()
