"""Layers: graph builders. Each declares its parameters and turns an input node into an output node.

A layer owns no arrays and no gradient code: the model keeps the weights by
name (``dense_1/kernel``), feeds them to the graph as input nodes, and the
core's reverse mode differentiates whatever the layers built.
"""
import numpy as np

from .. import ops
from ..graph import shapes
from ..datasets.checks import real_number, whole_number
from . import activations, initializers, regularizers
from .errors import ShapeError


class Layer:
    """Base class: a named graph builder with parameters (name suffix -> shape and initializer)."""

    kind = "layer"
    input_shape = None

    def __init__(self, name=None):
        self.name = name

    def parameters(self, input_shape):
        """``{suffix: (shape, initializer)}`` for an input of ``input_shape`` (without the batch axis)."""
        return {}

    def output_shape(self, input_shape):
        return tuple(input_shape)

    def noise_shape(self, input_shape):
        """Shape (without batch axis) of the uniform[0,1) noise the layer needs in training, or None."""
        return None

    def call(self, x, params, training=False, noise=None):
        """The output node for input node ``x`` (batch axis first), given parameter nodes by suffix."""
        raise NotImplementedError

    def penalty(self, params):
        """Regularisation term (a scalar node) to add to the loss, or None."""
        return None

    def config(self):
        return {}

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.config().items())})"


class Dense(Layer):
    """Fully connected layer ``activation(x @ kernel + bias)``, with Keras' defaults (Glorot, zeros)."""

    kind = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 input_shape=None, input_dim=None, name=None):
        super().__init__(name)
        self.units = whole_number(units, "Dense: units (the number of outputs)")
        self.activation = activations.get(activation)
        self.activation_name = activations.name_of(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        if input_dim is not None:
            input_shape = (input_dim,)
        self.input_shape = None if input_shape is None else tuple(input_shape)

    def parameters(self, input_shape):
        if len(input_shape) != 1:
            raise ShapeError(f"layer '{self.name}' (Dense) needs inputs with one feature axis, got samples "
                             f"of shape {shapes.fmt(input_shape)}; add a Flatten layer before it")
        params = {"kernel": ((input_shape[0], self.units), self.kernel_initializer)}
        if self.use_bias:
            params["bias"] = ((self.units,), self.bias_initializer)
        return params

    def output_shape(self, input_shape):
        return (self.units,)

    def linear(self, x, params):
        """The pre-activation ``x @ kernel + bias`` (the logits when this is the last layer)."""
        z = ops.matmul(x, params["kernel"])
        return z + params["bias"] if self.use_bias else z

    def call(self, x, params, training=False, noise=None):
        return self.activation(self.linear(x, params))

    def penalty(self, params):
        terms = [reg(params[k]) for k, reg in (("kernel", self.kernel_regularizer),
                                               ("bias", self.bias_regularizer)) if reg is not None and k in params]
        if not terms:
            return None
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return total

    def config(self):
        return {"units": self.units, "activation": self.activation_name}


class Dropout(Layer):
    """Zero a fraction ``rate`` of the inputs in training, scaling the rest by 1/(1-rate); identity otherwise.

    The random mask comes from a graph input fed with fresh uniform[0,1) noise
    each step, so the step graph stays a pure function.
    """

    kind = "dropout"

    def __init__(self, rate, name=None, input_shape=None):
        super().__init__(name)
        self.rate = real_number(rate, "Dropout: rate (the fraction of inputs dropped)", 0, 1, high_open=True)
        self.input_shape = None if input_shape is None else tuple(input_shape)

    def noise_shape(self, input_shape):
        return tuple(input_shape) if self.rate > 0 else None

    def call(self, x, params, training=False, noise=None):
        if not training or noise is None:
            return x
        return x * ops.step(noise - self.rate) * (1.0 / (1.0 - self.rate))

    def config(self):
        return {"rate": self.rate}


class Flatten(Layer):
    """Flatten each sample to one feature axis (e.g. 28x28 images to 784 pixels)."""

    kind = "flatten"

    def __init__(self, name=None, input_shape=None):
        super().__init__(name)
        self.input_shape = None if input_shape is None else tuple(input_shape)

    def output_shape(self, input_shape):
        return (int(np.prod(input_shape, dtype=np.int64)),)

    def call(self, x, params, training=False, noise=None):
        return ops.reshape(x, (x.shape[0],) + self.output_shape(x.shape[1:]))


class Activation(Layer):
    """An activation on its own, e.g. ``Activation("relu")`` after a linear Dense layer."""

    kind = "activation"

    def __init__(self, activation, name=None, input_shape=None):
        super().__init__(name)
        self.activation = activations.get(activation)
        self.activation_name = activations.name_of(activation)
        self.input_shape = None if input_shape is None else tuple(input_shape)

    def call(self, x, params, training=False, noise=None):
        return self.activation(x)

    def config(self):
        return {"activation": self.activation_name}
