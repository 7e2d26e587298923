"""Four ways to differentiate side by side: reverse, forward, symbolic and numeric.

One table with each method's value and gradient, its largest absolute and
relative difference from reverse mode, and the time it took.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from ..autodiff import grad_graph, jacobian
from ..backends.numpy_backend import bind, evaluate
from .finite_differences import gradient as numeric_gradient

METHODS = ("reverse", "forward", "symbolic", "numeric")


def _reverse(graph, values):
    y, *grads = evaluate(grad_graph(graph), values)
    return y, dict(zip(graph.input_names, grads))


def _forward(graph, values):
    jac = jacobian(graph, values)
    y = evaluate(graph, values)[0]
    return y, {k: j.sum(axis=tuple(range(graph.output.ndim))) for k, j in jac.items()}


def _symbolic(graph, values):
    import sympy as sp
    from ..symbolic import gradient, to_sympy
    names = graph.input_names
    symbols = [sp.Symbol(n, real=True) for n in names]
    args = [np.asarray(values[n], dtype=np.float64) for n in names]
    exprs = gradient(graph)
    y = sp.lambdify(symbols, to_sympy(graph), "numpy")(*args)
    return np.asarray(y), {n: np.broadcast_to(sp.lambdify(symbols, exprs[n], "numpy")(*args), np.shape(values[n]))
                           for n in names}


def _numeric(graph, values):
    return evaluate(graph, values)[0], numeric_gradient(graph, values)


RUNNERS = {"reverse": _reverse, "forward": _forward, "symbolic": _symbolic, "numeric": _numeric}


def differentiate(graph, values, method="reverse"):
    """(value, gradient by input name) by one ``method``."""
    from ..errors import UnknownNameError
    if method not in RUNNERS:
        raise UnknownNameError(f"unknown method '{method}': choose one of {', '.join(METHODS)}")
    bind(graph, values)  # errors about inputs come before any work
    return RUNNERS[method](graph, values)


@dataclass
class Comparison:
    """Rows ``{method, value, grad, abs_diff, rel_diff, seconds}``; differences are against reverse mode."""
    rows: list = field(default_factory=list)

    def as_dict(self):
        return {"methods": [{**r, "value": np.asarray(r["value"]).tolist(),
                             "grad": {k: np.asarray(v).tolist() for k, v in r["grad"].items()}} for r in self.rows]}

    def format(self, digits=10):
        head = f"{'method':<9} {'value':>16} {'max |diff|':>11} {'max rel diff':>12} {'time':>10}  gradient"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            grad = ", ".join(f"{k}={np.array2string(np.asarray(v), precision=digits)}" for k, v in r["grad"].items())
            value = np.asarray(r["value"])
            shown = f"{float(value):.{digits}g}" if value.ndim == 0 else f"shape {value.shape}"
            lines.append(f"{r['method']:<9} {shown:>16} {r['abs_diff']:>11.2e} {r['rel_diff']:>12.2e} "
                         f"{r['seconds'] * 1e3:>8.2f}ms  {grad}")
        return "\n".join(lines)


def compare(graph, values, methods=METHODS):
    """Run every method, time it, and measure its difference from reverse mode."""
    rows, reference = [], None
    for method in methods:
        start = time.perf_counter()
        value, grad = differentiate(graph, values, method)
        seconds = time.perf_counter() - start
        reference = reference or grad
        diff = max((float(np.max(np.abs(np.asarray(grad[k], float) - reference[k]), initial=0)) for k in grad), default=0.0)
        scale = max((float(np.max(np.abs(reference[k]), initial=0)) for k in grad), default=0.0)
        rows.append({"method": method, "value": value, "grad": grad, "abs_diff": diff,
                     "rel_diff": diff / scale if scale else diff, "seconds": seconds})
    return Comparison(rows)
