"""Sequential: a stack of layers, its weights by name, and Keras' compile/fit/evaluate/predict."""
import io
import os

import numpy as np

from ..backends.numpy_backend import run
from ..files import atomic_write
from ..graph import shapes
from . import losses, metrics as metrics_mod, optimizers, step as step_mod
from .errors import NotCompiledError, ShapeError, WeightsFileError
from .layers import Layer
from .validation import as_array, check_inputs, check_same_length


class Sequential:
    """Layers applied in order. Weights live here as arrays named ``dense_1/kernel``; graphs are built from them."""

    def __init__(self, layers=None, name="sequential", seed=None, dtype="float32"):
        self.name, self.dtype = name, np.dtype(dtype)
        self.layers, self.rng = [], np.random.default_rng(seed)
        self.built = False
        self.loss = self.optimizer = None
        self.metrics = []
        self.stop_training = False
        self.history = None
        self._weights, self._state, self._cache = {}, {}, {}
        for layer in layers or []:
            self.add(layer)

    # --- building -------------------------------------------------------------------
    def add(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential takes graphgrad.nn layers, got {layer!r}")
        counts = sum(type(l) is type(layer) for l in self.layers)
        layer.name = layer.name or f"{layer.kind}_{counts + 1}"
        if any(l.name == layer.name for l in self.layers):
            raise ValueError(f"a layer called '{layer.name}' is already in the model")
        self.layers.append(layer)
        self.built = False
        if self.layers[0].input_shape is not None:
            self.build(self.layers[0].input_shape)

    def build(self, input_shape):
        """Fix the input shape (without batch axis) and draw initial weights (kept if already drawn)."""
        self.input_shape = tuple(int(d) for d in input_shape)
        shape, self.layer_input_shapes, self.param_shapes, inits = self.input_shape, [], {}, {}
        self.non_trainable = set()
        for layer in self.layers:
            self.layer_input_shapes.append(shape)
            for suffix, (pshape, init) in layer.parameters(shape).items():
                self.param_shapes[f"{layer.name}/{suffix}"] = tuple(pshape)
                inits[f"{layer.name}/{suffix}"] = init
                if suffix in layer.non_trainable:
                    self.non_trainable.add(f"{layer.name}/{suffix}")
            shape = layer.output_shape(shape)
        self.output_shape = shape
        weights = dict(self._weights)
        for name, pshape in self.param_shapes.items():
            if name not in weights or weights[name].shape != pshape:
                weights[name] = np.asarray(inits[name](pshape, self.rng), dtype=self.dtype)
        self._weights = {n: weights[n] for n in self.param_shapes}
        self.built = True
        self._cache.clear()
        if self.optimizer is not None:
            self._state = step_mod.initial_state(self, self._weights)

    def _require_built(self, x=None):
        if not self.built:
            if x is None or not self.layers:
                raise NotCompiledError("the model has no input shape yet: give the first layer "
                                       "input_shape=(features,), or call fit/build first")
            self.build(np.shape(x)[1:])

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose optimizer, loss and metrics (names or objects, as in Keras); resets the optimizer state."""
        if loss is None:
            raise NotCompiledError("compile needs a loss, e.g. loss='mse' or loss='categorical_crossentropy'")
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        self.metric_specs = list(metrics or [])
        self._cache.clear()
        if self.built:
            self._state = step_mod.initial_state(self, self._weights)

    def _require_compiled(self):
        if self.loss is None:
            raise NotCompiledError("call model.compile(optimizer=..., loss=...) before fit or evaluate")

    def fresh_metrics(self):
        return [metrics_mod.get(m, self.loss, self.output_shape) for m in self.metric_specs]

    # --- graphs -----------------------------------------------------------------------
    def _cached(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @property
    def graph(self):
        """The inference graph ``[x, *params] -> predictions`` for one sample (batch size 1)."""
        return self.inference_graph(1)

    def inference_graph(self, batch_size):
        self._require_built()
        return self._cached(("inference", batch_size), lambda: step_mod.build_inference(self, batch_size))

    def loss_graph(self, batch_size):
        """``[x, y, *params] -> [loss, predictions]`` with dropout off (evaluate, gradient checks)."""
        self._require_built()
        self._require_compiled()
        return self._cached(("loss", batch_size), lambda: step_mod.build_loss_graph(self, batch_size))

    def step_graph(self, batch_size):
        """The StepGraph of one training step on ``batch_size`` samples (the compiler's input)."""
        self._require_built()
        self._require_compiled()
        return self._cached(("step", batch_size), lambda: step_mod.build_step(self, batch_size))

    # --- weights ------------------------------------------------------------------------
    @property
    def weights(self):
        """Parameter arrays by name (copies)."""
        return {k: v.copy() for k, v in self._weights.items()}

    def get_weights(self):
        return [v.copy() for v in self._weights.values()]

    def set_weights(self, arrays):
        arrays, current = list(arrays), self._weights
        if len(arrays) != len(current):
            raise ShapeError(f"set_weights got {len(arrays)} arrays, the model has {len(current)}: "
                             f"{', '.join(current)}")
        weights = {}
        for (name, old), new in zip(current.items(), arrays):
            new = np.asarray(new, dtype=self.dtype)
            if new.shape != old.shape:
                raise ShapeError(f"weight '{name}' has shape {shapes.fmt(old.shape)}, got {shapes.fmt(new.shape)}")
            weights[name] = new.copy()
        self._weights = weights

    def count_params(self, trainable=None):
        """Parameters of the model (``trainable`` True or False: only those the optimizer trains, or not)."""
        return int(sum(int(np.prod(s)) for n, s in self.param_shapes.items()
                       if trainable is None or (n not in self.non_trainable) == trainable))

    @property
    def trainable_names(self):
        """Names of the weights the optimizer updates (not, e.g., batch normalisation's moving averages)."""
        return [n for n in self.param_shapes if n not in self.non_trainable]

    def save_weights(self, path):
        """Write the weights to an ``.npz`` file (atomically: the old file survives a failed write)."""
        self._require_built()
        buffer = io.BytesIO()
        np.savez(buffer, **self._weights)
        atomic_write(path, buffer.getvalue())

    def load_weights(self, path):
        """Read weights saved by ``save_weights``; names and shapes must match this model."""
        self._require_built()
        if not os.path.exists(path):
            raise WeightsFileError(f"no weights file at '{path}'")
        try:
            with np.load(path) as data:
                saved = {k: data[k] for k in data.files}
        except Exception as exc:  # zipfile, pickle and value errors all mean "not our file"
            raise WeightsFileError(f"cannot read weights from '{path}': {exc}") from None
        missing = [k for k in self._weights if k not in saved]
        extra = [k for k in saved if k not in self._weights]
        if missing or extra:
            raise WeightsFileError(f"'{path}' holds weights for another model: missing {missing or 'none'}, "
                                   f"unexpected {extra or 'none'}")
        for k, v in saved.items():
            if v.shape != self._weights[k].shape:
                raise WeightsFileError(f"'{path}': weight '{k}' has shape {shapes.fmt(v.shape)}, the model "
                                       f"needs {shapes.fmt(self._weights[k].shape)}")
        self._weights = {k: saved[k].astype(self.dtype) for k in self._weights}

    # --- running ------------------------------------------------------------------------
    def _batches(self, n, batch_size):
        return [(s, min(s + batch_size, n)) for s in range(0, n, batch_size)]

    def predict(self, x, batch_size=32, verbose=0):
        """Model outputs for inputs ``x`` (dropout off), computed batch by batch."""
        self._require_built(x)
        x = as_array(x, "x", self.dtype)
        check_inputs(x, self.input_shape)
        out = []
        for start, stop in self._batches(len(x), batch_size):
            graph = self.inference_graph(stop - start)
            env = run(graph, self._feed(graph, x[start:stop]), check=False)
            out.append(env[graph.output.id])
        return np.concatenate(out)

    def _feed(self, graph, x, y=None):
        arrays = {graph.inputs[0].id: x}
        if y is not None:
            arrays[graph.inputs[1].id] = y
        arrays.update({node.id: self._weights[node.name] for node in graph.inputs[1 + (y is not None):]})
        return arrays

    def prepare(self, x, y, what="x"):
        """Checked arrays for (x, y): finite, the right width, labels in the form the loss needs."""
        self._require_compiled()
        self._require_built(x)
        x = as_array(x, what, self.dtype)
        check_inputs(x, self.input_shape, what)
        y = np.asarray(y)
        y = as_array(self.loss.prepare_labels(y, self.output_shape), "y" if what == "x" else f"{what} labels",
                     self.dtype)
        check_same_length(x, y, f"{what} and its labels")
        return x, y

    def evaluate(self, x, y, batch_size=32, verbose=0, return_dict=False):
        """Loss (incl. regularisation) and metrics on (x, y); a number when there are no metrics."""
        x, y = self.prepare(x, y)
        logs = self._evaluate_arrays(x, y, batch_size)
        if verbose:
            from .progress import format_logs
            print(f"{len(x)}/{len(x)}{format_logs(logs)}")
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_arrays(self, x, y, batch_size=32):
        metrics = self.fresh_metrics()
        total = 0.0
        for start, stop in self._batches(len(x), batch_size):
            graph = self.loss_graph(stop - start)
            env = run(graph, self._feed(graph, x[start:stop], y[start:stop]), check=False)
            total += float(env[graph.outputs[0].id]) * (stop - start)
            for m in metrics:
                m.update(y[start:stop], env[graph.outputs[1].id])
        return {"loss": total / len(x), **{m.name: float(m.result()) for m in metrics}}

    def gradients(self, x, y):
        """d loss / d weight for every weight on one batch, by the core's reverse mode (for checks and teaching)."""
        from ..autodiff import grad_graph
        x, y = self.prepare(x, y)
        graph = self.loss_graph(len(x))
        grads = grad_graph(graph, list(graph.inputs[2:]))
        env = run(grads, self._feed(grads, x, y), check=False)
        return {node.name: env[g.id] for node, g in zip(graph.inputs[2:], grads.outputs[1:])}

    def fit(self, x, y, batch_size=32, epochs=1, verbose=1, callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, initial_epoch=0, backend=None):
        """Train with mini-batches (Keras' arguments); returns a History. See graphgrad.nn.training.

        ``backend``: "numba" (the compiled loop; the default when Numba is installed) or
        "numpy" (the interpreter); ``$GRAPHGRAD_BACKEND`` changes the default. Both train
        the same weights from the same seed, the last partial batch included, and log the
        same History (``loss``: mean of the epoch's step losses; other metrics: on the
        training set with the epoch's final weights).
        """
        from .training import fit
        return fit(self, x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
                   validation_split=validation_split, validation_data=validation_data, shuffle=shuffle,
                   initial_epoch=initial_epoch, backend=backend)

    # --- description ------------------------------------------------------------------------
    def summary(self, print_fn=print):
        """Keras' table: Layer (type) / Output Shape / Param #, then the totals."""
        self._require_built()
        names = [f"{layer.name} ({type(layer).__name__})" for layer in self.layers]
        widths = (max(29, *(len(n) + 1 for n in names)), 26, 10)   # Keras' columns, widened for long names
        rule = sum(widths)

        def row(*cells):
            return "".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

        lines = [f'Model: "{self.name}"', "_" * rule, row("Layer (type)", "Output Shape", "Param #"), "=" * rule]
        for i, (layer, name) in enumerate(zip(self.layers, names)):
            count = sum(int(np.prod(s)) for n, s in self.param_shapes.items() if n.startswith(layer.name + "/"))
            shape = (None,) + tuple(self._layer_output_shape(i))
            lines.append(row(name, shapes.fmt(shape), count))
            lines.append("=" * rule if i == len(self.layers) - 1 else "_" * rule)
        lines += [f"Total params: {self.count_params():,}", f"Trainable params: {self.count_params(True):,}",
                  f"Non-trainable params: {self.count_params(False):,}", "_" * rule]
        text = "\n".join(lines)
        print_fn(text)
        return text

    def network_layers(self):
        """The plain description ``graphgrad.viz`` draws: the input, then each Dense layer with its weights."""
        from ..viz import Layer as Drawn
        self._require_built()
        out = [Drawn("input", int(np.prod(self.input_shape)))]
        for layer in self.layers:
            if hasattr(layer, "units"):
                w = (self._weights[f"{layer.name}/kernel"], self._weights.get(f"{layer.name}/bias"))
                out.append(Drawn(layer.name, layer.units, layer.activation_name, w))
        return out

    def picture(self, level="auto", **options):
        """The network drawn by graphgrad.viz: ``level`` 'layer', 'neuron' or 'auto' (neurons for small nets)."""
        from ..viz import network_picture
        return network_picture(self.network_layers(), level=level, **options)

    def _layer_output_shape(self, i):
        return self.layers[i].output_shape(self.layer_input_shapes[i])

    def __repr__(self):
        return f"<Sequential '{self.name}': {', '.join(map(repr, self.layers))}>"

    def _repr_html_(self):
        """Jupyter shows a built model as its summary table and its picture (None before it is built: text shows)."""
        import html
        from ..errors import GraphgradError
        try:
            table = self.summary(print_fn=lambda text: None)
        except GraphgradError:
            return None
        try:
            drawing = self.picture()._repr_svg_()
        except GraphgradError:   # no Graphviz renderer: the table alone
            drawing = ""
        return f'<pre style="text-align:left">{html.escape(table)}</pre>\n{drawing}'
