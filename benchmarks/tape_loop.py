"""A TensorFlow-style training loop (GradientTape + ``apply_gradients``) against ``fit`` on the numpy backend.

The same small MLP (20-64-64-10, relu, softmax, categorical cross-entropy,
Adam, batch 32, 1,024 samples) trained for the same steps two ways, in one run,
a new model each turn:

- ``tape``: ``graphgrad.tensorflow``'s loop as the TF guides write it --
  ``with tf.GradientTape(): loss = loss_fn(y, model(x))``, ``tape.gradient``,
  ``optimizer.apply_gradients`` -- traced (``eager.tracing``): the first step
  eager, then each step one program (forward, gradients, Adam) on the
  interpreter, replayed call by call (``eager.replay``); the program is built
  once per process (the first round's turn includes that);
- ``fit``: ``model.fit(..., backend="numpy", metrics=["accuracy"])``, the
  interpreter running the prebuilt step graph (the path users take), and without
  metrics.

The traced program runs on the interpreter, as ``fit``'s numpy backend does: the
benchmark keeps its kernels in a new empty folder (``GRAPHGRAD_CACHE_DIR``), since a
kernel an earlier run compiled and cached would run the program compiled (about
0.06 ms of its step instead of 0.18 ms), and the turns are too short to compile one.

Timed in turns in the process's CPU time (``time.process_time``: the machine is
shared, and other processes' load would swamp the wall clock of Python-bound
code); reported per step, best turn, and each round's ratio to ``fit``.
Issue 21's target (the tape loop at most 1.3x ``fit``) is measured on seed 004's own network by
``tape_loop_mnist.py``; on this small net the spelling's Python per step is most of the step.
Run: ``python benchmarks/tape_loop.py [--epochs N] [--repeat N] [--threads 1]``.
"""
import argparse
import os
import tempfile
import time

from common import machine, report, turn_ratios, turns

_KERNELS = tempfile.TemporaryDirectory(prefix="graphgrad-tape-loop-")   # removed at exit (see above)
os.environ["GRAPHGRAD_CACHE_DIR"] = _KERNELS.name

import numpy as np  # noqa: E402  (common sets the BLAS threads first)

import graphgrad.tensorflow as tf  # noqa: E402
from graphgrad import keras  # noqa: E402

N, FEATURES, CLASSES, BATCH = 1024, 20, 10, 32


def make_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(FEATURES,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(CLASSES, activation="softmax")])


def tape_loop(model, x, y, epochs):
    """The custom training loop of the TensorFlow guides, over the same mini-batches as fit (no shuffle)."""
    optimizer = keras.optimizers.Adam()
    loss_fn = keras.losses.CategoricalCrossentropy()
    for _ in range(epochs):
        for start in range(0, N, BATCH):
            xb, yb = x[start:start + BATCH], y[start:start + BATCH]
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss)


def fit(model, x, y, epochs, metrics):
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=metrics)
    return model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0, backend="numpy")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, FEATURES)).astype(np.float32)
    y = keras.utils.to_categorical(rng.integers(0, CLASSES, N), CLASSES)
    steps = args.epochs * (N // BATCH)
    print(machine())
    tape, reference = "tape + apply_gradients", "fit, numpy backend, metrics=['accuracy']"
    times = turns({
        tape: lambda: tape_loop(make_model(), x, y, args.epochs),
        reference: lambda: fit(make_model(), x, y, args.epochs, ["accuracy"]),
        "fit, numpy backend, no metrics": lambda: fit(make_model(), x, y, args.epochs, None),
    }, repeat=args.repeat, clock=time.process_time)
    report(f"{steps} steps of a 20-64-64-10 MLP, batch {BATCH}, Adam (per step, CPU time, best turn)",
           {name: (min(t) / steps * 1e3, "ms/step") for name, t in times.items()}, reference)
    print(f"  first turn of the tape loop (builds its program): {times[tape][0] / steps * 1e3:.3f} ms/step")
    turn_ratios(times, [tape], reference, "fit")


if __name__ == "__main__":
    main()
