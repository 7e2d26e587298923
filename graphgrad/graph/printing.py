"""How nodes are written: SSA listings (``v2 = v-1·v0``) and inline expressions, as text or LaTeX.

The notation of each primitive is its ``text``/``latex`` template; this module
only fills in names and adds parentheses by precedence.
"""
import numpy as np


def number(value, digits=6):
    """A number as people write it: 3, 0.5, 11.6521 (``digits`` significant digits)."""
    value = np.asarray(value)
    if value.ndim:
        return np.array2string(value, precision=digits, separator=", ", suppress_small=True)
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.{digits}g}"


def latex_name(name):
    """``v-1`` -> ``v_{-1}``, ``x1`` -> ``x_{1}``, other names unchanged."""
    head = name.rstrip("0123456789").rstrip("-")
    tail = name[len(head):]
    return f"{head}_{{{tail}}}" if head and tail else name


def _leaf(node, label, style):
    if node.is_const:
        return number(node.params["value"]), 100 if float(np.min(node.params["value"])) >= 0 else 0
    name = label(node)
    return (latex_name(name) if style == "latex" else name), 100


def _apply_template(node, args, style):
    template = node.op.latex if style == "latex" else node.op.text
    params = {k: v for k, v in node.params.items() if k not in ("value",)}
    wrapped = []
    for k, (text, prec) in enumerate(args):
        # right operands of - and / need brackets at equal precedence: a - (b - c)
        tight = prec < node.op.precedence or (k > 0 and prec == node.op.precedence)
        if style == "latex" and node.op.name == "div":
            tight = False
        wrapped.append(f"\\left({text}\\right)" if tight and style == "latex" else f"({text})" if tight else text)
    return template.format(*wrapped, **params)


def inline(graph, node, style="text", stop=None):
    """``node`` as one expression; nodes in ``stop`` (and leaves) appear by name."""
    label = graph.label
    stop = stop or set()
    done = {}
    for n in graph.nodes:
        if n.is_input or n.is_const or (n.id in stop and n is not node):
            done[n.id] = _leaf(n, label, style)
        else:
            done[n.id] = (_apply_template(n, [done[i.id] for i in n.inputs], style), n.op.precedence)
        if n is node:
            break
    return done[node.id][0]


def operation(graph, node, style="text"):
    """The right-hand side of a node's definition, its inputs by name: ``ln v-1``."""
    args = [_named(graph, i, style) for i in node.inputs]
    return _apply_template(node, args, style)


def _named(graph, node, style):
    if node.is_const:
        return _leaf(node, graph.label, style)
    name = graph.vnames.get(node.id, graph.label(node))
    return (latex_name(name) if style == "latex" else name), 100


def definition(graph, node):
    """``v3 = ln v-1`` (with the user's name too, when it has one)."""
    name = graph.vnames.get(node.id, graph.label(node))
    own = f" ({node.name})" if node.name and node.name != name else ""
    return f"{name}{own} = {operation(graph, node)}"


def program(graph):
    """The graph as an SSA listing, one line per node."""
    lines = [f"{graph.vnames[n.id]} = {n.name}" for n in graph.inputs]
    lines += [definition(graph, n) for n in graph.operations]
    lines += [f"output {graph.label(o)}" for o in graph.outputs]
    return "\n".join(lines)
