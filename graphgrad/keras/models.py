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
from .layers import KerasLayer, KerasTensor, as_tensor, input_shape_of, without_batch_axis


def _verbose(verbose, where):
    """Keras' ``verbose``, with "auto" meaning 1 (a progress bar)."""
    return verbosity(1 if verbose == "auto" else verbose, where)


class Sequential(nn_model.Sequential):
    """Layers in order, as ``keras.Sequential``; an ``Input``/``InputLayer`` first entry fixes the input shape."""

    def __init__(self, layers=None, name=None):
        self._input_hint = None
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
        shape = input_shape_of(layer)
        if shape is not None:
            self._input_hint = shape
            return
        if not isinstance(layer, KerasLayer):
            raise TypeError(f"{type(self).__name__}.add takes keras layers (graphgrad.keras.layers), got {layer!r}")
        super().add(layer)
        if not self.built and self._input_hint is not None:
            self.build(self._input_hint)

    def build(self, input_shape):
        """Build the model and its layers' weights (``input_shape`` with or without the batch axis None)."""
        super().build(without_batch_axis(input_shape))

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
            return out, step.moved(self, params, layer_inputs) if training else {}

        out, moved = eager.call(run, x, variables, noise)
        for name, value in moved.items():
            variables[name].assign(value)
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


class Model(Sequential):
    """The functional API: ``keras.Model(inputs, outputs)`` for a chain of layers from one ``keras.Input``."""

    kind = "model"

    def __init__(self, inputs=None, outputs=None, name=None):
        if not isinstance(inputs, KerasTensor) or not isinstance(outputs, KerasTensor):
            raise ArgumentError("keras.Model(inputs, outputs) takes a keras.Input and the tensor its layers made; "
                                "subclassing Model with call() is not supported")
        chain, t = [], outputs
        while t.layer is not None:
            chain.append(t.layer)
            t = t.source
        if t is not inputs:
            raise ArgumentError("the outputs were not computed from these inputs")
        super().__init__(None, name=name)
        self._input_hint = inputs.shape[1:]
        for layer in reversed(chain):
            self.add(layer)


def load_model(filepath, compile=True):
    """A model saved by ``model.save`` (graphgrad's ``.keras`` format, see docs/run_your_slides_code.md)."""
    from .saving import load_model as load
    return load(filepath, compile)
