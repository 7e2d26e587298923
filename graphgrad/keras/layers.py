"""``keras.layers``: graphgrad.nn's layers, named as Keras names them and callable on data or on ``Input``.

A Keras layer is the nn layer (same parameters, same graph builder) plus its
weights as ``tf.Variable`` objects, made on first use. Called on an array or a
tensor it runs eagerly (``graphgrad.eager``); called on ``keras.Input`` it
returns a symbolic ``KerasTensor`` for the functional API.

Each layer class is one line, ``keras_layer(nn_layers.X)``: a new nn layer joins
Keras the same way.
"""
import re

import numpy as np

from .. import eager
from ..datasets.checks import sample_shape
from ..errors import ArgumentError, ShapeError
from ..nn import initializers as nn_initializers, layers as nn_layers
from ..tensorflow.tensor import Tensor, Variable
from . import backend
from .classes import keras_class


def snake_case(name):
    """``Dense`` -> ``dense``, ``InputLayer`` -> ``input_layer``, ``MaxPooling2D`` -> ``max_pooling2d``."""
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", name).lower()


def without_batch_axis(input_shape):
    """``input_shape`` as a sample shape: ``(None, 784)`` and ``(784,)`` are both ``(784,)``."""
    shape = tuple(input_shape)
    return shape[1:] if shape and shape[0] is None else shape


def as_tensor(inputs):
    """``inputs`` as an eager tensor (data becomes a ``tf.Tensor`` of Keras's float type)."""
    return inputs if isinstance(inputs, eager.Tensor) else Tensor.leaf(np.asarray(inputs, dtype=backend.floatx()))


class KerasVariable(Variable):
    """A layer's weight as Keras 3 names it: ``name`` is ``kernel``, ``path`` is ``dense/kernel``."""

    __slots__ = ()

    @property
    def path(self):
        return self.given_name

    @property
    def name(self):
        return self.given_name.rpartition("/")[2]

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype.name}, value={self.numpy()}>"

    __str__ = __repr__


class KerasTensor:
    """A symbolic tensor of the functional API: its shape (batch axis None) and the layer that made it."""

    def __init__(self, shape, layer=None, source=None, name=None):
        self.shape, self.layer, self.source, self.name = tuple(shape), layer, source, name

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}{f' name={self.name}' if self.name else ''}>"


def Input(shape=None, batch_size=None, name=None, dtype=None):
    """The input of a functional model: ``keras.Input(shape=(784,))`` (shape without the batch axis)."""
    if shape is None:
        raise ShapeError("keras.Input needs shape=(features,) (the shape of one sample)")
    return KerasTensor((batch_size,) + sample_shape(shape, "keras.Input: shape"),
                       name=name or backend.unique_name("input_layer"))


class InputLayer:
    """``InputLayer(input_shape=(784,))`` as the first entry of a Sequential (it only fixes the input shape)."""

    def __init__(self, input_shape=None, shape=None, batch_size=None, name=None):
        self.input = Input(shape if shape is not None else input_shape, batch_size, name)


class KerasLayer:
    """What Keras adds to an nn layer: a Keras name, weights as variables, ``layer(x)``, get/set_weights."""

    def __init__(self, *args, name=None, trainable=True, dtype=None, **kwargs):
        if dtype not in (None, "float32", np.float32):
            raise ArgumentError(f"{type(self).__name__}: graphgrad.keras layers compute in float32, "
                                f"got dtype={dtype!r}")
        super().__init__(*args, name=name or backend.unique_name(snake_case(type(self).__name__)), **kwargs)
        self.init_args = (args, kwargs)   # what model.save writes
        self.trainable = trainable
        self.variables = {}
        self.built_shape = None

    # --- weights --------------------------------------------------------------------------
    def build(self, input_shape):
        """Make the weights for inputs of ``input_shape`` (with or without the batch axis ``None``); a built
        layer keeps its weights, and refuses (ShapeError) a shape they do not fit."""
        shape = without_batch_axis(input_shape)
        if self.built:
            nn_layers.check_weights_fit(self, {s: v.shape for s, v in self.variables.items()}, self.built_shape,
                                        shape)
            return
        nn_layers.check_weight_count([pshape for pshape, _ in self.parameters(shape).values()],
                                     f"layer '{self.name}'", shape)
        self.variables = {suffix: KerasVariable(nn_initializers.draw(init, pshape, backend.rng(), backend.floatx()),
                                           trainable=self.trainable and suffix not in self.non_trainable,
                                           name=f"{self.name}/{suffix}")
                          for suffix, (pshape, init) in self.parameters(shape).items()}
        self.built_shape = shape

    @property
    def built(self):
        return self.built_shape is not None

    @property
    def weights(self):
        return list(self.variables.values())

    @property
    def trainable_weights(self):
        return [v for v in self.variables.values() if v.trainable]

    trainable_variables = trainable_weights

    def get_weights(self):
        return [v.numpy() for v in self.variables.values()]

    def set_weights(self, arrays):
        arrays = list(arrays)
        if len(arrays) != len(self.variables):
            raise ShapeError(f"layer '{self.name}' has {len(self.variables)} weights "
                             f"({', '.join(self.variables) or 'none'}), set_weights got {len(arrays)}")
        for v, a in zip(self.variables.values(), arrays):
            v.assign(np.asarray(a, dtype=v.node.dtype))

    def count_params(self):
        return int(sum(v.value.size for v in self.variables.values()))

    def __getattr__(self, name):
        """``dense.kernel`` and ``dense.bias``: the weight variables by name (``input`` and ``output`` are set
        when the layer is called on a KerasTensor)."""
        variables = self.__dict__.get("variables", {})
        if name in variables:
            return variables[name]
        if name in ("input", "output"):
            raise AttributeError(f"Layer '{self.name}' has never been called and thus has no defined {name}.")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # --- calling ------------------------------------------------------------------------------
    def __call__(self, inputs, training=False):
        """``layer(x)``: symbolic on a KerasTensor (kept as ``layer.input``, ``layer.output``), else the output
        computed now (a tf.Tensor)."""
        if isinstance(inputs, KerasTensor):
            self.build(inputs.shape[1:])
            self.input = inputs
            self.output = KerasTensor((None,) + tuple(self.output_shape(inputs.shape[1:])), self, inputs)
            return self.output
        x = as_tensor(inputs)
        self.build(x.shape[1:])
        out, moved = eager.apply_layer(self, x, dict(self.variables), training, backend.rng())
        for suffix, value in moved.items():
            self.variables[suffix].assign(value)
        return out

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def keras_layer(nn_class):
    """The Keras layer of an nn layer class (same constructor arguments, plus ``name``, ``trainable``)."""
    return keras_class(KerasLayer, nn_class)


Dense = keras_layer(nn_layers.Dense)
Dropout = keras_layer(nn_layers.Dropout)
Flatten = keras_layer(nn_layers.Flatten)
Activation = keras_layer(nn_layers.Activation)
Reshape = keras_layer(nn_layers.Reshape)
Conv2D = keras_layer(nn_layers.Conv2D)
MaxPooling2D = keras_layer(nn_layers.MaxPooling2D)
AveragePooling2D = keras_layer(nn_layers.AveragePooling2D)
GlobalAveragePooling2D = keras_layer(nn_layers.GlobalAveragePooling2D)
GlobalMaxPooling2D = keras_layer(nn_layers.GlobalMaxPooling2D)
Lambda = keras_layer(nn_layers.Lambda)
BatchNormalization = keras_layer(nn_layers.BatchNormalization)
MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D  # Keras's short names
Layer = KerasLayer


def input_of(entry):
    """The ``keras.Input`` an ``Input``/``InputLayer`` entry of a Sequential gives, or None for a layer."""
    if isinstance(entry, InputLayer):
        entry = entry.input
    return entry if isinstance(entry, KerasTensor) and entry.layer is None else None
