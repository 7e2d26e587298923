"""TensorFlow's spelling of graphgrad: ``import graphgrad.tensorflow as tf`` runs a slide's TF code.

Eager tensors (``graphgrad.eager``) under TensorFlow's names: ``constant``,
``Variable``, ``GradientTape``, ``custom_gradient`` and ``stop_gradient``, making,
shaping and picking (``range``, ``one_hot``, ``gather``, ...), ``tf.nn``, ``tf.random``,
``tf.math`` (one table: ``math.UNARY``, ``BINARY``, ``REDUCTIONS``, also as ``tf.sin``, ...),
``tf.linalg``, ``tf.Module``, ``tf.config``/``tf.device`` (the CPU), ``tf.function`` (accepted: training steps are traced and compiled anyway) and ``tf.keras`` (which is ``graphgrad.keras``). Values are computed
when an op is applied; inside a tape the op is also recorded as a node of the
graph IR, so ``tape.draw("slide.svg")`` draws what the slide computed with its
values and adjoints. No derivative, layer or optimizer is defined here.
"""
import importlib

from . import config, linalg, math, nn, random
from .config import device
from .module import Module
from .dtypes import (DType, as_dtype, bool_ as bool, float16, float32, float64, int8, int16, int32, int64,
                     uint8)
from .tensor import Tensor, TensorShape, Variable, constant, convert_to_tensor
from .tape import GradientTape
from .function import TensorSpec, function
from .arrays import (arange as range, argmax, argmin, broadcast_to, cast, clip_by_norm, clip_by_value, concat,
                     einsum, expand_dims, eye, fill, gather, linspace, matmul, norm, one_hot, ones, ones_like, pad,
                     rank, reshape, shape, size, squeeze, stack, transpose, where, zeros, zeros_like)
from .gradients import UnconnectedGradients, custom_gradient, stop_gradient
from .math import FUNCTIONS, square

globals().update(FUNCTIONS)   # tf.sin, tf.reduce_sum, ...: the functions of tf.math's table


# TensorFlow's modules graphgrad leaves out, and why (``docs/run_your_slides_code.md`` lists them)
REFUSED = {
    "data": "input pipelines are not modelled; iterate over NumPy slices, or give arrays to model.fit",
    "saved_model": "graphs are not exported as SavedModels; save a Keras model with model.save",
    "strings": "tensors hold real numbers only",
    "ragged": "tensors are rectangular: pad the rows to one length",
    "sparse": "tensors are dense: build the dense array",
    "io": "tensors hold real numbers only: decode bytes with NumPy",
    "image": "image ops are not modelled: write them with tf.math and tf.nn",
}


def __getattr__(name):
    """``tf.keras``, loaded on first use as the slides' ``tf.keras.layers.Dense`` is: the module ``graphgrad``
    installs as ``graphgrad.tensorflow.keras``, which is ``graphgrad.keras`` (a spelling built on this one)."""
    if name == "keras":
        return importlib.import_module(f"{__name__}.keras")
    if name in REFUSED:
        raise AttributeError(f"graphgrad.tensorflow has no tf.{name}: {REFUSED[name]}")
    raise AttributeError(f"module 'graphgrad.tensorflow' has no attribute '{name}'")
