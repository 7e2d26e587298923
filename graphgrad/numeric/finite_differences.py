"""Numeric differentiation: central finite differences, and their error as a function of the step.

The step h = ε^(1/3)·max(1, |x|) balances truncation error (∝ h²) against
round-off (∝ ε/h); ``error_vs_step`` shows the resulting V-shaped curve.
"""
import numpy as np

from ..autodiff import grad_graph
from ..backends.numpy_backend import bind, run
from ..errors import DomainError

EPS = np.finfo(np.float64).eps


def _scalar_function(graph, values):
    """x -> sum of the output, with the other inputs fixed at ``values`` (float64 throughout)."""
    arrays = {k: np.array(v, dtype=np.float64) for k, v in bind(graph, values).items()}
    out = graph.output

    def f(node, x):
        env = run(graph, {**arrays, node.id: x}, check=False)
        return float(np.sum(env[out.id]))
    return arrays, f


def default_step(x):
    """The central-difference step for each coordinate of ``x``."""
    return np.cbrt(EPS) * np.maximum(1.0, np.abs(x))


def gradient(graph, values, step=None, central=True):
    """d(sum of output)/d input for every input, by finite differences (``step`` None: default)."""
    arrays, f = _scalar_function(graph, values)
    grads = {}
    for node in graph.inputs:
        x = arrays[node.id]
        h = default_step(x) if step is None else np.broadcast_to(np.asarray(step, dtype=np.float64), x.shape)
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += h[idx]
            if central:
                down[idx] -= h[idx]
                g[idx] = (f(node, up) - f(node, down)) / (2 * h[idx])
            else:
                g[idx] = (f(node, up) - f(node, x)) / h[idx]
            if step is None and not np.isfinite(g[idx]):
                where = f"[{', '.join(map(str, idx))}]" if idx else ""
                raise DomainError(f"the finite difference for {node.name}{where} = {x[idx]:.6g} steps outside the "
                                  f"program's domain (step {h[idx]:.2g}): the point is too close to a domain edge "
                                  "for numeric differentiation; use reverse mode there")
        grads[node.name] = g
    return grads


def error_vs_step(graph, values, steps=None):
    """Rows ``{"step", "forward", "central"}``: the largest error of each difference against reverse mode."""
    steps = np.logspace(-16, 0, 49) if steps is None else np.asarray(steps, dtype=np.float64)
    exact = dict(zip(graph.input_names, _exact(graph, values)))
    rows = []
    for h in steps:
        row = {"step": float(h)}
        for name, central in (("forward", False), ("central", True)):
            approx = gradient(graph, values, step=h, central=central)
            row[name] = max(float(np.max(np.abs(approx[k] - exact[k]), initial=0.0)) for k in exact)
        rows.append(row)
    return rows


def _exact(graph, values):
    """The exact gradient by reverse mode, one array per input (float64)."""
    gg = grad_graph(graph)
    env = run(gg, {k: np.asarray(v, dtype=np.float64) for k, v in bind(gg, values).items()})
    return [env[o.id] for o in gg.outputs[1:]]
