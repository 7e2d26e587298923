"""Layers: graph builders. Each declares its parameters and turns an input node into an output node.

A layer owns no arrays and no gradient code: the model keeps the weights by
name (``dense_1/kernel``), feeds them to the graph as input nodes, and the
core's reverse mode differentiates whatever the layers built.
"""
import numpy as np

from .. import ops
from ..ops import windows as win
from ..graph import shapes
from ..datasets.checks import real_number, sample_shape, whole_number
from ..errors import ArgumentError, InputValueError
from ..graph.node import Node
from . import activations, initializers, regularizers
from .errors import ShapeError


def layer_name(name):
    """``name`` if it can name a layer (None: the model chooses one), else an InputValueError. A layer's weights
    are named ``<layer>/<weight>`` (``dense/kernel``), so a name must be a non-empty string without '/'."""
    if name is not None and (not isinstance(name, str) or not name or "/" in name):
        raise InputValueError(f"a layer name must be a non-empty string without '/' (its weights are named "
                              f"'<layer>/<weight>'), got {name!r}")
    return name


class Layer:
    """Base class: a named graph builder with parameters (name suffix -> shape and initializer)."""

    kind = "layer"
    input_shape = None
    non_trainable = ()    # parameter suffixes that ``updates`` sets instead of the optimizer
    batch_statistics = False   # training output mixes the batch's rows: ``call``/``updates`` take ``mask=``

    def __init__(self, name=None, input_shape=None):
        self.name = layer_name(name)
        self.input_shape = None if input_shape is None else sample_shape(input_shape, f"{type(self).__name__}: "
                                                                                      "input_shape")

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

    def updates(self, x, params):
        """New values (nodes, by suffix) of the ``non_trainable`` parameters after a training step on input x."""
        return {}

    def config(self):
        return {}

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.config().items())})"


MOST_WEIGHTS = 2 ** 30    # weights a model may have (4 GiB in float32, before the optimizer's slots): more is a typo
                          # or a damaged file (``units: 1e9``), refused before anything is allocated


def check_weight_count(weight_shapes, what, input_shape):
    """Refuse weights of ``weight_shapes`` adding up to more than MOST_WEIGHTS, naming ``what`` has them."""
    count = sum(int(np.prod(shape, dtype=object)) for shape in weight_shapes)
    if count > MOST_WEIGHTS:
        raise ShapeError(f"{what} would have {count:,} weights for samples of shape {shapes.fmt(input_shape)}, "
                         f"more than the {MOST_WEIGHTS:,} graphgrad allocates; check the layers' sizes")


def check_weights_fit(layer, weight_shapes, built_for, input_shape):
    """Refuse samples of ``input_shape`` for a ``layer`` whose weights (shapes by suffix), made for samples of
    ``built_for``, do not fit them. Keras' rule: a built layer never silently gets new weights."""
    wanted = {suffix: tuple(pshape) for suffix, (pshape, _) in layer.parameters(input_shape).items()}
    if wanted != {suffix: tuple(pshape) for suffix, pshape in weight_shapes.items()}:
        raise ShapeError(f"layer '{layer.name}' ({type(layer).__name__}) was built for samples of shape "
                         f"{shapes.fmt(built_for)} and got samples of shape {shapes.fmt(input_shape)}; "
                         "its weights are kept")


def _kernel_options(layer, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                    bias_regularizer):
    """The options Dense and Conv2D share: activation, bias, and the kernel's and bias's initializers and regularizers."""
    layer.activation = activations.get(activation)
    layer.activation_name = activations.name_of(activation)
    layer.use_bias = use_bias
    layer.kernel_initializer = initializers.get(kernel_initializer)
    layer.bias_initializer = initializers.get(bias_initializer)
    layer.kernel_regularizer = regularizers.get(kernel_regularizer)
    layer.bias_regularizer = regularizers.get(bias_regularizer)


class Dense(Layer):
    """Fully connected layer ``activation(x @ kernel + bias)``, with Keras' defaults (Glorot, zeros)."""

    kind = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 input_shape=None, input_dim=None, name=None):
        super().__init__(name, (input_dim,) if input_dim is not None else input_shape)
        self.units = whole_number(units, "Dense: units (the number of outputs)")
        _kernel_options(self, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                        bias_regularizer)

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
        super().__init__(name, input_shape)
        self.rate = real_number(rate, "Dropout: rate (the fraction of inputs dropped)", 0, 1, high_open=True)

    def noise_shape(self, input_shape):
        return tuple(input_shape) if self.rate > 0 else None

    def call(self, x, params, training=False, noise=None):
        if not training or noise is None:
            return x
        return x * ops.heaviside(noise - self.rate) * (1.0 / (1.0 - self.rate))

    def config(self):
        return {"rate": self.rate}


class Flatten(Layer):
    """Flatten each sample to one feature axis (e.g. 28x28 images to 784 pixels)."""

    kind = "flatten"

    def output_shape(self, input_shape):
        return (int(np.prod(input_shape, dtype=np.int64)),)

    def call(self, x, params, training=False, noise=None):
        return ops.reshape(x, (x.shape[0],) + self.output_shape(x.shape[1:]))


class Activation(Layer):
    """An activation on its own, e.g. ``Activation("relu")`` after a linear Dense layer."""

    kind = "activation"

    def __init__(self, activation, name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.activation = activations.get(activation)
        self.activation_name = activations.name_of(activation)

    def call(self, x, params, training=False, noise=None):
        return self.activation(x)

    def config(self):
        return {"activation": self.activation_name}


class Lambda(Layer):
    """A function of the batch as a layer (Keras' ``Lambda``): ``function`` builds its graph from the input node
    with graphgrad's or a spelling's operations; its output shape is found by building it once."""

    kind = "lambda"

    def __init__(self, function, name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.function = function

    def output_shape(self, input_shape):
        return tuple(self.call(ops.input("x", (1,) + tuple(input_shape), np.float32), {}).shape[1:])

    def call(self, x, params, training=False, noise=None):
        out = self.function(x)
        if not isinstance(out, Node):
            raise ArgumentError(f"layer '{self.name}' (Lambda): the function must compute its output from the "
                                f"input with graphgrad's or the spelling's operations, got {type(out).__name__}")
        return out


def _sample_shape(prim_shape, input_shape, *operand_shapes, **params):
    """A primitive's shape rule applied to one sample: the batch axis added, then dropped."""
    return tuple(prim_shape((1,) + tuple(input_shape), *operand_shapes, **params)[1:])


def _images(layer, input_shape):
    if len(input_shape) != 3:
        raise ShapeError(f"layer '{layer.name}' ({type(layer).__name__}) needs image samples (height, width, "
                         f"channels), got samples of shape {shapes.fmt(input_shape)}; add a Reshape layer before it")


class Conv2D(Layer):
    """2-D convolution ``activation(conv2d(x, kernel) + bias)`` over (height, width, channels) samples, with
    Keras' arguments and defaults (kernel (kh, kw, in/groups, filters), Glorot, zeros)."""

    kind = "conv2d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, groups=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, input_shape=None, name=None):
        super().__init__(name, input_shape)
        self.filters = whole_number(filters, "Conv2D: filters (the number of output channels)")
        self.kernel_size = win.pair(kernel_size, "Conv2D: kernel_size")
        self.window = dict(strides=win.pair(strides, "Conv2D: strides"), padding=win.padding_param(padding),
                           dilation=win.pair(dilation_rate, "Conv2D: dilation_rate"),
                           groups=whole_number(groups, "Conv2D: groups"), layout="NHWC")
        _kernel_options(self, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                        bias_regularizer)

    def parameters(self, input_shape):
        _images(self, input_shape)
        params = {"kernel": ((*self.kernel_size, input_shape[2] // self.window["groups"], self.filters),
                             self.kernel_initializer)}
        if self.use_bias:
            params["bias"] = ((self.filters,), self.bias_initializer)
        return params

    def output_shape(self, input_shape):
        kernel = self.parameters(input_shape)["kernel"][0]
        return _sample_shape(ops.convolution.conv2d_p.shape, input_shape, kernel, **self.window)

    def call(self, x, params, training=False, noise=None):
        z = ops.convolution.conv2d_p(x, params["kernel"], **self.window)
        return self.activation(z + params["bias"] if self.use_bias else z)

    penalty = Dense.penalty

    def config(self):
        return {"filters": self.filters, "kernel_size": self.kernel_size, "activation": self.activation_name}


class _Pooling2D(Layer):
    """A pooling window moved over each channel of (height, width, channels) samples."""

    primitive = None

    def __init__(self, pool_size=2, strides=None, padding="valid", input_shape=None, name=None):
        super().__init__(name, input_shape)
        pool = win.pair(pool_size, f"{type(self).__name__}: pool_size")
        self.window = dict(pool=pool, strides=win.pair(strides or pool, f"{type(self).__name__}: strides"),
                           padding=win.padding_param(padding), layout="NHWC")

    def output_shape(self, input_shape):
        _images(self, input_shape)
        return _sample_shape(self.primitive.shape, input_shape, **self.window)

    def call(self, x, params, training=False, noise=None):
        return self.primitive(x, **self.window)

    def config(self):
        return {"pool_size": self.window["pool"], "strides": self.window["strides"]}


class MaxPooling2D(_Pooling2D):
    """The maximum of each window (Keras' MaxPooling2D)."""
    kind = "max_pooling2d"
    primitive = ops.pooling.max_pool2d_p


class AveragePooling2D(_Pooling2D):
    """The mean of each window (Keras' AveragePooling2D: a 'same' window's mean is over the pixels inside the
    image, so padding is left out of the count)."""
    kind = "average_pooling2d"
    primitive = ops.pooling.avg_pool2d_p

    def __init__(self, pool_size=2, strides=None, padding="valid", input_shape=None, name=None):
        super().__init__(pool_size, strides, padding, input_shape, name)
        self.window["count_include_pad"] = False


class GlobalAveragePooling2D(Layer):
    """The mean of each channel over the whole image: (h, w, c) -> (c,)."""

    kind = "global_average_pooling2d"
    reduce = staticmethod(ops.mean)

    def __init__(self, input_shape=None, name=None):
        super().__init__(name, input_shape)

    def output_shape(self, input_shape):
        _images(self, input_shape)
        return (input_shape[2],)

    def call(self, x, params, training=False, noise=None):
        return self.reduce(x, axis=(1, 2))


class GlobalMaxPooling2D(GlobalAveragePooling2D):
    """The largest value of each channel over the whole image: (h, w, c) -> (c,)."""

    kind = "global_max_pooling2d"
    reduce = staticmethod(ops.max)


class Reshape(Layer):
    """Each sample reshaped to ``target_shape`` (one size may be -1), as Keras' Reshape."""

    kind = "reshape"

    def __init__(self, target_shape, input_shape=None, name=None):
        super().__init__(name, input_shape)
        self.target_shape = tuple(int(d) for d in target_shape)

    def output_shape(self, input_shape):
        return ops.shaping.reshape_p.shape(tuple(input_shape), shape_to=self.target_shape)

    def call(self, x, params, training=False, noise=None):
        return ops.reshape(x, (x.shape[0],) + self.output_shape(x.shape[1:]))

    def config(self):
        return {"target_shape": self.target_shape}


class BatchNormalization(Layer):
    """Normalise each channel: with the batch's mean and variance in training (and move the moving averages
    towards them), with the moving averages otherwise; then scale by gamma and shift by beta.

    Keras: ``moving = momentum·moving + (1 - momentum)·batch`` with the biased batch variance.
    PyTorch's BatchNorm2d is the same rule with momentum 1 - its momentum and the unbiased variance
    (``unbiased_moving_variance``): the one difference, declared here as data.
    """

    kind = "batch_normalization"
    non_trainable = ("moving_mean", "moving_variance")
    batch_statistics = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 unbiased_moving_variance=False, input_shape=None, name=None):
        super().__init__(name, input_shape)
        self.axis = axis
        self.momentum = real_number(momentum, "BatchNormalization: momentum", 0, 1)
        self.epsilon = real_number(epsilon, "BatchNormalization: epsilon", 0, low_open=True)
        self.center, self.scale, self.unbiased = center, scale, unbiased_moving_variance

    def _channels(self, input_shape):
        axis = shapes.normalize_axis(self.axis, len(input_shape), f" in layer '{self.name}'")[0]
        return input_shape[axis], axis + 1      # the axis counted with the batch axis

    def parameters(self, input_shape):
        c, _ = self._channels(input_shape)
        params = {}
        if self.scale:
            params["gamma"] = ((c,), initializers.ones)
        if self.center:
            params["beta"] = ((c,), initializers.zeros)
        params["moving_mean"] = ((c,), initializers.zeros)
        params["moving_variance"] = ((c,), initializers.ones)
        return params

    def call(self, x, params, training=False, noise=None, mask=None):
        _, axis = self._channels(x.shape[1:])
        mean, variance = (ops.moments(x, axis, rows=mask) if training
                          else (params["moving_mean"], params["moving_variance"]))
        return ops.batch_norm(x, params.get("gamma", 1.0), params.get("beta", 0.0), mean, variance, axis,
                              self.epsilon)

    def updates(self, x, params, mask=None):
        """The moving averages after a training step on input ``x`` (its real rows: ``mask``), by suffix."""
        c, axis = self._channels(x.shape[1:])
        mean, variance = ops.moments(x, axis, rows=mask)
        if self.unbiased:
            count = x.size // c if mask is None else ops.sum(mask) * (x.size // c // x.shape[0])
            variance = variance * (count / ops.maximum(count - 1, 1))
        m = self.momentum
        return {"moving_mean": params["moving_mean"] * m + mean * (1 - m),
                "moving_variance": params["moving_variance"] * m + variance * (1 - m)}

    def config(self):
        return {"momentum": self.momentum, "epsilon": self.epsilon}
