"""Program strings -> graphs, parsed with Python's ``ast`` so the structure stays as written.

Grammar: statements ``name = expr`` separated by ``;`` or newlines (the last
assignment is the output; a lone expression is allowed too). Expressions use
numbers, names, ``+ - * / ** @ %`` (``^`` also means power), unary minus, one
comparison (``a < b``), the constants ``pi`` and ``e``, the functions in
``FUNCTIONS`` (graphgrad's own and NumPy's names of the ops in the NumPy table:
``arctan2(y, x)``, ``logsumexp(x, axis=1)``) and indexing with a constant key
(``x[0]``, ``x[:, 1:3]``, ``x[..., None]``, ``x[[0, 2]]``). Nothing else is
accepted and the text is never passed to ``eval`` or ``sympify``.

Products may be written as on a slide: ``2x``, ``3(ab + c)``, ``x(y + 1)``,
``(a + b)(a - b)``, and ``ab`` for a·b when a and b are the program's
single-letter inputs. Where that is a guess (``ab`` when a or b is not an input
of its own, ``f(x)`` when f is not), a NotationWarning says which reading was
taken; where no reading is safe (``sinx``), a ParseError asks for ``*``.
"""
import ast
import math
import warnings

import numpy as np

from .. import ops
from ..ops.numpy_dispatch import NUMPY
from ..errors import GraphgradError, NotationWarning, ParseError, UnknownNameError
from ..graph import Graph
from .notation import Source

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


class _Builder:
    """Walks the statements once, turning each expression into nodes."""

    def __init__(self, source, tree, shapes, dtype):
        self.source, self.shapes, self.dtype = source, shapes or {}, dtype
        self.names = {}      # name -> node, as assigned so far
        self.inputs = []     # free variables in order of first appearance
        heads = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        # names written as values (not as the head of a call), and the inputs the caller gives values
        self.written = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in heads}
        self.written |= set(self.shapes)
        self.slide = source.implied or any(_juxtaposed(n) for n in ast.walk(tree))

    def statement(self, stmt):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name in FUNCTIONS or name in CONSTANTS:
                raise ParseError(f"cannot assign to '{name}', it is a built-in name{self.source.where(stmt)}")
            if any(v.name == name for v in self.inputs):
                raise ParseError(f"cannot assign to '{name}': it is an input of the program, used before"
                                 f"{self.source.where(stmt)}; choose a new name")
            node = self.expr(stmt.value)
            if node.name is None and not (node.is_input or node.is_const):
                node = node.named(name)
            self.names[name] = node
            return node
        if isinstance(stmt, ast.Expr):
            return self.expr(stmt.value)
        raise ParseError(f"only assignments 'name = expression' and expressions are allowed{self.source.where(stmt)}")

    def expr(self, node):
        try:
            return self._expr(node)
        except GraphgradError as exc:
            if " at line " in str(exc):
                raise
            raise type(exc)(f"{exc};{self.source.where(node)}") from None

    def chain(self, node):
        """``a + b - c + ...`` left to right without recursion, so a sum of thousands of terms parses."""
        links = []
        while isinstance(node, ast.BinOp) and type(node.op) in BINARY and not _raised_product(node):
            links.append(node)
            node = node.left
        value = self.expr(node)
        for link in reversed(links):
            right = self.expr(link.right)
            try:
                value = BINARY[type(link.op)](value, right)
            except GraphgradError as exc:
                raise type(exc)(f"{exc};{self.source.where(link)}") from None
        return value

    def _expr(self, node):
        if _raised_product(node):   # 3(x)^2 is 3·x², where Python's call binds before the power: (3·x)²
            return ops.mul(self.factor(node.left), ops.pow(self.expr(node.left.args[0]), self.expr(node.right)))
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return self.chain(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE:
            return COMPARE[type(node.ops[0])](self.expr(node.left), self.expr(node.comparators[0]))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.expr(node.operand)
            return ops.neg(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise ParseError("the number is too large for a float (largest about 1.8e308)"
                                 + self.source.where(node))
            return ops.const(node.value)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return ops.transpose(self.expr(node.value))
        if isinstance(node, ast.Subscript):
            return ops.index(self.expr(node.value), self.key(node.slice))
        raise ParseError(f"unsupported syntax {type(node).__name__}{self.source.where(node)}")

    def name(self, node):
        if node.id in self.names:
            return self.names[node.id]
        if node.id in CONSTANTS:
            return ops.const(CONSTANTS[node.id])
        if node.id in FUNCTIONS:
            raise ParseError(f"'{node.id}' is a function; call it as {node.id}(...){self.source.where(node)}")
        letters = self.letters(node)
        if letters:
            product = self.variable(letters[0])
            for letter in letters[1:]:
                product = ops.mul(product, self.variable(letter))
            return product
        return self.variable(node.id)

    def variable(self, name):
        """The input called ``name``, made on its first use."""
        if name not in self.names:
            var = ops.input(name, self.shapes.get(name, ()), self.dtype)
            self.names[name] = var
            self.inputs.append(var)
        return self.names[name]

    def is_value(self, name):
        """Whether ``name`` is a value of the program (written as one, assigned or given a value), not a constant."""
        return (name in self.names or name in self.written) and name not in CONSTANTS and name not in FUNCTIONS

    def letters(self, node):
        """The letters of a name such as ``ab`` when it means the product a·b, else None (one name).

        It does when every letter is an input of the program; in a program written in slide notation
        (``3(ab + c)``) it does too, with a NotationWarning, unless the name holds a constant or a function.
        """
        name = node.id
        if len(name) < 2 or not name.isalpha() or name in self.shapes:
            return None
        if all(self.is_value(letter) for letter in name):
            return list(name)
        if not self.slide:
            return None
        held = next((f for f in (*FUNCTIONS, *CONSTANTS) if f in name), None)
        if held:
            raise ParseError(f"'{name}' is one name, or a product of its letters, or holds '{held}'"
                             f"{self.source.where(node)}: write the product with * (e.g. {'*'.join(name)})")
        warnings.warn(f"read '{name}' as {'·'.join(name)}{self.source.where(node)}: write {'*'.join(name)} to say "
                      f"so, or give '{name}' a value to make it one name", NotationWarning, stacklevel=2)
        return list(name)

    def call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            return self.function(node)
        return ops.mul(self.factor(node), self.expr(node.args[0]))

    def factor(self, node):
        """The value before the brackets of a product written as on a slide: 3 of ``3(ab + c)``, x of ``x(y + 1)``.

        A name that is no value of the program (``foo(x)``) is an unknown function; a single letter that
        is none either (``f(x)``) is read as a product, with a NotationWarning.
        """
        head = node.func
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            raise ParseError(f"only calls of named functions are allowed{self.source.where(node)}; "
                             f"a product is a value times one bracketed factor, or write *")
        if isinstance(head, ast.Name) and not (self.is_value(head.id) or head.id in CONSTANTS):
            if len(head.id) > 1 and not all(self.is_value(letter) for letter in head.id):
                raise UnknownNameError(f"unknown function '{head.id}'{self.source.where(node)}; known functions: "
                                       f"{', '.join(sorted(FUNCTIONS))}; write {head.id}*(...) for a product")
            if len(head.id) == 1:
                warnings.warn(f"read '{self.source.segment(node)}' as a product{self.source.where(node)}: write "
                              f"{head.id}*(...) to say so; {head.id} is no function", NotationWarning, stacklevel=2)
        return self.expr(head)

    def function(self, node):
        """A call of one of the FUNCTIONS: ``sin(x)``, ``sum(x, axis=0)``, ``arctan2(y, x)``."""
        fname = node.func.id
        if not node.args:
            raise ParseError(f"{fname}() needs an argument{self.source.where(node)}")
        args = [self.expr(node.args[0])] + [self.argument(a) for a in node.args[1:]]
        kwargs = {}
        for kw in node.keywords:
            if kw.arg not in KEYWORDS:
                raise ParseError(f"unknown keyword '{kw.arg}' for {fname}{self.source.where(kw.value)}")
            kwargs[kw.arg] = self.literal(kw.value)
        if fname == "reshape" and len(args) > 2:
            args = [args[0], tuple(args[1:])]
        try:
            return FUNCTIONS[fname](*args, **kwargs)
        except TypeError as exc:
            raise ParseError(f"wrong arguments for {fname}: {exc}{self.source.where(node)}") from None

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
            raise ParseError(f"expected a whole number or a tuple of them{self.source.where(node)}")
        return value

    def literal(self, node):
        """A number, or a tuple of them (axes, shapes and bounds are not computed)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.literal(node.operand)
        if isinstance(node, (ast.Tuple, ast.List)):
            return tuple(self.literal(e) for e in node.elts)
        raise ParseError(f"expected a number or a tuple of them{self.source.where(node)}")


def _juxtaposed(node):
    """Whether ``node`` is a product written as on a slide: a call of something that is not a function."""
    return isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS)


def _raised_product(node):
    """Whether ``node`` is ``3(x)^2``: a slide product raised to a power."""
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and _juxtaposed(node.left)


def parse(src, shapes=None, dtype=np.float64):
    """The graph of a program string; inputs are scalars unless ``shapes`` says otherwise."""
    if not isinstance(src, str):
        raise ParseError(f"a program is a string such as 'J = 3*(a*b + c)', got {type(src).__name__} {src!r}")
    if not src.strip():
        raise ParseError("empty program: write an expression such as 'J = 3*(a*b + c)'")
    source = Source(src)
    try:
        tree = ast.parse(source.text, mode="exec")
        builder = _Builder(source, tree, shapes, dtype)
        out = None
        for stmt in tree.body:
            out = builder.statement(stmt)
    except SyntaxError as exc:
        raise ParseError(source.syntax_error(exc)) from None
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
        body = ast.parse(Source(src).text, mode="exec").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    last = body[-1] if body else None
    if isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name):
        return last.targets[0].id
    return None
