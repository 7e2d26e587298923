"""``tf.function``: accepted, since graphgrad compiles a training loop's steps without being asked.

A train step of ``GradientTape``, ``tape.gradient`` and ``apply_gradients`` is
traced and runs as one compiled program (``graphgrad.eager.tracing``), inside
``tf.function`` or not. The decorated function runs its Python body at every
call, as TensorFlow does under ``tf.config.run_functions_eagerly(True)``: a
``print`` prints at every step, not once at tracing. ``jit_compile``,
``reduce_retracing``, ``autograph`` and ``input_signature`` are accepted (the
signature's shapes are checked against the arguments, as TensorFlow does).
"""
import functools

import numpy as np

from ..errors import ArgumentError
from . import dtypes


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_implements=None, experimental_autograph_options=None,
             experimental_attributes=None, experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """``func`` run as written at each call (``@tf.function`` with or without arguments)."""
    if jit_compile not in (None, True, False):
        raise ArgumentError(f"tf.function: jit_compile must be True, False or None, got {jit_compile!r}")

    def wrap(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            if input_signature is not None:
                _check(func, input_signature, args)
            return func(*args, **kwargs)
        run.python_function = func
        return run
    return wrap if func is None else wrap(func)


class TensorSpec:
    """``tf.TensorSpec(shape, dtype)``: the shape (None for any length) and dtype an argument must have."""

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = None if shape is None else tuple(shape)
        self.dtype, self.name = dtypes.as_dtype(dtype), name

    def matches(self, value):
        shape = np.shape(value)
        return self.shape is None or (len(shape) == len(self.shape) and
                                      all(s is None or s == n for s, n in zip(self.shape, shape)))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype.name}, name={self.name!r})"


def _check(func, signature, args):
    if len(args) != len(signature):
        raise ArgumentError(f"{func.__name__} takes {len(signature)} arguments by its input_signature, "
                            f"{len(args)} were given")
    for i, (spec, value) in enumerate(zip(signature, args)):
        if not spec.matches(value):
            raise ArgumentError(f"{func.__name__}: argument {i} has shape {np.shape(value)}, which does not "
                                f"match its input_signature {spec}")
