"""How nodes are written: SSA listings (``v2 = v-1·v0``) and inline expressions, as text or LaTeX.

The notation of each primitive is its ``text``/``latex`` template; this module
only fills in names or values and adds parentheses by precedence.
"""
import re
import unicodedata

import numpy as np

LEAF = 100  # precedence of a name or a non-negative number: never needs brackets


def number(value, digits=6):
    """A number as people write it: 3, 0.5, 11.6521 (``digits`` significant digits)."""
    value = np.asarray(value)
    if value.ndim:
        return _one_line(np.array2string(value, precision=digits, separator=", ", suppress_small=True))
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.{digits}g}"


def decimals(value, places=3):
    """A number rounded as textbooks print traces: 11.652, 5.5, -0.284, 1 (``places`` decimals)."""
    value = np.asarray(value)
    if value.ndim:
        return _one_line(np.array2string(np.round(value, places), separator=", ", suppress_small=True))
    if abs(float(value)) >= 1e15:   # no 300-digit rows: large numbers in exponent form
        return f"{float(value):.{max(places, 1)}e}"
    text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _one_line(text):
    return " ".join(text.split())


_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_NAME = re.compile(r"(?<!\w)([A-Za-z]+)(\u0304?)(-?\d+)(?![\w.])")


def subscript(text):
    """``v-1 + x2`` -> ``v₋₁ + x₂`` (a name's trailing number as a subscript; plain numbers stay)."""
    return _NAME.sub(lambda m: m.group(1) + m.group(2) + m.group(3).translate(_SUB), text)


def compact(value, places=3):
    """A value as a picture shows it: ``places`` decimals; arrays up to 6 items, else shape and range."""
    value = np.asarray(value)
    if value.ndim == 0:
        return decimals(value, places)
    if value.size <= 6:
        return "[" + ", ".join(compact(v, places) for v in value.ravel()) + "]" if value.ndim == 1 else \
            "[" + ", ".join(compact(row, places) for row in value) + "]"
    return f"{'×'.join(str(d) for d in value.shape)} in [{compact(value.min(), places)}, {compact(value.max(), places)}]"


GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
         "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta",
         "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"}


def split_name(name):
    """A name and its number: ``v-1`` -> (``v``, ``-1``), ``x12`` -> (``x``, ``12``), ``phi`` -> (``phi``, ``""``)."""
    head = name.rstrip("0123456789").rstrip("-")
    return head, name[len(head):]


_TEX_SPECIAL = {c: "\\" + c for c in "#%&_{}"} | {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}",
                                                 "$": r"{\char36}", "<": r"$<$", ">": r"$>$"}
_PLAIN_NAME = re.compile(r"[A-Za-z]*[\u0304\u0307]?(-?[0-9]+)?")


def latex_text(text):
    """``text`` for LaTeX text mode, its special characters escaped (``a_b & c`` -> ``a\\_b \\& c``)."""
    return "".join(_TEX_SPECIAL.get(c, c) for c in str(text))


def latex_name(name):
    """A name in LaTeX: ``v-1`` -> ``v_{-1}``, ``x1`` -> ``x_{1}``, ``v̄0`` -> ``\\bar{v}_{0}``, ``phi`` -> ``\\phi``.

    Any other name (``dense_1/kernel``, ``a<b``) is set upright as text, its special characters escaped.
    """
    marks = {"\u0304": r"\bar", "\u0307": r"\dot"}
    name = unicodedata.normalize("NFD", name)
    plain = _PLAIN_NAME.fullmatch(name)
    head, tail = split_name(name) if plain else ("".join(c for c in name if c not in marks), "")
    mark = next((marks[c] for c in name if c in marks), None)
    if plain and mark:
        head = head[:-1]
    if not plain:
        head = rf"\textrm{{{latex_text(head)}}}"
    elif head in GREEK:
        head = "\\" + head
    if mark:
        head = f"{mark}{{{head}}}"
    return f"{head}_{{{tail}}}" if head and tail else head


BAR, DOT = "\u0304", "\u0307"  # combining macron and dot above: adjoint and tangent


def _marked(name, mark):
    """``name`` with ``mark`` over the last letter before its number: v-1 -> v̄-1, phi -> phī (NFC)."""
    head, tail = split_name(name)
    if not head:
        head, tail = name, ""
    return unicodedata.normalize("NFC", head + mark + tail)


def bar(name):
    """The adjoint's name: v0 -> v̄0, a -> ā, phi -> phī."""
    return _marked(name, BAR)


def dot(name):
    """The tangent's name: v0 -> v̇0."""
    return _marked(name, DOT)


def term(text, value_sign=1):
    """A leaf for ``fill``: its text and precedence (a negative number needs brackets)."""
    return text, (LEAF if value_sign >= 0 else 0)


def _grouped(template, k, style):
    """Whether the template itself delimits argument k: ``\\frac{..}``, ``\\sqrt{..}``, ``f(.., ..)``."""
    if style == "latex" and "{{{%d}}}" % k in template:
        return True
    return re.search(r"[(,] ?\{%d\}[,)]" % k, template) is not None


def fill(node, args, style="text"):
    """The node's template filled with ``args`` (text, precedence) pairs, bracketed as needed;
    ``{operands}`` in a template stands for all of them, comma-separated (concatenate, einsum)."""
    template = node.op.latex if style == "latex" else node.op.text
    params = {k: v for k, v in node.params.items() if k != "value"}
    wrapped = []
    for k, (text, prec) in enumerate(args):
        # a right operand at equal precedence needs brackets: a - (b - c), a/(b·c)
        tight = prec < node.op.precedence or (k > 0 and prec == node.op.precedence)
        if _grouped(template, k, style):
            tight = False
        if _argument(template, k) or _argument(template, "operands"):  # max(a, b + 1), concatenate(a, b)
            tight = False
        wrapped.append((f"\\left({text}\\right)" if style == "latex" else f"({text})") if tight else text)
    return template.format(*wrapped, operands=", ".join(wrapped), **params)


def _argument(template, field):
    """Whether ``template`` writes ``{field}`` as a whole argument, between ( or , and ) or ,."""
    at = template.find("{%s}" % field)
    if at < 0:
        return False
    before = template[:at].rstrip()[-1:]
    after = template[at + len(str(field)) + 2:].lstrip()[:1]
    return before in ("(", ",") and after in (")", ",")


def const_term(node, style="text", digits=6):
    value = node.params["value"]
    return term(number(value, digits), float(np.min(value)) if np.size(value) else 0)


def vname(graph, node):
    """Baydin's name of a node (``v-1``, ``v3``); a constant has none."""
    return graph.vnames.get(node.id, graph.label(node))


def operation(graph, node, style="text", name=vname):
    """The right-hand side of a node's definition, inputs by name: ``ln v-1``."""
    args = [const_term(i, style) if i.is_const else
            term(latex_name(name(graph, i)) if style == "latex" else name(graph, i)) for i in node.inputs]
    return fill(node, args, style)


def substituted(graph, node, values, places=3, style="text"):
    """The right-hand side with input values in place of names: ``ln 2``, ``0.693 + 10``."""
    args = [const_term(i, style) if i.is_const else
            term(decimals(values[i.id], places), float(np.min(values[i.id])) if np.size(values[i.id]) else 0)
            for i in node.inputs]
    return fill(node, args, style)


def inline(graph, node, style="text", stop=(), name=None):
    """``node`` as one expression; nodes in ``stop`` (and leaves) appear by ``name(node)``."""
    name = name or (lambda n: graph.label(n))
    done = {}
    for n in graph.nodes:
        if n.id in stop and n is not node or n.is_input:
            done[n.id] = term(latex_name(name(n)) if style == "latex" else name(n))
        elif n.is_const:
            done[n.id] = const_term(n, style)
        else:
            done[n.id] = (fill(n, [done[i.id] for i in n.inputs], style), n.op.precedence)
        if n is node:
            break
    return done[node.id][0]


def definition(graph, node):
    """``v3 = ln v-1`` (with the user's name too, when it has one)."""
    own = f" ({node.name})" if node.name and node.name != vname(graph, node) else ""
    return f"{vname(graph, node)}{own} = {operation(graph, node)}"


def program(graph):
    """The graph as an SSA listing, one line per node."""
    lines = [f"{graph.vnames[n.id]} = {n.name}" for n in graph.inputs]
    lines += [definition(graph, n) for n in graph.operations]
    lines += [f"output {graph.label(o)}" for o in graph.outputs]
    return "\n".join(lines)
