"""``keras.models``: Sequential, the functional Model and load_model, over ``graphgrad.nn.Sequential``.

A Keras model is an nn model whose weights live in its layers' variables (so a
GradientTape watches them and a layer keeps its weights across models); what
Keras adds is its defaults: names (``sequential``, ``dense_1``), progress bars
in ``evaluate``/``predict``, ``summary()`` printing and returning None, calling
the model on data, ``get_layer`` and ``save``.
"""
import math
import time

import numpy as np

from .. import eager
from ..errors import ArgumentError
from ..nn import model as nn_model, step
from ..nn.errors import ShapeError
from ..nn.progress import finished, verbosity
from ..tensorflow.tensor import Tensor
from . import backend, losses, optimizers
from .layers import Input, KerasLayer, KerasTensor, as_tensor, input_of, without_batch_axis


def _verbose(verbose, where):
    """Keras' ``verbose``, with "auto" meaning 1 (a progress bar)."""
    return verbosity(1 if verbose == "auto" else verbose, where)


class Sequential(nn_model.Sequential):
    """Layers in order, as ``keras.Sequential``; an ``Input``/``InputLayer`` first entry fixes the input shape."""

    def __init__(self, layers=None, name=None):
        self._input = None   # the keras.Input the layers were called on (given first, or made by build)
        super().__init__(None, name=name or backend.unique_name(self.kind), seed=int(backend.rng().integers(2 ** 31)),
                         dtype=backend.floatx())
        for layer in layers or []:
            self.add(layer)

    kind = "sequential"

    # --- the nn model's weights are the layers' variables ----------------------------------------
    @property
    def _variables(self):
        """The layers' variables by weight name (``dense/kernel``)."""
        return {f"{layer.name}/{suffix}": v for layer in self.layers for suffix, v in layer.variables.items()}

    @property
    def _weights(self):
        return {name: v.value for name, v in self._variables.items()}

    @_weights.setter
    def _weights(self, arrays):
        variables = self._variables
        for name, array in arrays.items():
            variable = variables.get(name)
            if variable is None or variable.shape != np.shape(array):
                raise ShapeError(f"weight '{name}' does not match the layer's (build the model first)")
            if variable.value is not array:
                variable.assign(array)

    @property
    def weights(self):
        return [v for layer in self.layers for v in layer.variables.values()]

    @property
    def trainable_variables(self):
        return [v for layer in self.layers for v in layer.trainable_weights]

    trainable_weights = trainable_variables

    # --- building ------------------------------------------------------------------------------
    def add(self, layer):
        given = input_of(layer)
        if given is not None:
            self._input = given
            return
        if not isinstance(layer, KerasLayer):
            raise TypeError(f"{type(self).__name__}.add takes keras layers (graphgrad.keras.layers), got {layer!r}")
        super().add(layer)
        if not self.built and self._input is not None:
            self.build(self._input.shape[1:])

    def pop(self):
        """Remove the last layer and return it (as Keras does); a built model stays built with the others."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self.layers.pop()
        if self.built:
            self.built = False
            if self.layers:
                self.build(self.input_shape)
        return layer

    def build(self, input_shape):
        """Build the model and its layers' weights (``input_shape`` with or without the batch axis None), and
        call the layers on its ``keras.Input``, so that ``inputs``, ``outputs`` and each ``layer.output`` exist."""
        shape = without_batch_axis(input_shape)
        super().build(shape)
        if self._input is None or self._input.shape[1:] != tuple(shape):
            self._input = Input(shape=shape)
        t = self._input
        for layer in self.layers:
            t = layer(t)

    @property
    def inputs(self):
        """``[keras.Input]`` of a built model (to make a functional model of its layers)."""
        return [self._built_input()]

    @property
    def outputs(self):
        self._built_input()
        return [self.layers[-1].output]

    def _built_input(self):
        if not self.built or not self.layers:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined input.")
        return self._input

    def _initial_weights(self, input_shape, layer_input_shapes, param_shapes, inits):
        """Each layer first makes its own weights, as its variables (a layer built before keeps its own)."""
        for layer, shape in zip(self.layers, layer_input_shapes):
            layer.build(shape)
        return super()._initial_weights(input_shape, layer_input_shapes, param_shapes, inits)

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto"):
        """Keras' compile: optimizer, loss and metrics by name or object.

        How ``fit``, ``evaluate`` and ``predict`` run (their default ``backend``): ``jit_compile=True``
        compiles the kernel first ("numba"); ``run_eagerly=True`` runs the NumPy interpreter ("numpy");
        otherwise the interpreter until the kernel is built in the background ("auto"). Each step runs as
        one graph whichever is chosen, so ``steps_per_execution`` (accepted) changes nothing.
        """
        if jit_compile not in (True, False, "auto", None):
            raise ArgumentError(f"compile: jit_compile must be True, False or 'auto', got {jit_compile!r}")
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ArgumentError("compile: steps_per_execution must be a positive integer, "
                                f"got {steps_per_execution!r}")
        super().compile(optimizers.get(optimizer), losses.get(loss) if loss is not None else None, metrics)
        self.backend = "numpy" if run_eagerly else "numba" if jit_compile is True else None

    # --- running ---------------------------------------------------------------------------------
    def __call__(self, inputs, training=False):
        """The model on data, computed now (a tf.Tensor a GradientTape can differentiate): ``step.forward``, the
        forward pass of ``fit``'s step, with fresh dropout noise and moving averages moved in training."""
        if isinstance(inputs, KerasTensor):
            raise ArgumentError("calling a model on a keras.Input is not supported; call its layers instead")
        if not self.built:
            self.build(np.shape(inputs)[1:])
        x = as_tensor(inputs)
        variables = self._variables
        sample = x.spec.shape[1:]   # refuses samples the layers' weights do not fit (checked once per shapes)
        self._cached(("fits", sample, tuple(v.spec.shape for v in variables.values())), lambda: self._layout(sample))
        noise = {name: Tensor.leaf(backend.rng().random(shape).astype(x.node.dtype))
                 for name, shape in (step.noise_shapes(self, x.shape[0]) if training else {}).items()}

        def run(x, params, noise):
            layer_inputs = {}
            out, _ = step.forward(self, x, params, training, noise, layer_inputs)
            return self._picked(out, layer_inputs), step.moved(self, params, layer_inputs) if training else {}

        out, moved = eager.call(run, x, variables, noise)
        for name, value in moved.items():
            variables[name].assign(value)
        return out

    def _picked(self, out, layer_inputs):
        """What calling the model returns, from its output and each layer's input by name (``step.forward``)."""
        return out

    def evaluate(self, x, y, batch_size=32, verbose="auto", return_dict=False):
        """Loss and metrics on (x, y), with Keras' progress bar by default."""
        verbose, start = _verbose(verbose, "evaluate"), time.perf_counter()
        logs = super().evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
        self._report(len(np.asarray(x)), batch_size, start, logs, verbose)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=32, verbose="auto"):
        """Outputs for ``x``, with Keras' progress bar by default."""
        verbose, start = _verbose(verbose, "predict"), time.perf_counter()
        out = super().predict(x, batch_size=batch_size)
        self._report(len(out), batch_size, start, None, verbose)
        return out

    def _report(self, n, batch_size, start, logs, verbose):
        if verbose:
            print(finished(math.ceil(n / batch_size), time.perf_counter() - start, logs, verbose))

    def fit(self, x, y, batch_size=32, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, initial_epoch=0, **kwargs):
        return super().fit(x, y, batch_size=batch_size, epochs=epochs, verbose=_verbose(verbose, "fit"),
                           callbacks=callbacks, validation_split=validation_split, validation_data=validation_data,
                           shuffle=shuffle, initial_epoch=initial_epoch, **kwargs)

    # --- describing -------------------------------------------------------------------------------
    def summary(self, print_fn=print):
        """Print Keras' table of layers, output shapes and parameter counts (returns None, as Keras)."""
        super().summary(print_fn)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"no layer named '{name}': the layers are {', '.join(l.name for l in self.layers)}")

    def save(self, filepath, overwrite=True):
        """Write the model (architecture, weights, compile settings, optimizer state) to a ``.keras`` file."""
        from .saving import save_model
        save_model(self, filepath, overwrite)


def _chain(inputs, output):
    """The layers from ``inputs`` to ``output`` (a KerasTensor), in order."""
    chain, t = [], output
    while t.layer is not None:
        chain.append(t.layer)
        t = t.source
    if t is not inputs:
        raise ArgumentError("the outputs were not computed from these inputs")
    return chain[::-1]


class Model(Sequential):
    """The functional API: ``keras.Model(inputs, outputs)`` for a chain of layers from one ``keras.Input``;
    ``outputs`` may be a list of tensors along the chain (a feature extractor: calling it gives each)."""

    kind = "model"

    def __init__(self, inputs=None, outputs=None, name=None):
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            inputs = inputs[0]
        listed = isinstance(outputs, (list, tuple))
        if not isinstance(inputs, KerasTensor) or not all(isinstance(t, KerasTensor)
                                                          for t in (outputs if listed else [outputs])):
            raise ArgumentError("keras.Model(inputs, outputs) takes one keras.Input and the tensors its layers made; "
                                "subclassing Model with call() is not supported")
        chains = [_chain(inputs, t) for t in (outputs if listed else [outputs])]
        longest = max(chains, key=len)
        if any(chain != longest[:len(chain)] for chain in chains):
            raise ArgumentError("keras.Model: the outputs must lie on one chain of layers (branching models are "
                                "not supported)")
        super().__init__(None, name=name)
        self._input = inputs
        self._ends = [len(chain) for chain in chains] if listed else None   # each output: after this many layers
        for layer in longest:
            self.add(layer)

    def compile(self, *args, **kwargs):
        self._one_output("compile")
        super().compile(*args, **kwargs)

    def predict(self, *args, **kwargs):
        self._one_output("predict")
        return super().predict(*args, **kwargs)

    def _one_output(self, what):
        if self._ends is not None and len(self._ends) > 1:
            raise ArgumentError(f"{what}: a model of several outputs (a feature extractor) is only called, "
                                "model(x); graphgrad trains and predicts with one output")

    def _picked(self, out, layer_inputs):
        """Each listed output: the input of the layer after it, or the model's output."""
        if self._ends is None:
            return out
        return [out if end == len(self.layers) else layer_inputs[self.layers[end].name] for end in self._ends]


def load_model(filepath, compile=True):
    """A model saved by ``model.save`` (graphgrad's ``.keras`` format, see docs/run_your_slides_code.md)."""
    from .saving import load_model as load
    return load(filepath, compile)
