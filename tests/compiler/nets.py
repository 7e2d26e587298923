"""Training-step graphs built by hand for the compiler's tests and benchmarks (a 2-4-4-1 sigmoid net).

They fill ``graphgrad.nn.step.StepGraph`` by hand: the loss, its gradient from
``grad_graph`` and the optimizer update written as graph operations, so the
compiler is tested on the contract itself as well as on ``nn.build_step``.
"""
import numpy as np

import graphgrad as gg
from graphgrad.graph import Graph
from graphgrad.nn.step import StepGraph
from graphgrad.ops import input as make_input


SIZES = (2, 4, 4, 1)


def moons_step(batch=16, dtype=np.float64, learning_rate=0.1, momentum=0.9, dropout=False):
    """The seed 003 net: 2-4-4-1 sigmoid layers, mean squared error, SGD with momentum (optionally dropout)."""
    x = make_input("x", (batch, SIZES[0]), dtype)
    y = make_input("y", (batch, SIZES[-1]), dtype)
    params, noise = [], []
    h = x
    for k, (n_in, n_out) in enumerate(zip(SIZES, SIZES[1:]), start=1):
        w = make_input(f"dense_{k}/kernel", (n_in, n_out), dtype)
        b = make_input(f"dense_{k}/bias", (n_out,), dtype)
        params += [w, b]
        h = gg.sigmoid(h @ w + b)
        if dropout and k == 1:
            mask = make_input("dropout_1/noise", (batch, n_out), dtype)
            noise.append(mask)
            h = h * gg.ops.heaviside(mask - 0.25) / 0.75
    loss = gg.mean((h - y) ** 2)
    grads = gg.grad_graph(Graph([loss], [x, y, *params, *noise]), params).outputs[1:]
    velocity = [make_input(f"optimizer/momentum/{p.name}", p.shape, dtype) for p in params]
    iterations = make_input("optimizer/iterations", (), dtype)
    new_velocity = [momentum * v - learning_rate * g for v, g in zip(velocity, grads)]
    new_params = [p + v for p, v in zip(params, new_velocity)]
    new_state = [*new_velocity, iterations + 1]
    state = [*velocity, iterations]
    graph = Graph([loss, *new_params, *new_state], [x, y, *params, *state, *noise])
    return StepGraph(graph, x, y, tuple(params), tuple(state), tuple(noise), loss, tuple(new_params),
                     tuple(new_state))


def initial_values(step, seed=0):
    """Small random weights, zero biases, zero optimizer state, as fresh arrays in the step's order."""
    rng = np.random.default_rng(seed)
    params = [(rng.normal(0, 1, p.shape) if p.ndim == 2 else np.zeros(p.shape)).astype(p.dtype)
              for p in step.params]
    state = [np.zeros(s.shape, s.dtype) for s in step.state]
    return params, state


def two_moons(n=256, noise=0.1, seed=0, dtype=np.float64):
    """Two interleaved half circles (as in scikit-learn's make_moons), labels in a column."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t[:half]), np.sin(t[:half])], 1)
    lower = np.stack([1 - np.cos(t[half:]), 0.5 - np.sin(t[half:])], 1)
    x = np.concatenate([upper, lower]) + rng.normal(0, noise, (n, 2))
    y = np.concatenate([np.zeros(half), np.ones(n - half)])[:, None]
    return x.astype(dtype), y.astype(dtype)


def mlp_step(batch=128, sizes=(784, 512, 10), dtype=np.float32, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """The seed 004 net: Dense(relu) layers, softmax + categorical cross-entropy, RMSprop (Keras defaults)."""
    x = make_input("x", (batch, sizes[0]), dtype)
    y = make_input("y", (batch, sizes[-1]), dtype)
    params = []
    h = x
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        w = make_input(f"dense_{k}/kernel", (n_in, n_out), dtype)
        b = make_input(f"dense_{k}/bias", (n_out,), dtype)
        params += [w, b]
        z = h @ w + b
        h = gg.relu(z) if k < len(sizes) - 1 else z
    loss = -gg.mean(gg.sum(y * gg.log_softmax(h, axis=-1), axis=1))
    grads = gg.grad_graph(Graph([loss], [x, y, *params]), params).outputs[1:]
    slots = [make_input(f"optimizer/rms/{p.name}", p.shape, dtype) for p in params]
    iterations = make_input("optimizer/iterations", (), dtype)
    new_slots = [rho * s + (1 - rho) * g * g for s, g in zip(slots, grads)]
    new_params = [p - learning_rate * g / (gg.sqrt(s) + epsilon) for p, g, s in zip(params, grads, new_slots)]
    counted = iterations + 1
    graph = Graph([loss, *new_params, *new_slots, counted], [x, y, *params, *slots, iterations])
    return StepGraph(graph, x, y, tuple(params), (*slots, iterations), (), loss, tuple(new_params),
                     (*new_slots, counted))


def glorot_values(step, seed=0):
    """Glorot-uniform kernels, zero biases and zero optimizer state, in the step's order."""
    rng = np.random.default_rng(seed)
    params = []
    for p in step.params:
        if p.ndim == 2:
            limit = np.sqrt(6 / (p.shape[0] + p.shape[1]))
            params.append(rng.uniform(-limit, limit, p.shape).astype(p.dtype))
        else:
            params.append(np.zeros(p.shape, p.dtype))
    return params, [np.zeros(s.shape, s.dtype) for s in step.state]
