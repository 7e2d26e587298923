"""TensorFlow's spelling of graphgrad: ``import graphgrad.tensorflow as tf`` runs a slide's TF code.

Eager tensors (``graphgrad.eager``) under TensorFlow's names: ``constant``,
``Variable``, ``GradientTape``, the ops the lectures use, ``tf.nn``, ``tf.random``,
``tf.math``, ``tf.function`` (accepted: training steps are traced and compiled anyway) and
``tf.keras`` (which is ``graphgrad.keras``). Values are computed
when an op is applied; inside a tape the op is also recorded as a node of the
graph IR, so ``tape.draw("slide.svg")`` draws what the slide computed with its
values and adjoints. No derivative, layer or optimizer is defined here.
"""
from . import math, nn, random
from .dtypes import (DType, as_dtype, bool_ as bool, float16, float32, float64, int8, int16, int32, int64,
                     uint8)
from .tensor import Tensor, Variable, constant, convert_to_tensor
from .tape import GradientTape
from .function import TensorSpec, function
from .arrays import cast, matmul, ones, ones_like, reshape, transpose, zeros, zeros_like
from .math import (abs, add, cos, divide, exp, maximum, minimum, multiply, negative, pow, reduce_max,
                   reduce_mean, reduce_sum, sigmoid, sin, sqrt, square, subtract, tanh)


def __getattr__(name):
    """``tf.keras`` is ``graphgrad.keras`` (loaded on first use, as the slides' ``tf.keras.layers.Dense``)."""
    if name == "keras":
        from .. import keras
        return keras
    raise AttributeError(f"module 'graphgrad.tensorflow' has no attribute '{name}'")
