"""The NumPy interpreter: runs a graph node by node, the reference every backend must match.

It checks each primitive's domain before applying it, so a log of a negative
number is reported as "ln of ... at node v3", not as a silent NaN; and
``check_derivatives`` refuses a point where a local derivative is not finite
(sqrt at 0), the one rule every method of differentiation applies.
"""
import weakref

import numpy as np

from ..errors import DomainError, InputValueError, MissingInputError, ShapeError, UnknownNameError
from ..graph import Graph, Node, shapes
from ..graph.printing import definition


def input_array(node, value, graph=None):
    """``value`` as an array of the input's dtype, or an error naming the input."""
    try:
        array = np.asarray(value, dtype=node.dtype)
    except (TypeError, ValueError):
        raise InputValueError(f"the value of '{node.name}' is not a number or array of numbers: {value!r}") from None
    if array.shape != node.shape:
        raise ShapeError(f"shape mismatch for input '{node.name}': the graph was built for shape "
                         f"{shapes.fmt(node.shape)}, the value has shape {shapes.fmt(array.shape)}; "
                         "rebuild it with graph.with_shapes(...) or pass a value of that shape")
    return array


def bind(graph, values):
    """Check that ``values`` names exactly the graph's inputs, and convert them to arrays.

    Values are bound by name, so a graph with two inputs of one name is refused
    (either would get the other's value).
    """
    known = set(graph.input_names)
    if len(known) != len(graph.inputs):
        twice = sorted({n for n in graph.input_names if graph.input_names.count(n) > 1})
        raise InputValueError(f"the graph has several inputs named '{twice[0]}'; values are bound by name, "
                              "so each input needs a name of its own")
    extra = [k for k in values if k not in known]
    if extra:
        raise UnknownNameError(f"unknown variable '{extra[0]}': the graph's inputs are "
                               f"{', '.join(graph.input_names) or 'none'}")
    missing = [n for n in graph.input_names if n not in values]
    if missing:
        raise MissingInputError(f"no value given for input '{missing[0]}'"
                                + (f" (missing: {', '.join(missing)})" if len(missing) > 1 else ""))
    return {node.id: input_array(node, values[node.name]) for node in graph.inputs}


def _at(graph, node, args, index):
    """``x = -2, v1 = 3`` (at index ...): the operands of ``node`` at the element ``index`` of its result."""
    at = [(arg, np.broadcast_to(a, node.shape)[index]) for arg, a in zip(node.inputs, args)]
    shown = ", ".join(f"{graph.label(arg)} = {a:.6g}" for arg, a in at if not arg.is_const)
    shown = shown or "the constant " + ", ".join(f"{a:.6g}" for _, a in at)
    return shown + (f" at index {index}" if index else "")


def _first_false(mask, shape):
    """The index of the first False of ``mask`` broadcast to ``shape`` (() for a scalar)."""
    mask = np.broadcast_to(mask, shape)
    return tuple(int(i) for i in np.unravel_index(np.argmin(mask), mask.shape)) if mask.ndim else ()


def check_domain(graph, node, args):
    """Raise DomainError if any argument lies outside the primitive's domain."""
    domain = node.op.domain
    if domain is None:
        return
    with np.errstate(all="ignore"):
        inside = np.broadcast_to(domain.check(*args), node.shape)
    if not np.all(inside):
        raise DomainError(f"{node.op.name} outside its domain at node {definition(graph, node)}: "
                          f"{_at(graph, node, args, _first_false(inside, node.shape))} ({domain.rule})")


def partial_nodes(node):
    """The numeric local partial ∂node/∂input_k as a node (or a number) for each input, when it has one."""
    if not (node.op.elementwise and node.op.partials):
        return {}
    return {k: build(node, *node.inputs) for k, build in enumerate(node.op.partials) if build is not None}


def check_overflow(graph, env):
    """Raise DomainError at the first node whose value is not finite though its operands are: an overflow
    (prod of 1e300s, the x·x inside the norm of 1e200s). No derivative through it is a number (forward mode
    meets inf/inf, reverse mode 0·inf or g/inf = 0), so every method refuses it rather than print one."""
    for node in graph.operations:
        value, args = env[node.id], [env[i.id] for i in node.inputs]
        finite = np.isfinite(value)
        if np.all(finite) or not all(np.all(np.isfinite(a)) for a in args):
            continue
        index = _first_false(finite, node.shape)
        operands = f": {_at(graph, node, args, index)}" if node.op.elementwise else ""
        raise DomainError(f"{node.op.name} overflows at node {definition(graph, node)}{operands} (a value of "
                          f"{np.broadcast_to(value, node.shape)[index]} from finite operands, so no derivative "
                          "through it is a number)")


def check_derivatives(graph, env):
    """Raise DomainError where a value overflows (``check_overflow``) or a local derivative is not finite at
    the values ``env`` (by node id).

    sqrt at 0 is defined but has no finite derivative: reverse, forward, symbolic and
    numeric differentiation all refuse such a point with this one message.
    """
    check_overflow(graph, env)
    varies, wanted = {}, []
    for node in graph.nodes:
        varies[node.id] = node.is_input or any(varies[i.id] for i in node.inputs)
        wanted += [(node, k, p) for k, p in partial_nodes(node).items() if varies[node.inputs[k].id]]
    built = [p for *_, p in wanted if isinstance(p, Node)]
    if built:
        env = run(Graph(built), env, check=False)
    for node, k, p in wanted:
        value = env[p.id] if isinstance(p, Node) else p
        finite = np.isfinite(value)
        if not np.all(finite):
            index = _first_false(finite, node.shape)
            arg = graph.label(node.inputs[k])
            raise DomainError(f"{node.op.name} has no finite derivative at node {definition(graph, node)}: "
                              f"{_at(graph, node, [env[i.id] for i in node.inputs], index)} "
                              f"(∂/∂{arg} = {np.broadcast_to(value, node.shape)[index]:.6g} there)")


def _weak_scalar(node, value):
    """A weak scalar stays a Python float, so NumPy keeps float32 operands in float32 (NEP 50)."""
    return value.item() if node.weak and value.ndim == 0 else value


class _Plan:
    """A graph made ready to run many times: its constants by id and its operations in order, ``(node, impl,
    operand ids, params, dtype, weak scalar)``; from its second call of ``outputs`` also one generated Python
    function of the inputs returning the outputs (a line ``v7 = asarray(f7(v3, v5), t7)`` per operation,
    nothing of the user's in the text), which skips the loop's bookkeeping: twice as fast on the small
    arrays of a training step."""

    LONGEST = 5000    # operations from which the loop runs instead (a long function compiles slowly)

    def __init__(self, graph):
        self.constants = {n.id: _weak_scalar(n, n.params["value"]) for n in graph.nodes if n.is_const}
        self.steps = [(n, n.op.impl, [i.id for i in n.inputs], n.params, n.dtype, n.weak and n.ndim == 0)
                      for n in graph.nodes if not (n.is_const or n.is_input)]
        self.inputs = [n.id for n in graph.inputs]
        self.outputs = [n.id for n in graph.outputs]
        self.calls, self.function = 0, None

    def generated(self):
        """The generated function (made now if this is its second call), or None."""
        self.calls += 1
        if self.function is None and self.calls == 2 and len(self.steps) < self.LONGEST:
            scope = {"asarray": np.asarray, **{f"v{k}": v for k, v in self.constants.items()}}
            lines = [f"def evaluate({', '.join(f'v{k}' for k in self.inputs)}):"]
            for node, impl, operands, params, dtype, weak in self.steps:
                k = node.id
                scope.update({f"f{k}": impl, f"p{k}": params, f"t{k}": dtype})
                call = f"f{k}({''.join(f'v{i}, ' for i in operands)}{f'**p{k}' if params else ''})"
                lines.append(f"    v{k} = asarray({call}, t{k}){'.item()' if weak else ''}")
            lines.append(f"    return [{', '.join(f'v{k}' for k in self.outputs)}]")
            exec(compile("\n".join(lines), "<graphgrad interpreter plan>", "exec"), scope)
            self.function = scope["evaluate"]
        return self.function


_plans = weakref.WeakKeyDictionary()


def _plan(graph, arrays):
    """The graph's plan, after checking that ``arrays`` holds a value for each input."""
    plan = _plans.get(graph)
    if plan is None:
        plan = _plans[graph] = _Plan(graph)
    missing = [n for n in graph.inputs if n.id not in arrays]
    if missing:
        raise MissingInputError(f"no value given for input '{missing[0].name}'")
    return plan


def run(graph, arrays, check=True):
    """Values of every node by id, given input arrays by node id."""
    plan = _plan(graph, arrays)
    env = {**plan.constants, **arrays}
    with np.errstate(all="ignore"):
        for node, impl, operands, params, dtype, weak in plan.steps:
            if node.id in env:
                continue
            args = [env[i] for i in operands]
            if check:
                check_domain(graph, node, args)
            value = np.asarray(impl(*args, **params), dtype=dtype)
            env[node.id] = value.item() if weak else value
    return env


def outputs(graph, arrays):
    """The graph's outputs (a list) for input arrays by node id, without domain checks: what a training loop
    or an evaluation asks many times, so a graph's second call runs as one generated function."""
    plan = _plan(graph, arrays)
    generated = plan.generated() if len(arrays) == len(plan.inputs) else None
    if generated is None:
        env = run(graph, arrays, check=False)
        return [env[k] for k in plan.outputs]
    with np.errstate(all="ignore"):
        return generated(*[arrays[k] for k in plan.inputs])


def check_differentiable(graph, arrays):
    """Values of every node by id (see ``run``), after checking the domains of the values and derivatives."""
    env = run(graph, arrays)
    check_derivatives(graph, env)
    return env


def evaluate(graph, values, check=True):
    """The outputs of ``graph`` for input ``values`` (a dict by input name), as arrays."""
    env = run(graph, bind(graph, values), check=check)
    return [np.asarray(env[o.id], dtype=o.dtype) for o in graph.outputs]   # a weak scalar too


def call(graph, *args, **values):
    """``graph(*args, **values)``: the outputs for values given in input order or by name; one output gives
    an array, several a tuple."""
    out = evaluate(graph, dict(zip(graph.input_names, args), **values))
    return out[0] if len(out) == 1 else out


Graph.__call__ = call   # the IR does not import its interpreter: the interpreter installs itself
