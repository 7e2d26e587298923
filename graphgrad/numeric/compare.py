"""Four ways to differentiate side by side: reverse, forward, symbolic and numeric.

One table with each method's value and gradient, its largest absolute and
relative difference from reverse mode, and the time it took.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from ..autodiff import grad_graph, jacobian
from ..backends.numpy_backend import bind, check_differentiable, evaluate
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
    """The closed-form value and gradient (shared subexpressions kept, so any depth works), compiled by lambdify."""
    from ..symbolic import SymbolicError, gradient_function
    args = {n: np.asarray(values[n], dtype=np.float64) for n in graph.input_names}
    with np.errstate(all="ignore"):    # a 0·ln 0 of the closed form is refused below, not warned about
        y, grads = gradient_function(graph, value=True)(**args)
    if not all(np.all(np.isfinite(g)) for g in [y, *grads.values()]):
        raise SymbolicError("the closed-form value or gradient is not a finite real number at this point")
    return y, {n: np.broadcast_to(g, args[n].shape) for n, g in grads.items()}


def _numeric(graph, values):
    return evaluate(graph, values)[0], numeric_gradient(graph, values)


RUNNERS = {"reverse": _reverse, "forward": _forward, "symbolic": _symbolic, "numeric": _numeric}


def differentiate(graph, values, method="reverse"):
    """(value, gradient by input name) by one ``method``."""
    from ..errors import UnknownNameError
    if method not in RUNNERS:
        raise UnknownNameError(f"unknown method '{method}': choose one of {', '.join(METHODS)}")
    check_differentiable(graph, bind(graph, values))  # bad inputs and points refused alike by every method
    return RUNNERS[method](graph, values)


@dataclass
class Comparison:
    """Rows ``{method, value, grad, abs_diff, rel_diff, seconds}``; differences are against reverse mode."""
    rows: list = field(default_factory=list)

    def as_dict(self):
        return {"methods": [r if "unavailable" in r else
                            {**r, "value": np.asarray(r["value"]).tolist(),
                             "grad": {k: np.asarray(v).tolist() for k, v in r["grad"].items()}} for r in self.rows]}

    def format(self, digits=10):
        head = f"{'method':<9} {'value':>16} {'max |diff|':>11} {'max rel diff':>12} {'time':>10}  gradient"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            if "unavailable" in r:
                lines.append(f"{r['method']:<9} {'n/a':>16}  ({r['unavailable']})")
                continue
            grad = ", ".join(f"{k}={np.array2string(np.asarray(v), precision=digits)}" for k, v in r["grad"].items())
            value = np.asarray(r["value"])
            shown = f"{float(value):.{digits}g}" if value.ndim == 0 else f"shape {value.shape}"
            lines.append(f"{r['method']:<9} {shown:>16} {r['abs_diff']:>11.2e} {r['rel_diff']:>12.2e} "
                         f"{r['seconds'] * 1e3:>8.2f}ms  {grad}")
        return "\n".join(lines)


def compare(graph, values, methods=METHODS):
    """Run every method, time it, and measure its difference from reverse mode.

    A method that cannot handle the program (symbolic on tensor operations, numeric
    next to a domain edge) gets a row with its reason instead of numbers; the others
    still run.
    """
    from ..errors import DomainError
    from ..symbolic import SymbolicError
    rows, reference = [], None
    for method in methods:
        start = time.perf_counter()
        try:
            value, grad = differentiate(graph, values, method)
        except (SymbolicError, DomainError) as exc:
            if isinstance(exc, DomainError) and method != "numeric":
                raise  # the point itself is outside the domain: every method would fail
            rows.append({"method": method, "unavailable": str(exc)})
            continue
        seconds = time.perf_counter() - start
        reference = reference or grad
        diff = max((float(np.max(np.abs(np.asarray(grad[k], float) - reference[k]), initial=0)) for k in grad), default=0.0)
        scale = max((float(np.max(np.abs(reference[k]), initial=0)) for k in grad), default=0.0)
        rows.append({"method": method, "value": value, "grad": grad, "abs_diff": diff,
                     "rel_diff": diff / scale if scale > 1e-8 else diff, "seconds": seconds})  # ~0: absolute
    return Comparison(rows)
