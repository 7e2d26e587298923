"""One training step as one graph, plus the inference and loss graphs of a model.

``build_step`` composes the model's layers (forward), its loss (graph nodes),
the core's reverse mode (``autodiff.adjoints``) and the optimizer's update
rule (a graph transform) into a single pure function

    [x, y, mask, *params, *state, *noise]  ->  [loss, *new_params, *new_state, *sums]

that any backend can run: the NumPy interpreter here, the Numba compiler
elsewhere. Hyperparameters are constants in the graph. The graph is built for
the largest batch; ``mask`` (1 for a real row, 0 for padding) lets the same
graph train any smaller batch, such as an epoch's last one: the loss is the
mean over the real rows. ``sums`` are what the epoch's running means add up:
the loss times the number of rows, then each metric's statistics.
"""
from dataclasses import dataclass

import numpy as np

from .. import ops
from ..autodiff import adjoints
from ..autodiff.reverse import zeros
from ..graph import Graph, Node
from . import metrics as metrics_mod, optimizers


@dataclass(frozen=True)
class StepGraph:
    """One training step as one graph: inputs -> loss and updated parameters/state."""
    graph: Graph                 # inputs = [x, y, (mask), *params, *state, *noise]
                                 # outputs = [loss, *new_params, *new_state, *sums]
    x: Node
    y: Node                      # input nodes for a mini-batch (batch axis first, the largest batch size)
    params: tuple                # input nodes, named "dense_1/kernel", "dense_1/bias", ...
    state: tuple                 # optimizer slots + the step counter "optimizer/iterations" (scalar), input nodes
    noise: tuple                 # inputs fed with fresh uniform[0,1) arrays each step (dropout masks); empty if none
    loss: Node                   # = graph.outputs[0] (mean loss over the batch, incl. regularisation)
    new_params: tuple            # outputs 1..len(params)
    new_state: tuple             # following outputs
    mask: Node = None            # (batch,) input: 1 for a real row, 0 for padding; None: every batch is full
    sums: tuple = ()             # scalar or array outputs added up over an epoch's steps (running means)

    @property
    def batch_size(self):
        return self.x.shape[0]


def _batch_inputs(model, batch_size, with_labels=True):
    """Input nodes: x, and with labels y and the row mask; the parameters by name."""
    dtype = model.dtype
    x = ops.input("x", (batch_size,) + model.input_shape, dtype)
    params = {name: ops.input(name, shape, dtype) for name, shape in model.param_shapes.items()}
    if not with_labels:
        return x, None, None, params
    y = ops.input("y", (batch_size,) + model.loss.label_shape(model.output_shape), dtype)
    return x, y, ops.input("mask", (batch_size,), dtype), params


def _rows(layer, mask):
    """The ``mask`` keyword for a layer whose training output mixes the batch's rows (batch statistics)."""
    return {"mask": mask} if layer.batch_statistics and mask is not None else {}


def forward(model, x, params, training=False, noise=None, layer_inputs=None, mask=None):
    """``(output, logits)``: the model's output node and the last Dense layer's pre-activation (or None).

    ``layer_inputs``, a dict, receives each layer's input node by layer name. ``mask`` (1 for a real row, 0
    for padding) goes to the layers that compute batch statistics, so padding rows do not count in them.
    """
    noise = noise or {}
    h, logits = x, None
    last = len(model.layers) - 1
    for i, layer in enumerate(model.layers):
        if layer_inputs is not None:
            layer_inputs[layer.name] = h
        p = {suffix: params[f"{layer.name}/{suffix}"] for suffix in layer.parameters(h.shape[1:])}
        if i == last and hasattr(layer, "linear"):
            logits = layer.linear(h, p)
            out = layer.activation(logits)
        else:
            out = layer.call(h, p, training=training, noise=noise.get(layer.name), **_rows(layer, mask))
        h = out if out is h or out is logits or out.is_input else out.named(layer.name)
    return h, logits


def noise_shapes(model, batch_size):
    """By layer name, the shape of the uniform[0,1) noise each layer that needs some (dropout) takes in training."""
    return {layer.name: (batch_size,) + tuple(layer.noise_shape(shape))
            for layer, shape in zip(model.layers, model.layer_input_shapes) if layer.noise_shape(shape) is not None}


def moved(model, params, layer_inputs, mask=None):
    """By name, the new values of the layers' ``non_trainable`` parameters (moving averages) after a training
    step whose layers received ``layer_inputs`` (by layer name, as ``forward`` records them)."""
    return {f"{layer.name}/{suffix}": value for layer in model.layers
            for suffix, value in layer.updates(layer_inputs[layer.name], _own(params, layer),
                                               **_rows(layer, mask)).items()}


def loss_of(model, y, output, logits, params, mask):
    """``(loss, loss_sum)``: the mean loss over the batch's real rows plus the layers' penalties (fused with
    the last activation when they pair), and that loss times the number of rows, for running means.

    Without penalties ``loss_sum`` is the masked sum of the per-sample losses itself, the very node a metric
    of the same formula sums, so ``loss='mse', metrics=['mse']`` report the same number.
    """
    loss = model.loss
    fused = (logits is not None and not loss.from_logits
             and model.layers[-1].activation_name in loss.fuses_with)
    per_sample = loss.from_logits_per_sample(y, logits) if fused else loss.per_sample(y, output)
    data, rows = metrics_mod.masked_sum(per_sample, mask), ops.sum(mask)
    penalty = None
    for layer in model.layers:
        term = layer.penalty(_own(params, layer))
        if term is not None:
            penalty = term if penalty is None else penalty + term
    if penalty is None:
        return (data / rows).named("loss"), data
    return (data / rows + penalty).named("loss"), data + penalty * rows


def sums_of(model, y, output, logits, params, mask):
    """``(loss, sums)``: the loss node and what running means add up (loss times rows, the metrics' statistics)."""
    loss, loss_sum = loss_of(model, y, output, logits, params, mask)
    stats = [s for metric in model.compiled_metrics() for s in metric.statistics(y, output, mask)]
    return loss, (loss_sum, *stats)


def _own(params, layer):
    """The layer's parameter nodes by suffix."""
    return {k[len(layer.name) + 1:]: v for k, v in params.items() if k.startswith(layer.name + "/")}


def build_inference(model, batch_size=1):
    """The inference graph ``[x, *params] -> [predictions]`` (what ``model.graph`` shows)."""
    x, _, _, params = _batch_inputs(model, batch_size, with_labels=False)
    output, _ = forward(model, x, params)
    return Graph([output], [x, *params.values()])


def build_loss_graph(model, batch_size):
    """``[x, y, mask, *params] -> [loss, predictions, *sums]`` without dropout (evaluate, gradient checks)."""
    x, y, mask, params = _batch_inputs(model, batch_size)
    output, logits = forward(model, x, params)
    loss, sums = sums_of(model, y, output, logits, params, mask)
    return Graph([loss, output, *sums], [x, y, mask, *params.values()])


def initial_state(model, weights):
    """Starting values of the optimizer state for parameter arrays ``weights`` (by name)."""
    opt = model.optimizer
    values = {optimizers.state_name(p, s): np.asarray(opt.slot_init(s, weights[p]), dtype=model.dtype)
              for p in model.trainable_names for s in opt.slot_names}
    values.update({optimizers.state_name(g): np.asarray(v, dtype=model.dtype) for g, v in opt.global_names().items()})
    values[optimizers.state_name("iterations")] = np.zeros((), dtype=model.dtype)
    return values


def build_step(model, batch_size):
    """The StepGraph for mini-batches of ``batch_size`` (dropout on, as in training)."""
    dtype = model.dtype
    x, y, mask, params = _batch_inputs(model, batch_size)
    noise = {name: ops.input(f"{name}/noise", shape, dtype) for name, shape in noise_shapes(model, batch_size).items()}
    layer_inputs = {}
    output, logits = forward(model, x, params, training=True, noise=noise, layer_inputs=layer_inputs, mask=mask)
    loss, sums = sums_of(model, y, output, logits, params, mask)
    moving = moved(model, params, layer_inputs, mask)

    inputs = [x, y, mask, *params.values()]
    trained = {name: params[name] for name in model.trainable_names}
    adj = adjoints(Graph([loss], inputs + list(noise.values())), wrt=list(trained.values()), output=loss)
    update = optimizers.update(model.optimizer, trained, {name: adj.get(p.id, zeros(p)) for name, p in trained.items()},
                               dtype)
    new_params = [moving[name] if name in moving else update.new_params[name] for name in params]
    state, new_state = update.state, update.new_state

    graph = Graph([loss, *new_params, *new_state, *sums], inputs + state + list(noise.values()))
    return StepGraph(graph=graph, x=x, y=y, params=tuple(params.values()), state=tuple(state),
                     noise=tuple(noise.values()), loss=loss, new_params=tuple(new_params),
                     new_state=tuple(new_state), mask=mask, sums=sums)
