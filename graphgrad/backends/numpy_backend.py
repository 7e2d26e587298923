"""The NumPy interpreter: runs a graph node by node, the reference every backend must match.

It checks each primitive's domain before applying it, so a log of a negative
number is reported as "ln of ... at node v3", not as a silent NaN.
"""
import numpy as np

from ..errors import DomainError, InputValueError, MissingInputError, ShapeError, UnknownNameError
from ..graph import shapes
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


def check_domain(graph, node, args):
    """Raise DomainError if any argument lies outside the primitive's domain."""
    domain = node.op.domain
    if domain is None:
        return
    with np.errstate(all="ignore"):
        inside = np.broadcast_to(domain.check(*args), node.shape)
    if not np.all(inside):
        bad = tuple(int(i) for i in np.unravel_index(np.argmin(inside), inside.shape)) if inside.ndim else ()
        shown = ", ".join(
            f"{graph.label(arg)} = {np.broadcast_to(a, node.shape)[bad]:.6g}" + (f" at index {bad}" if bad else "")
            for arg, a in zip(node.inputs, args) if not arg.is_const)
        raise DomainError(f"{node.op.name} outside its domain at node {definition(graph, node)}: "
                          f"{shown} ({domain.rule})")


def run(graph, arrays, check=True):
    """Values of every node by id, given input arrays by node id."""
    env = dict(arrays)
    for node in graph.nodes:
        if node.id in env:
            continue
        if node.is_const:
            value = node.params["value"]
            # a weak scalar stays a Python float, so NumPy keeps float32 operands in float32 (NEP 50)
            env[node.id] = value.item() if node.params.get("weak") and value.ndim == 0 else value
            continue
        if node.is_input:
            raise MissingInputError(f"no value given for input '{node.name}'")
        args = [env[i.id] for i in node.inputs]
        if check:
            check_domain(graph, node, args)
        with np.errstate(all="ignore"):
            value = node.op.impl(*args, **node.params)
        env[node.id] = np.asarray(value, dtype=node.dtype)
    return env


def evaluate(graph, values, check=True):
    """The outputs of ``graph`` for input ``values`` (a dict by input name), as arrays."""
    env = run(graph, bind(graph, values), check=check)
    return [env[o.id] for o in graph.outputs]
