"""Program strings -> graphs, parsed with Python's ``ast`` so the structure stays as written.

Grammar: statements ``name = expr`` separated by ``;`` or newlines (the last
assignment is the output; a lone expression is allowed too). Expressions use
numbers, names, ``+ - * / ** @ %`` (``^`` also means power), unary minus, one
comparison (``a < b``), the constants ``pi`` and ``e``, the functions in
``FUNCTIONS`` (graphgrad's own and NumPy's names of the ops in the NumPy table:
``arctan2(y, x)``, ``logsumexp(x, axis=1)``) and indexing with a constant key
(``x[0]``, ``x[:, 1:3]``, ``x[..., None]``, ``x[[0, 2]]``). Nothing else is
accepted and the text is never passed to ``eval`` or ``sympify``.
"""
import ast
import math

import numpy as np

from .. import ops
from ..ops.numpy_dispatch import NUMPY
from ..errors import GraphgradError, ParseError, UnknownNameError
from ..graph import Graph

FUNCTIONS = {getattr(f, "__name__", ""): op for f, op in NUMPY.items()}
FUNCTIONS.update({
    "ln": ops.ln, "log": ops.log, "exp": ops.exp, "sin": ops.sin, "cos": ops.cos, "tan": ops.tan,
    "tanh": ops.tanh, "sigmoid": ops.sigmoid, "relu": ops.relu, "sqrt": ops.sqrt, "abs": ops.abs,
    "sum": ops.sum, "mean": ops.mean, "max": ops.max, "softmax": ops.softmax,
    "log_softmax": ops.log_softmax, "transpose": ops.transpose, "reshape": ops.reshape,
    "logsumexp": ops.logsumexp, "norm": ops.norm, "softplus": ops.softplus,
})
CONSTANTS = {"pi": math.pi, "e": math.e}
BINARY = {ast.Add: ops.add, ast.Sub: ops.sub, ast.Mult: ops.mul, ast.Div: ops.div,
          ast.Pow: ops.pow, ast.MatMult: ops.matmul, ast.Mod: ops.mod}
COMPARE = {ast.Lt: ops.lt, ast.LtE: ops.le, ast.Gt: ops.gt, ast.GtE: ops.ge, ast.Eq: ops.eq, ast.NotEq: ops.ne}
KEYWORDS = {"axis", "keepdims", "axes", "shape", "k", "offset", "ddof", "ord", "decimals"}


def _where(src, node):
    """' at line 1, column 7 (`foo(x)`)' for an ast node."""
    segment = ast.get_source_segment(src, node) or ""
    if len(segment) > 60:
        segment = segment[:57] + "..."
    return f" at line {node.lineno}, column {node.col_offset + 1}" + (f": `{segment}`" if segment else "")


class _Builder:
    """Walks the statements once, turning each expression into nodes."""

    def __init__(self, src, shapes, dtype):
        self.src, self.shapes, self.dtype = src, shapes or {}, dtype
        self.names = {}      # name -> node, as assigned so far
        self.inputs = []     # free variables in order of first appearance

    def statement(self, stmt):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name in FUNCTIONS or name in CONSTANTS:
                raise ParseError(f"cannot assign to '{name}', it is a built-in name{_where(self.src, stmt)}")
            if any(v.name == name for v in self.inputs):
                raise ParseError(f"cannot assign to '{name}': it is an input of the program, used before"
                                 f"{_where(self.src, stmt)}; choose a new name")
            node = self.expr(stmt.value)
            if node.name is None and not (node.is_input or node.is_const):
                node = node.named(name)
            self.names[name] = node
            return node
        if isinstance(stmt, ast.Expr):
            return self.expr(stmt.value)
        raise ParseError(f"only assignments 'name = expression' and expressions are allowed{_where(self.src, stmt)}")

    def expr(self, node):
        try:
            return self._expr(node)
        except GraphgradError as exc:
            if " at line " in str(exc):
                raise
            raise type(exc)(f"{exc};{_where(self.src, node)}") from None

    def chain(self, node):
        """``a + b - c + ...`` left to right without recursion, so a sum of thousands of terms parses."""
        links = []
        while isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            links.append(node)
            node = node.left
        value = self.expr(node)
        for link in reversed(links):
            right = self.expr(link.right)
            try:
                value = BINARY[type(link.op)](value, right)
            except GraphgradError as exc:
                raise type(exc)(f"{exc};{_where(self.src, link)}") from None
        return value

    def _expr(self, node):
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return self.chain(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE:
            return COMPARE[type(node.ops[0])](self.expr(node.left), self.expr(node.comparators[0]))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.expr(node.operand)
            return ops.neg(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise ParseError(f"the number is too large for a float (largest about 1.8e308){_where(self.src, node)}")
            return ops.const(node.value)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return ops.transpose(self.expr(node.value))
        if isinstance(node, ast.Subscript):
            return ops.index(self.expr(node.value), self.key(node.slice))
        raise ParseError(f"unsupported syntax {type(node).__name__}{_where(self.src, node)}")

    def name(self, node):
        if node.id in self.names:
            return self.names[node.id]
        if node.id in CONSTANTS:
            return ops.const(CONSTANTS[node.id])
        if node.id in FUNCTIONS:
            raise ParseError(f"'{node.id}' is a function; call it as {node.id}(...){_where(self.src, node)}")
        var = ops.input(node.id, self.shapes.get(node.id, ()), self.dtype)
        self.names[node.id] = var
        self.inputs.append(var)
        return var

    def call(self, node):
        if not isinstance(node.func, ast.Name):
            raise ParseError(f"only calls of named functions are allowed{_where(self.src, node)}")
        fname = node.func.id
        if fname not in FUNCTIONS:
            raise UnknownNameError(f"unknown function '{fname}'{_where(self.src, node)}; "
                                   f"known functions: {', '.join(sorted(FUNCTIONS))}")
        if not node.args:
            raise ParseError(f"{fname}() needs an argument{_where(self.src, node)}")
        args = [self.expr(node.args[0])] + [self.argument(a) for a in node.args[1:]]
        kwargs = {}
        for kw in node.keywords:
            if kw.arg not in KEYWORDS:
                raise ParseError(f"unknown keyword '{kw.arg}' for {fname}{_where(self.src, kw.value)}")
            kwargs[kw.arg] = self.literal(kw.value)
        if fname == "reshape" and len(args) > 2:
            args = [args[0], tuple(args[1:])]
        try:
            return FUNCTIONS[fname](*args, **kwargs)
        except TypeError as exc:
            raise ParseError(f"wrong arguments for {fname}: {exc}{_where(self.src, node)}") from None

    def argument(self, node):
        """A later argument of a call: a number or tuple as written (an axis, a shape, a bound), else an
        expression (the second operand of ``arctan2(y, x)``)."""
        try:
            return self.literal(node)
        except ParseError:
            return self.expr(node)

    def key(self, node):
        """An index as written: whole numbers, slices of them, None, ``...``, lists of whole numbers."""
        if isinstance(node, ast.Tuple):
            return tuple(self.key(e) for e in node.elts)
        if isinstance(node, ast.Slice):
            return slice(*(None if part is None else self.whole(part) for part in (node.lower, node.upper, node.step)))
        if isinstance(node, ast.Constant) and (node.value is None or node.value is Ellipsis):
            return node.value
        return self.whole(node)

    def whole(self, node):
        """A whole number, or a tuple or list of them (an index)."""
        try:
            value = self.literal(node)
        except ParseError:
            value = None
        if value is None or any(isinstance(v, float) for v in np.ravel(value)):
            raise ParseError(f"expected a whole number or a tuple of them{_where(self.src, node)}")
        return value

    def literal(self, node):
        """A number, or a tuple of them (axes, shapes and bounds are not computed)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.literal(node.operand)
        if isinstance(node, (ast.Tuple, ast.List)):
            return tuple(self.literal(e) for e in node.elts)
        raise ParseError(f"expected a number or a tuple of them{_where(self.src, node)}")


def _power_carets(src):
    """The program with ``^`` written ``**``: Python's ``^`` binds looser than ``+``, and ``x^2 + 1`` means x² + 1."""
    return src.strip().replace("^", "**")


def parse(src, shapes=None, dtype=np.float64):
    """The graph of a program string; inputs are scalars unless ``shapes`` says otherwise."""
    if not isinstance(src, str):
        raise ParseError(f"a program is a string such as 'J = 3*(a*b + c)', got {type(src).__name__} {src!r}")
    if not src.strip():
        raise ParseError("empty program: write an expression such as 'J = 3*(a*b + c)'")
    try:
        text = _power_carets(src)
        tree = ast.parse(text, mode="exec")
        builder = _Builder(text, shapes, dtype)
        out = None
        for stmt in tree.body:
            out = builder.statement(stmt)
    except SyntaxError as exc:
        near = f" in `{exc.text.strip()}`" if exc.text else ""
        raise ParseError(f"syntax error at line {exc.lineno}, column {exc.offset}: {exc.msg}{near}") from None
    except (RecursionError, MemoryError):
        raise ParseError("the expression is nested too deeply to parse; split it into several "
                         "statements (u = ...; v = u + ...)") from None
    if out is None:
        raise ParseError("the program has no statement")
    unknown = set(builder.shapes) - {v.name for v in builder.inputs}
    if unknown:
        raise UnknownNameError(f"unknown variable '{sorted(unknown)[0]}': the program's inputs are "
                               f"{', '.join(v.name for v in builder.inputs) or 'none'}")
    return Graph([out], builder.inputs, source=src.strip())


def output_name(src):
    """The name the program's last statement assigns (``y`` of ``u = a*b; y = u``), or None.

    ``y = x`` makes no new node, so the graph's output is the input ``x``; this is
    how its result is still called ``y``.
    """
    try:
        body = ast.parse(_power_carets(src), mode="exec").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    last = body[-1] if body else None
    if isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name):
        return last.targets[0].id
    return None
