"""Sequential: a stack of layers, its weights by name, and Keras' compile/fit/evaluate/predict."""
import os
import zipfile

import numpy as np

from .. import ops
from ..backends.numpy_backend import outputs, run
from ..datasets.checks import sample_shape
from ..files import load_arrays, save_arrays
from ..graph import shapes
from . import initializers, losses, metrics as metrics_mod, optimizers, step as step_mod
from .errors import DataError, NotCompiledError, ShapeError, WeightsFileError
from .layers import Layer, check_weight_count, check_weights_fit
from .validation import as_array, check_inputs, check_same_length


EVALUATION_BATCH = 256     # rows per kernel call of predict/evaluate/validation (any size gives the same numbers)


def checked_arrays(path, saved, expected, what="weight"):
    """The arrays ``saved`` in file ``path``, each cast to the dtype of the array of its name in ``expected``;
    a WeightsFileError unless the names and shapes are those of ``expected`` and every value is a finite number
    in that dtype (checked after the cast, so 1e300 is refused for float32 rather than read as inf)."""
    missing, extra = [k for k in expected if k not in saved], [k for k in saved if k not in expected]
    if missing or extra:
        raise WeightsFileError(f"'{path}' holds {what}s for another model: missing {missing or 'none'}, "
                               f"unexpected {extra or 'none'}")
    arrays = {}
    for k, want in expected.items():
        v = saved[k]
        if v.dtype.kind not in "fiu":
            raise WeightsFileError(f"'{path}': {what} '{k}' holds {v.dtype} values, not real numbers")
        if v.shape != want.shape:
            raise WeightsFileError(f"'{path}': {what} '{k}' has shape {shapes.fmt(v.shape)}, the model "
                                   f"needs {shapes.fmt(want.shape)}")
        if not np.all(np.isfinite(v)):
            raise WeightsFileError(f"'{path}': {what} '{k}' holds NaN or infinite values")
        with np.errstate(over="ignore"):
            arrays[k] = v.astype(want.dtype)
        if not np.all(np.isfinite(arrays[k])):
            raise WeightsFileError(f"'{path}': {what} '{k}' holds values too large for {want.dtype} "
                                   f"(largest magnitude {np.max(np.abs(v)):g})")
    return arrays


class Sequential:
    """Layers applied in order. Weights live here as arrays named ``dense_1/kernel``; graphs are built from them."""

    def __init__(self, layers=None, name="sequential", seed=None, dtype="float32"):
        self.name, self.dtype = name, np.dtype(dtype)
        self.layers, self.rng = [], np.random.default_rng(seed)
        self.built = False
        self.loss = self.optimizer = None
        self.backend = None                 # fit's, evaluate's and predict's default (None: training.default_backend)
        self.metrics = []
        self.stop_training = False
        self.history = None
        self._weights, self._state, self._cache = {}, {}, {}
        self.layer_input_shapes = []     # by layer, the sample shape it was built for
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
        """Fix the input shape (without batch axis) and draw initial weights (kept if already drawn).

        A layer whose weights were drawn for another input shape refuses the new one (ShapeError),
        leaving the model as it was."""
        input_shape = sample_shape(input_shape, "the input shape")
        layer_input_shapes, param_shapes, inits, non_trainable, shape = self._layout(input_shape)
        weights = self._initial_weights(input_shape, layer_input_shapes, param_shapes, inits)
        self.input_shape, self.layer_input_shapes, self.param_shapes = input_shape, layer_input_shapes, param_shapes
        self.non_trainable, self.output_shape = non_trainable, shape
        self._weights = weights
        self.built = True
        self._cache.clear()
        if self.optimizer is not None:
            self._state = step_mod.initial_state(self, self._weights)

    def _layout(self, input_shape):
        """``(each layer's input shape, weight shapes by name, initializers by name, non-trainable names, output
        shape)`` for samples of ``input_shape``; a ShapeError if weights drawn before do not fit them."""
        shape, layer_input_shapes, param_shapes, inits, non_trainable = input_shape, [], {}, {}, set()
        weights = self._weights   # (a property in Keras's spelling: made once, not per layer)
        for i, layer in enumerate(self.layers):
            params = layer.parameters(shape)
            if i < len(self.layer_input_shapes):
                check_weights_fit(layer, {suffix: weights[f"{layer.name}/{suffix}"].shape
                                          for suffix in layer.parameters(self.layer_input_shapes[i])},
                                  self.layer_input_shapes[i], shape)
            layer_input_shapes.append(shape)
            for suffix, (pshape, init) in params.items():
                param_shapes[f"{layer.name}/{suffix}"] = tuple(pshape)
                inits[f"{layer.name}/{suffix}"] = init
                if suffix in layer.non_trainable:
                    non_trainable.add(f"{layer.name}/{suffix}")
            shape = layer.output_shape(shape)
        return layer_input_shapes, param_shapes, inits, non_trainable, shape

    def _initial_weights(self, input_shape, layer_input_shapes, param_shapes, inits):
        """The weights by name of the model built for samples of ``input_shape`` (its layers for samples of
        ``layer_input_shapes``): those already drawn are kept, the others drawn now from their initializers
        (``param_shapes`` and ``inits`` by name), once the model's size is known to be sane."""
        check_weight_count(param_shapes.values(), "the model", input_shape)
        drawn = self._weights
        return {name: drawn[name] if name in drawn else initializers.draw(inits[name], pshape, self.rng, self.dtype)
                for name, pshape in param_shapes.items()}

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

    def compiled_metrics(self):
        """The Metric objects of ``compile(metrics=...)``, in order (their statistics are in every loss graph)."""
        self._require_built()
        return self._cached(("metrics",), lambda: [metrics_mod.get(m, self.loss, self.output_shape)
                                                   for m in self.metric_specs])

    def logs(self, sums, rows):
        """``{"loss": ..., metric: ...}`` from the summed ``sums`` of a loss graph over ``rows`` samples."""
        return self.epoch_logs([np.asarray(s)[None] for s in sums], rows)[0]

    def epoch_logs(self, sums, rows):
        """The logs of epochs of ``rows`` samples each, from ``sums`` holding one row per epoch."""
        columns, at = {"loss": sums[0] / rows}, 1
        for metric, count in self._cached(("layout",), self._metric_layout):
            columns[metric.name] = metric.values(sums[at:at + count], rows)
            at += count
        return [dict(zip(columns, epoch)) for epoch in zip(*(np.asarray(c, np.float64).tolist()
                                                              for c in columns.values()))]

    def _metric_layout(self):
        """``[(metric, number of its statistics)]``, in the order of the loss graph's sums."""
        y = ops.input("y", (1,) + self.loss.label_shape(self.output_shape), self.dtype)
        p, mask = ops.input("p", (1,) + self.output_shape, self.dtype), ops.input("mask", (1,), self.dtype)
        return [(m, len(m.statistics(y, p, mask))) for m in self.compiled_metrics()]

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
        save_arrays(path, self._weights)

    def load_weights(self, path):
        """Read weights saved by ``save_weights``; names and shapes must match this model."""
        self._require_built()
        if not os.path.exists(path):
            raise WeightsFileError(f"no weights file at '{path}'")
        if not os.path.isfile(path):     # a device such as /dev/zero would be read forever
            raise WeightsFileError(f"'{path}' is not a regular file (a folder, device or pipe): weights are read "
                                   f"from the .npz file save_weights writes")
        if not zipfile.is_zipfile(path):
            raise WeightsFileError(f"'{path}' is not a weights file: save_weights writes an .npz (zip) archive")
        try:
            saved = load_arrays(path)
        except Exception as exc:  # zipfile, pickle and value errors all mean "not our file"
            raise WeightsFileError(f"cannot read weights from '{path}': {exc}") from None
        self._weights = checked_arrays(path, saved, self._weights)

    # --- running ------------------------------------------------------------------------
    def _kernel(self, graph, backend):
        """``graph`` as a function of its inputs' arrays returning its outputs (kept with the model): compiled
        by Numba now ("numba"), on the interpreter until compiled in the background ("auto"), or interpreted."""
        from ..compiler import TieredGraph, known_backend
        from .training import default_backend
        backend = known_backend(backend or self.backend or default_backend())
        if backend == "numba":
            from ..compiler import compile
            return self._cached(("compiled", id(graph)), lambda: compile(graph))
        if backend == "auto":
            return self._cached(("tiered", id(graph)), lambda: TieredGraph(graph))
        return lambda *arrays: outputs(graph, dict(zip((n.id for n in graph.inputs), arrays)))

    def _batches(self, arrays):
        """``(batch arrays, mask, rows)`` of EVALUATION_BATCH rows: full batches are views of the data (no
        copy); the last one is padded with copies of its first row, which the mask (0) leaves out."""
        n = len(arrays[0])
        full = np.ones(EVALUATION_BATCH, self.dtype)
        for start in range(0, n, EVALUATION_BATCH):
            rows = min(EVALUATION_BATCH, n - start)
            if rows == EVALUATION_BATCH:
                yield [a[start:start + rows] for a in arrays], full, rows
            else:
                pad = EVALUATION_BATCH - rows
                yield ([np.concatenate([a[start:start + rows], np.repeat(a[start:start + 1], pad, axis=0)])
                        for a in arrays], (np.arange(EVALUATION_BATCH) < rows).astype(self.dtype), rows)

    def predict(self, x, batch_size=32, verbose=0, backend=None):
        """Model outputs for inputs ``x`` (dropout off), computed batch by batch (compiled on numba).

        ``batch_size`` is accepted as in Keras; the numbers do not depend on it, so one kernel of
        EVALUATION_BATCH rows serves every call.
        """
        self._require_built(x)
        x = as_array(x, "x", self.dtype)
        check_inputs(x, self.input_shape)
        graph = self.inference_graph(EVALUATION_BATCH)
        kernel = self._kernel(graph, backend)
        params = [np.require(self._weights[node.name], requirements=["C", "W"]) for node in graph.inputs[1:]]
        out = np.empty((len(x),) + tuple(self.output_shape), self.dtype)
        start = 0
        for (xb,), _, rows in self._batches([x]):
            result = kernel(xb, *params)
            out[start:start + rows] = (result[0] if isinstance(result, (list, tuple)) else result)[:rows]
            start += rows
        return out

    def prepare(self, x, y, what="x"):
        """Checked arrays for (x, y): finite, the right width, labels in the form the loss needs."""
        self._require_compiled()
        self._require_built(x)
        x = as_array(x, what, self.dtype)
        check_inputs(x, self.input_shape, what)
        if y is None:
            raise DataError(f"the labels of {what} are missing (y is None): give one label per sample")
        y = np.asarray(y)
        y = as_array(self.loss.prepare_labels(y, self.output_shape), "y" if what == "x" else f"{what} labels",
                     self.dtype)
        check_same_length(x, y, f"{what} and its labels")
        return x, y

    def evaluate(self, x, y, batch_size=32, verbose=0, return_dict=False, backend=None):
        """Loss (incl. regularisation) and metrics on (x, y); a number when there are no metrics.

        ``batch_size`` is accepted as in Keras; the numbers are sums over all samples and do not depend on it.
        """
        x, y = self.prepare(x, y)
        logs = self.evaluate_arrays(x, y, backend)
        if verbose:
            from .progress import format_logs
            print(f"{len(x)}/{len(x)}{format_logs(logs)}")
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def sums_graph(self, batch_size):
        """``[x, y, mask, *params] -> sums``: what evaluation adds up (loss times rows, metric statistics)."""
        from ..graph import Graph
        graph = self.loss_graph(batch_size)
        return self._cached(("sums", batch_size), lambda: Graph(list(graph.outputs[2:]), list(graph.inputs)))

    def evaluate_arrays(self, x, y, backend=None):
        """The logs of checked arrays (x, y) from the sums graph, batch by batch (compiled on numba)."""
        graph = self.sums_graph(EVALUATION_BATCH)
        kernel = self._kernel(graph, backend)
        params = [np.require(self._weights[node.name], requirements=["C", "W"]) for node in graph.inputs[3:]]
        totals = None
        for (xb, yb), mask, _ in self._batches([x, y]):
            result = kernel(xb, yb, mask, *params)
            result = result if isinstance(result, (list, tuple)) else (result,)
            values = [np.asarray(v, np.float64) for v in result]
            totals = values if totals is None else [t + v for t, v in zip(totals, values)]
        return self.logs(totals, len(x))

    def gradients(self, x, y):
        """d loss / d weight for every weight on one batch, by the core's reverse mode (for checks and teaching)."""
        from ..autodiff import grad_graph
        x, y = self.prepare(x, y)
        graph = self.loss_graph(len(x))
        params = list(graph.inputs[3:])
        grads = grad_graph(graph, params)
        feed = {grads.inputs[0].id: x, grads.inputs[1].id: y, grads.inputs[2].id: np.ones(len(x), self.dtype)}
        feed.update({node.id: self._weights[node.name] for node in grads.inputs[3:]})
        env = run(grads, feed, check=False)
        return {node.name: env[g.id] for node, g in zip(params, grads.outputs[1:])}

    def fit(self, x, y, batch_size=32, epochs=1, verbose=1, callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, initial_epoch=0, backend=None):
        """Train with mini-batches (Keras' arguments); returns a History. See graphgrad.nn.training.

        ``backend``: "auto" (the default when Numba is installed: the interpreter from the first
        step, then the compiled loop once it is built in the background, see
        graphgrad.compiler.tiers), "numba" (the compiled loop, compiled first) or "numpy" (the
        interpreter); ``$GRAPHGRAD_BACKEND`` changes the default. All train
        the same weights from the same seed, the last partial batch included, and log the
        same History: ``loss`` and the metrics are Keras' running means over the epoch's
        batches (each before its update); ``val_*`` with the epoch's final weights.
        """
        from .training import fit
        return fit(self, x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
                   validation_split=validation_split, validation_data=validation_data, shuffle=shuffle,
                   initial_epoch=initial_epoch, backend=backend or self.backend)

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
        """The network drawn by graphgrad.viz: ``level`` 'layer', 'neuron' or 'auto' (neurons for small nets).

        A network of Dense layers is drawn as tensor operations or neurons; any other (convolutions,
        pooling, ...) as its stack of layers with the feature-map shapes between them.
        """
        from ..viz import network_picture
        if all(hasattr(layer, "units") or layer.kind in ("dropout", "activation") for layer in self.layers):
            return network_picture(self.network_layers(), level=level, **options)
        if level not in ("auto", "layer"):
            from ..errors import GraphgradError
            raise GraphgradError(f"a {level}-level picture draws networks of Dense layers only; "
                                 f"this model has {', '.join(sorted({type(l).__name__ for l in self.layers}))}: "
                                 "use level='layer'")
        return self.stack_picture(**options)

    def stack_picture(self, style=None):
        """The layer stack with feature-map shapes (``26×26×6 → 13×13×6 → …``), as ``graphgrad.viz.stack_dot``."""
        from ..viz import stack_dot
        from ..viz.jupyter import Shown
        self._require_built()
        rows = [("input", "", 0, self.input_shape)]
        for i, layer in enumerate(self.layers):
            settings = ", ".join(f"{k}={v}" for k, v in layer.config().items() if v is not None)
            params = sum(int(np.prod(s)) for n, s in self.param_shapes.items() if n.startswith(layer.name + "/"))
            rows.append((layer.name, f"{type(layer).__name__}({settings})", params, self._layer_output_shape(i)))
        return Shown(stack_dot(rows, style))

    def _layer_output_shape(self, i):
        return self.layers[i].output_shape(self.layer_input_shapes[i])

    def __repr__(self):
        return f"<Sequential '{self.name}': {', '.join(map(repr, self.layers))}>"

    def _repr_html_(self):
        """Jupyter shows a built model as its summary table and its picture (None before it is built: text shows)."""
        import html
        from ..errors import GraphgradError
        printed = []     # the table as printed: Keras' summary returns None
        try:
            self.summary(print_fn=printed.append)
        except GraphgradError:
            return None
        table = "\n".join(printed)
        try:
            drawing = self.picture()._repr_svg_()
        except GraphgradError:   # no Graphviz renderer: the table alone
            drawing = ""
        return f'<pre style="text-align:left">{html.escape(table)}</pre>\n{drawing}'
