"""Code generation: a planned graph becomes readable Python source for ``numba.njit``.

How a primitive is computed is read from its declaration (``Primitive``): one
element of a pointwise primitive from its ``scalar`` template or the NumPy
function its ``impl`` is, a reduction's accumulator from its ``fold``, and any
other primitive by the routine its ``lowering`` names (``ROUTINES``); the
primitives import nothing of this. Values live as described in ``buffers``:
0-d values in local variables, arrays as flat C-ordered slices, so every index is plain
arithmetic with constant strides. Elementwise chains (``fused`` nodes) are one
loop; reductions are loops with an accumulator; matrix products are BLAS
calls (``runtime.gemm``, given the flat arrays and the sizes) when large, and
plain loops when small, where a BLAS call would cost more than the arithmetic.
"""
import json
import re

import numpy as np

from ..errors import GraphgradError
from ..graph.primitive import operand_dtype
from ..ops.windows import helper_geometry
from .buffers import is_scalar
from .sizes import Size, Sizes, prod

BLAS_MIN = 4096          # multiply-adds from which a matrix product calls BLAS
UNROLL = 4               # a small product's inner sum up to this length is written out, not looped
PARALLEL_MIN = 65536     # elements from which an elementwise loop runs with prange (when parallel)


class CompileError(GraphgradError):
    """A graph the Numba backend cannot compile (the message names the node and why)."""


class NoLowering(CompileError):
    """A primitive declares no way to be compiled (``Primitive``: scalar, fold, lowering); ``compile`` runs
    such a graph on the NumPy interpreter instead."""


class Lines:
    """Python source lines with indentation."""

    def __init__(self, depth=0):
        self.lines, self.depth = [], depth

    def __call__(self, text):
        self.lines.append("    " * self.depth + text)

    def indent(self, header):
        self(header)
        self.depth += 1

    def dedent(self, times=1):
        self.depth -= times


def strides(shape):
    """C-order strides of ``shape``, in elements."""
    out, step = [], 1
    for d in reversed(shape):
        out.append(step)
        step *= d
    return tuple(reversed(out))


def flat_index(shape, domain, index):
    """The flat index into an array of ``shape`` read at ``index`` (one name per domain axis), broadcasting.
    ``shape`` is as the source writes it (``Writer.shape``)."""
    lead = len(domain) - len(shape)
    terms = []
    for k, (size, stride) in enumerate(zip(shape, strides(shape))):
        if size == 1:
            continue
        name = index[k + lead]
        terms.append(name if stride == 1 else f"{name} * {stride}")
    return " + ".join(terms) or "0"


def dtype_name(dtype):
    return f"np.{np.dtype(dtype).name}"


def literal(value):
    value = float(value)
    if np.isnan(value):
        return "np.nan"
    if np.isinf(value):
        return "np.inf" if value > 0 else "-np.inf"
    return repr(value)


def identifier(text):
    """An ASCII Python identifier made from a node's name: ``dense_1/kernel`` -> ``dense_1_kernel``.

    ASCII only: Python folds some Unicode letters together (NFKC), which could make two names one variable.
    """
    name = re.sub(r"[^0-9A-Za-z_]", "_", text.replace("-", "m"))
    return name if name and not name[0].isdigit() else f"n_{name}"


def source_text(text):
    """``text`` (holding names, which are data) safe inside a comment, docstring or string literal of generated
    code: quotes, backslashes and line breaks escaped, so no name can end the text and become code."""
    return json.dumps(str(text), ensure_ascii=False)[1:-1]


# --- one element: a pointwise primitive's declared form (``Primitive.scalar``) ---------------------

class Typed:
    """``{k[1]}`` in a ``scalar`` template: the number as a constant of the node's dtype
    (``Writer.typed_constants``), so float32 loops stay in float32."""

    def __init__(self, constant):
        self.constant = constant

    def __getitem__(self, number):
        return self.constant(float(number))


def scalar_template(op):
    """How ``op`` computes one element: its declared ``scalar`` template, else the NumPy function its
    ``impl`` is, by name (Numba compiles NumPy's ufuncs for one element); None when it has neither."""
    if op.scalar:
        return op.scalar
    name = getattr(op.impl, "__name__", "")
    return f"np.{name}({{operands}})" if op.pointwise and getattr(np, name, None) is op.impl else None


def one_element(op, args, constant, params=None):
    """The expression computing one element of ``op`` from its operands' expressions ``args``; ``constant``
    names a number as a constant of the result's dtype."""
    return scalar_template(op).format(*args, operands=", ".join(args), k=Typed(constant), **(params or {}))


class Writer:
    """Emits the statements computing a graph's nodes, given where each value lives."""

    def __init__(self, graph, plan, names, parallel=False, schedule=None, sizes=None):
        from .schedule import Schedule
        self.graph, self.plan, self.names, self.parallel = graph, plan, names, parallel
        self.sizes = sizes or Sizes()    # how sizes are written: names bound from ``dims``
        self.schedule = schedule or Schedule(list(graph.nodes), [])
        self.local = {}          # node id -> its element's expression inside the loop being written
        self.merged = {}         # node id -> its shape with the loop's merged axes (``_merged_axes``)
        self.constants = {}      # (dtype, value) -> local name, defined at the top of the function
        self.arrays = {}         # node id -> global name of a constant array
        self.tables = {}         # global name -> int64 array of positions (the gathers of index arrays)
        self.out = Lines(1)
        self.starts = {}         # node id -> index of its first line in the body

    # --- names ------------------------------------------------------------------------------
    def shape(self, node_or_shape):
        """A node's shape (or a shape) as the source writes it: sizes as names (see ``sizes``)."""
        return self.sizes.shape(getattr(node_or_shape, "shape", node_or_shape))

    def size(self, node):
        return prod(self.shape(node))

    def number(self, dtype, value):
        """``value`` (a count, maybe a Size) as a number of ``dtype`` in the source."""
        return f"{dtype_name(dtype)}({value})" if isinstance(value, Size) else self.typed_constants(dtype)(value)

    def var(self, node):
        """The variable holding ``node``: a scalar, or the flat array it lives in (views resolved)."""
        root = self.plan.alias.get(node.id, node.id)
        if node.is_const and not is_scalar(node):
            return self.array_constant(node)
        return self.names[root]

    def temp(self, node):
        """The stem of the temporaries of ``node``'s loop: its Baydin name (v7 -> v7_0, v7_1, ...)."""
        return identifier(self.graph.vnames.get(node.id, f"n{node.id}"))

    def typed_constants(self, dtype):
        """A function naming a number as a constant of ``dtype``, defined once at the top of the function."""
        def name(number):
            key = (np.dtype(dtype).name, float(number))
            if key not in self.constants:
                text = literal(number).replace("np.", "").replace("+", "p")
                self.constants[key] = identifier(f"{key[0][0]}{key[0][-2:]}_{text}".replace(".", "_"))
            return self.constants[key]
        return name

    def array_constant(self, node):
        if node.id not in self.arrays:
            self.arrays[node.id] = f"C{len(self.arrays)}"
        return self.arrays[node.id]

    def table(self, positions):
        """The global name of a constant int64 array of flat positions (one per element an index array picks)."""
        name = f"T{len(self.tables)}"
        self.tables[name] = positions.ravel()
        return name

    def prelude(self):
        """Typed constants used by the body, as assignments."""
        return [f"    {name} = {dtype_name(dt)}({literal(v)})" for (dt, v), name in self.constants.items()]

    def globals(self):
        """Module-level constant arrays used by the body."""
        by_id = {n.id: n for n in self.graph.nodes}
        lines = []
        for node_id, name in self.arrays.items():
            value = by_id[node_id].params["value"]
            lines.append(f"{name} = np.array({value.ravel().tolist()!r}, dtype={dtype_name(value.dtype)})")
        for name, positions in self.tables.items():
            lines.append(f"{name} = np.array({positions.tolist()!r}, dtype=np.int64)")
        return lines

    def read(self, node, consumer, domain, index):
        """The expression reading ``node`` at ``index`` inside a loop over ``domain``."""
        if node.id in self.local:
            return self.local[node.id]
        if node.is_const and is_scalar(node):
            value = node.params["value"]
            dtype = operand_dtype(consumer.inputs) if node.weak and consumer.inputs else node.dtype
            return self.typed_constants(dtype)(value)
        if is_scalar(node):
            return self.var(node)
        if node.size == 1:
            return f"{self.var(node)}[0]"
        if index is None:
            return f"{self.var(node)}[i]"
        return f"{self.var(node)}[{flat_index(self.merged.get(node.id) or self.shape(node), domain, index)}]"

    # --- the body -----------------------------------------------------------------------------
    def body(self):
        from ..graph.printing import definition
        for node in self.schedule.order:
            if node.is_input or node.is_const:
                continue
            emit = emitter(node.op)
            if emit is None:
                raise NoLowering(f"the numba backend has no code for primitive '{node.op.name}' "
                                 f"(node {self.graph.label(node)})")
            if node.id in self.plan.virtual:
                continue
            group = self.schedule.group_of.get(node.id)
            if group and node is not group[0]:
                self.starts[node.id] = self.starts[group[0].id]   # written in its group's loop
                continue
            self.starts[node.id] = len(self.out.lines)
            for member in group or [node]:
                self.out(f"# {source_text(describe(self.graph, member, definition))}")
            if group:
                self.out("# (one loop)")
                emit_loop(self, group)
            else:
                emit(self, node)
        return self.out.lines

    def store(self, node, value, at):
        """Statement writing ``value`` as ``node``'s element ``at`` (or as the scalar itself)."""
        if is_scalar(node):
            return f"{self.var(node)} = {dtype_name(node.dtype)}({value})"
        return f"{self.var(node)}[{at}] = {value}"

    def loops(self, domain, flat, parallel=True):
        """Open loops over ``domain``; return the index names (None for one flat index ``i``) and depth.

        Axes of extent 1 get no loop (no operand is indexed along them), which keeps
        the generated code, and so Numba's compile time, small; an axis of extent 0 gets
        its empty loop, so nothing is written (an empty slice).
        """
        size = prod(domain)
        rng = "prange" if parallel and self.parallel and size >= PARALLEL_MIN else "range"
        if flat and size == 1:
            self.out("i = 0")
            return None, 0
        if flat:
            self.out.indent(f"for i in {rng}({size}):")
            return None, 1
        index = [f"i{d}" for d in range(len(domain))]
        depth = 0
        for name, extent in zip(index, domain):
            if extent != 1:
                self.out.indent(f"for {name} in {rng if depth == 0 else 'range'}({extent}):")
                depth += 1
        return index, depth

    def elements(self, node, expr, leaves, domain, index):
        """Statements computing one element of ``expr`` (its leaves are ``leaves``); returns its name."""
        bound = {fresh.id: leaf for fresh, leaf in zip(expr.inputs, leaves)}
        value = {}
        for k, inner in enumerate(expr.operations):
            args = []
            for arg in inner.inputs:
                if arg.id in value:
                    args.append(value[arg.id])
                else:
                    args.append(self.read(bound.get(arg.id, arg), inner, domain, index))
            text = one_element(inner.op, args, self.typed_constants(inner.dtype), inner.params)
            name = f"{self.temp(node)}_{k}" if not is_scalar(node) else f"{self.temp(node)}_t{k}"
            self.out(f"{name} = {text}")
            value[inner.id] = name
        root = expr.output
        return value.get(root.id) or self.read(bound.get(root.id, root), node, domain, index)


def describe(graph, node, definition):
    """The comment above a node's code: its definition (``DESCRIBE`` has the compiler's own primitives)."""
    return DESCRIBE.get(node.op.name, definition)(graph, node)


def _describe_fused(graph, node):
    """A fused loop as its expression over operands ``a0, a1, ...``, reduced if it ends in a reduction."""
    from ..graph.printing import inline
    expr = node.params["expr"]
    text = inline(expr, expr.output)
    reduce = node.params["reduce"]
    if reduce:
        text = f"{reduce[0].name}({text}, axis={reduce[1]})"
    args = ", ".join(f"a{k}={graph.label(a)}" for k, a in enumerate(node.inputs))
    return f"{graph.label(node)} = {text}   where {args}" if args else f"{graph.label(node)} = {text}"


DESCRIBE = {"fused": _describe_fused}


# --- emitters: one loop for pointwise primitives and reductions, else the routine a primitive names ------

def _single(node):
    """A one-node expression graph for an unfused elementwise node or reduction."""
    from .fusion import expression
    return expression(node, [node], {i.id: i for i in node.inputs})


def _is_flat(node, leaves, domain):
    size = prod(domain)
    return all(is_scalar(x) or x.size in (1, size) for x in leaves) and len(domain) > 0


def loop_parts(node):
    """``(expr, leaves, reduce)`` of a node computed by a loop: its expression over its operands, and its
    reduction (None for an elementwise loop)."""
    from .fusion import FUSED, reduction_of
    if node.op is FUSED:
        expr, leaves, reduce = node.params["expr"], node.inputs, node.params["reduce"]
    elif node.op.reduction:
        from ..graph import Graph
        from ..ops import input as make_input
        source = node.inputs[0]
        fresh = make_input("a0", source.shape, source.dtype)
        expr, leaves, reduce = Graph([fresh], [fresh]), [source], reduction_of(node)
    else:
        (expr, leaves), reduce = _single(node), None
    if reduce is not None and reduce[0].fold is None:
        raise NoLowering(f"the numba backend has no code for the reduction '{reduce[0].name}' (it declares no fold)")
    if reduce is not None and node.dtype.kind != "f":
        raise CompileError(f"the numba backend reduces floats only, not the {node.dtype} values of "
                           f"{reduce[0].name}")
    missing = [n.op.name for n in expr.operations if scalar_template(n.op) is None]
    if missing:
        raise NoLowering(f"the numba backend has no one-element code for primitive '{missing[0]}'")
    return expr, leaves, reduce


def emit_loop(w, nodes):
    """One loop computing every node of ``nodes`` (a schedule group, or one node) element by element.

    Elementwise nodes store their element and hand it to later nodes of the loop
    as a local; reductions accumulate (into a local for one value, else into
    their array, initialised before the loop and divided after it for a mean;
    through a local over the inner loops that add into one element).
    """
    parts = [(node, *loop_parts(node)) for node in nodes]
    node0, expr0, _, reduce0 = parts[0]
    full = w.shape(expr0.output if reduce0 else node0)
    if not full and reduce0 is None:      # a 0-d elementwise value: one statement
        w.out(w.store(node0, w.elements(node0, expr0, parts[0][2], (), []), None))
        return
    originals, (domain, w.merged, parts) = parts, _merged_axes(w, full, parts)
    into_array = [node for node, _, _, reduce in parts if reduce and node.size != 1]
    for node, _, _, reduce in parts:
        if reduce:
            _reduction_start(w, node, reduce)
    flat = not into_array and all(_is_flat(node, leaves, domain) for node, _, leaves, _ in parts)
    if into_array:
        index, level = _reduction_loops(w, domain, parts, into_array)
    elif domain:
        index, depth = w.loops(domain, flat, parallel=all(reduce is None for *_, reduce in parts))
    else:
        index, depth = [], 0
    at = "i" if flat else flat_index(domain, domain, index)
    for node, expr, leaves, reduce in parts:
        value = w.elements(node, expr, leaves, domain, index)
        if reduce is None:
            w.out(f"{w.var(node)}[{at}] = {value}")
            w.local[node.id] = value
            continue
        if node.size == 1 or level[node.id] < len(domain):
            target = f"{w.temp(node)}_acc"
        else:
            target = f"{w.var(node)}[{_kept_index(domain, reduce, index)}]"
        w.out(f"{target} = {one_element(reduce[0].fold.combine, [target, value], w.typed_constants(node.dtype))}")
    w.local.clear()
    if into_array:
        for d in reversed(range(len(domain))):
            if domain[d] != 1:
                w.out.dedent()
            for node, _, _, reduce in parts:
                if level.get(node.id) == d:
                    w.out(f"{w.var(node)}[{_kept_index(domain, reduce, index)}] = {w.temp(node)}_acc")
    else:
        w.out.dedent(depth)
    w.merged = {}
    for node, expr, _, reduce in originals:
        if reduce:
            _reduction_finish(w, node, reduce, full)


def _merged_axes(w, domain, parts):
    """``(domain, shapes, parts)`` with adjacent axes of ``domain`` merged where every array the loop reads
    (operands and array constants) broadcasts along all of them or none, and every reduction reduces all or
    none: the arrays' shapes so merged (node id -> shape) and the reductions' axes renumbered. One long
    inner loop instead of nested short ones is what LLVM vectorises: a relu with its bias over 6x30x30 maps
    ran 4x faster as one loop of 900 a channel."""
    read = [x for _, expr, leaves, _ in parts for x in (*leaves, *(n for n in expr.nodes if n.is_const))
            if not is_scalar(x) and x.size != 1]
    aligned = [(1,) * (len(domain) - x.ndim) + tuple(w.shape(x)) for x in read]
    reduced = [reduce[1] for *_, reduce in parts if reduce]

    def alike(group):     # axes of extent 1 go either way
        wide = [d for d in group if domain[d] != 1]
        return (all(len({s[d] == 1 for d in wide}) <= 1 for s in aligned) and
                all(len({d in axes for d in wide}) <= 1 for axes in reduced))

    groups = []
    for d in range(len(domain)):
        if groups and alike(groups[-1] + [d]):
            groups[-1].append(d)
        else:
            groups.append([d])
    if len(groups) == len(domain):
        return domain, {}, parts

    def merge(shape):
        full = (1,) * (len(domain) - len(shape)) + tuple(shape)
        return tuple(prod(full[d] for d in group) for group in groups)

    def renumbered(reduce):
        return (reduce[0], tuple(k for k, group in enumerate(groups)
                                 if any(d in reduce[1] and domain[d] != 1 for d in group)), *reduce[2:])
    return (merge(domain), {x.id: merge(w.shape(x)) for x in read},
            [(node, expr, leaves, reduce and renumbered(reduce)) for node, expr, leaves, reduce in parts])


def _kept_index(domain, reduce, index):
    """The flat index of the element a reduction adds the current element into."""
    return flat_index(tuple(1 if d in reduce[1] else s for d, s in enumerate(domain)), domain, index)


def _reduction_loops(w, domain, parts, into_array):
    """Open the loops over ``domain`` for a loop with reductions into arrays; return the index names and, per
    such reduction, the axis from which it reduces every axis (``len(domain)``: it keeps
    the last). The loops from there on add into one element, which stays in a local (loaded before them,
    stored after), not a load and a store per element: a chain through memory that made a bias's gradient
    over a feature map 3x slower."""
    arrays = {node.id for node in into_array}
    level = {}
    for node, _, _, reduce in parts:
        if node.id in arrays:
            first = max((d + 1 for d in range(len(domain)) if d not in reduce[1]), default=0)
            level[node.id] = first if any(domain[d] != 1 for d in range(first, len(domain))) else len(domain)
    index = [f"i{d}" for d in range(len(domain))]
    for d, extent in enumerate(domain):
        for node, _, _, reduce in parts:
            if level.get(node.id) == d:
                w.out(f"{w.temp(node)}_acc = {w.var(node)}[{_kept_index(domain, reduce, index)}]")
        if extent != 1:
            w.out.indent(f"for i{d} in range({extent}):")
    return index, level


def _reduction_start(w, node, reduce):
    """The accumulator of a reduction, set before its loop."""
    start = reduce[0].fold.start
    constant = w.typed_constants(node.dtype)
    if node.size == 1:
        w.out(f"{w.temp(node)}_acc = {'0.0' if start == 0 else constant(start)}")
        return
    w.out.indent(f"for j in range({w.size(node)}):")
    w.out(f"{w.var(node)}[j] = {constant(start)}")
    w.out.dedent()


def _reduction_finish(w, node, reduce, domain):
    """The reduction's value from its accumulator (a mean divides by the count)."""
    mean = reduce[0].fold.mean
    count = prod(domain[a] for a in reduce[1])
    if node.size == 1:
        acc = f"{w.temp(node)}_acc"
        result = f"{acc} / {w.number(np.float64, count)}" if mean else acc
        w.out(w.store(node, result, 0) if is_scalar(node) else f"{w.var(node)}[0] = {result}")
    elif mean and count > 1:
        w.out.indent(f"for j in range({w.size(node)}):")
        w.out(f"{w.var(node)}[j] /= {w.number(node.dtype, count)}")
        w.out.dedent()


def emit_reshape(w, node):
    source = node.inputs[0]
    if node.id in w.plan.alias:
        return
    if is_scalar(node):
        w.out(f"{w.var(node)} = {w.read(source, node, (), [])}")
    else:
        w.out(f"{w.var(node)}[0] = {w.read(source, node, (), [])}")   # a scalar (maybe a constant) as one element


def _operand(w, node):
    """(rows, cols, transposed) of a matmul operand as a matrix (of each one in a batch); a transpose of the
    last two axes is read in place (its input's array holds the operand's transpose)."""
    if node.id in w.plan.virtual:
        rows, cols = w.shape(node.inputs[0])[-2:]
        return cols, rows, True
    rows, cols = w.shape(node)[-2:] if node.ndim >= 2 else (1, w.shape(node)[0])
    return rows, cols, False


def _batch_step(w, node, operand, size):
    """Elements between an operand's consecutive matrices in a batched product: 0 for one matrix read by
    every product, ``size`` for one matrix per product."""
    lead = operand.shape[:-2]
    if all(d == 1 for d in lead):
        return 0
    if tuple(lead) == node.shape[-2 - len(lead):-2] and all(d == 1 for d in node.shape[:-2 - len(lead)]):
        return size
    raise CompileError(f"the numba backend broadcasts a batched product's operands whole; node "
                       f"{w.graph.label(node)} multiplies shapes {node.inputs[0].shape} and {node.inputs[1].shape}")


def emit_batched_matmul(w, node):
    """A product of stacks of matrices (NumPy's batch axes, broadcast whole): one ``gemm`` per matrix."""
    a, b = node.inputs
    if a.ndim < 2 or b.ndim < 2 or len({a.dtype, b.dtype, node.dtype}) > 1 or node.dtype not in (np.float32,
                                                                                                   np.float64):
        raise CompileError(f"the numba backend multiplies stacks of float matrices of one dtype only; node "
                           f"{w.graph.label(node)} multiplies {a.dtype} {a.shape} and {b.dtype} {b.shape}")
    (m, ka, ta), (kb, n, tb) = _operand(w, a), _operand(w, b)
    steps = _batch_step(w, node, a, m * ka), _batch_step(w, node, b, kb * n)
    count = prod(w.shape(node)[:-2])
    w.out(f"batched_gemm({w.var(a)}, {ta}, {steps[0]}, {w.var(b)}, {tb}, {steps[1]}, {w.var(node)}, {count}, "
          f"{m}, {ka}, {n})")


def emit_matmul(w, node):
    a, b = node.inputs
    if a.ndim > 2 or b.ndim > 2:
        emit_batched_matmul(w, node)
        return
    m, ka, ta = _operand(w, a)
    kb, n, tb = (w.shape(b)[0], 1, False) if b.ndim == 1 else _operand(w, b)
    dtypes = {a.dtype, b.dtype, node.dtype}
    if is_scalar(node):
        acc = f"{w.temp(node)}_acc"
        w.out(f"{acc} = 0.0")
        w.out.indent(f"for p in range({ka}):")
        w.out(f"{acc} += {w.var(a)}[p] * {w.var(b)}[p]")
        w.out.dedent()
        w.out(w.store(node, acc, None))
    elif m * ka * n >= BLAS_MIN and len(dtypes) == 1 and node.dtype in (np.float32, np.float64):
        w.out(f"gemm({w.var(a)}, {ta}, {w.var(b)}, {tb}, {w.var(node)}, {m}, {ka}, {n})")
    else:
        ia = (lambda i, p: _linear((p, m), (i, 1))) if ta else (lambda i, p: _linear((i, ka), (p, 1)))
        ib = (lambda p, j: _linear((j, kb), (p, 1))) if tb else (lambda p, j: _linear((p, n), (j, 1)))
        depth = 0
        for name, extent in (("i", m), ("j", n)):
            if extent > 1:
                w.out.indent(f"for {name} in range({extent}):")
                depth += 1
        i, j = ("i" if m > 1 else 0), ("j" if n > 1 else 0)
        target = f"{w.var(node)}[{_linear((i, n), (j, 1))}]"
        if ka <= UNROLL:   # a short sum written out: no loop for Numba to compile
            terms = [f"{w.var(a)}[{ia(i, p)}] * {w.var(b)}[{ib(p, j)}]" for p in range(ka)]
            w.out(f"{target} = {' + '.join(terms)}")
        else:
            w.out(f"acc = {w.typed_constants(node.dtype)(0)}")
            w.out.indent(f"for p in range({ka}):")
            w.out(f"acc += {w.var(a)}[{ia(i, 'p')}] * {w.var(b)}[{ib('p', j)}]")
            w.out.dedent()
            w.out(f"{target} = acc")
        w.out.dedent(depth)


def _linear(*terms):
    """``index * stride + ...`` as short as it gets: constant indices folded, zero terms dropped."""
    constant, parts = 0, []
    for index, stride in terms:
        if isinstance(index, int):
            constant += index * stride
        else:
            parts.append(index if stride == 1 else f"{index} * {stride}")
    if constant or not parts:
        parts.append(str(constant))
    return " + ".join(parts)


def emit_transpose(w, node):
    source = node.inputs[0]
    axes = node.params["axes"] or tuple(reversed(range(node.ndim)))
    index = [f"i{d}" for d in range(node.ndim)]
    src_strides = strides(w.shape(source))
    shape = w.shape(node)
    for d, extent in enumerate(shape):
        w.out.indent(f"for i{d} in range({extent}):")
    read = " + ".join(f"i{d} * {src_strides[a]}" for d, a in enumerate(axes))
    w.out(f"{w.var(node)}[{flat_index(shape, shape, index)}] = {w.var(source)}[{read}]")
    w.out.dedent(node.ndim)


def _softmax_rows(w, node, finish):
    """Loops over every row along ``axis``: the row's maximum into ``sm_top``, then ``finish(x, out, at, length)``
    writes the row (``at(q)`` is the flat index of its element q)."""
    source = node.inputs[0]
    axis = node.params["axis"] % node.ndim
    shape = w.shape(node)
    st = strides(shape)
    outer = [d for d in range(node.ndim) if d != axis]
    for d in outer:
        w.out.indent(f"for i{d} in range({shape[d]}):")
    base = " + ".join(f"i{d} * {st[d]}" for d in outer) or "0"
    length, step = shape[axis], st[axis]
    x = w.var(source)
    w.out(f"sm_base = {base}")
    w.out(f"sm_top = {x}[sm_base]")
    w.out.indent(f"for q in range(1, {length}):")
    w.out(f"sm_top = max(sm_top, {x}[sm_base + q * {step}])")
    w.out.dedent()
    w.out(f"sm_total = {w.typed_constants(node.dtype)(0)}")
    finish(x, w.var(node), lambda q: f"sm_base + {q} * {step}", length)
    w.out.dedent(len(outer))


def emit_softmax(w, node):
    """exp(x - max) stored and summed, then divided by the sum: one row at a time."""
    def finish(x, out, at, length):
        w.out.indent(f"for q in range({length}):")
        w.out(f"sm_e = np.exp({x}[{at('q')}] - sm_top)")
        w.out(f"{out}[{at('q')}] = sm_e")
        w.out("sm_total += sm_e")
        w.out.dedent()
        w.out.indent(f"for q in range({length}):")
        w.out(f"{out}[{at('q')}] /= sm_total")
        w.out.dedent()
    _softmax_rows(w, node, finish)


def emit_log_softmax(w, node):
    """x - (max + ln sum exp(x - max)): one row at a time."""
    def finish(x, out, at, length):
        w.out.indent(f"for q in range({length}):")
        w.out(f"sm_total += np.exp({x}[{at('q')}] - sm_top)")
        w.out.dedent()
        w.out("sm_shift = sm_top + np.log(sm_total)")
        w.out.indent(f"for q in range({length}):")
        w.out(f"{out}[{at('q')}] = {x}[{at('q')}] - sm_shift")
        w.out.dedent()
    _softmax_rows(w, node, finish)


# --- along one axis: argmax, argmin and running folds (cumsum, cumprod) ------------------------------

def _lines(w, shape, axis):
    """Loops over every line of an array of ``shape`` along ``axis``; returns ``(at, length, line, depth)``:
    ``at(q)`` is the flat index of the line's element q, ``line`` the line's number (C order of the other axes)."""
    outer, length, inner = prod(shape[:axis]), shape[axis], prod(shape[axis + 1:])
    names = [name if extent > 1 else 0 for name, extent in (("i", outer), ("j", inner))]
    for name, extent in zip(names, (outer, inner)):
        if extent > 1:
            w.out.indent(f"for {name} in range({extent}):")
    depth = sum(extent > 1 for extent in (outer, inner))
    return (lambda q: _linear((names[0], length * inner), (names[1], 1), (q, inner))), length, \
        _linear((names[0], inner), (names[1], 1)), depth


def emit_arg(better):
    """argmax (``better`` is ">") or argmin ("<") along an axis (of the flattened array for None): the
    position of the first best element, or of the first NaN, as NumPy's."""
    def emit(w, node):
        source, axis = node.inputs[0], node.params["axis"]
        if is_scalar(source):
            w.out(w.store(node, "0", 0))
            return
        shape = (w.size(source),) if axis is None else w.shape(source)
        at, length, line, depth = _lines(w, shape, 0 if axis is None else axis % source.ndim)
        x = w.var(source)
        w.out(f"acc, p = {x}[{at(0)}], 0")          # the best element so far, and where
        w.out.indent(f"for q in range(1, {length}):")
        w.out(f"e = {x}[{at('q')}]")
        w.out.indent(f"if e {better} acc or (e != e and acc == acc):")
        w.out("acc, p = e, q")
        w.out.dedent(2)
        w.out(w.store(node, "p", line))
        w.out.dedent(depth)
    return emit


def emit_scan(w, node):
    """A running fold along an axis (its primitive's ``fold``: cumsum adds, cumprod multiplies), from the end
    when ``reverse``; the total is kept in the result's dtype."""
    source, fold, constant = node.inputs[0], node.op.fold, w.typed_constants(node.dtype)
    at, length, _, depth = _lines(w, w.shape(source), node.params["axis"] % source.ndim)
    w.out(f"acc = {constant(fold.start)}")
    w.out.indent(f"for q in range({length}):")
    if node.params["reverse"]:
        w.out(f"p = {length - 1} - q")
    p = at("p" if node.params["reverse"] else "q")
    w.out(f"acc = {one_element(fold.combine, ['acc', f'{w.var(source)}[{p}]'], constant)}")
    w.out(f"{w.var(node)}[{p}] = acc")
    w.out.dedent(depth + 1)


def _shaped(w, node):
    """``node``'s flat array and its shape, as the runtime's helpers take them (they view it in that shape)."""
    return f"{w.var(node)}, ({', '.join(map(str, w.shape(node)))},)"


def _image_size(node, layout):
    """The spatial (H, W) of an image operand in ``layout``."""
    from ..ops.windows import spatial
    return spatial(node.shape, layout)[1:3]


def _emit_columns(helper):
    """An emitter calling the runtime's ``helper`` (NHWC) or ``helper_nchw`` on the node's operand, its own
    array, the output size and the geometry; the image is the operand of im2col and the result of col2im."""
    def emit(w, node):
        p, operand = node.params, node.inputs[0]
        size = _image_size(operand if helper == "im2col" else node, p["layout"])
        oh, ow = w.shape(_out(p, size))
        geometry = helper_geometry(p["kernel"], p["strides"], p["dilation"], p["padding"], size)
        name = helper if p["layout"] == "NHWC" else f"{helper}_nchw"
        w.out(f"{name}({_shaped(w, operand)}, {_shaped(w, node)}, {oh}, {ow}, {geometry})")
    return emit


def _out(p, size):
    """The output size of a convolution window over spatial ``size``."""
    from ..ops.windows import out_size
    return out_size(size, p["kernel"], p["strides"], p["dilation"], p["padding"], "conv2d")


def _pool_geometry(node, size):
    p = node.params
    return helper_geometry(p["pool"], p["strides"], (1, 1), p["padding"], size)


def _as_nhwc(w, node):
    """An NCHW ``node``'s flat array and its shape as N·C NHWC images of one channel (each channel is pooled
    alone), so pooling needs no transpose."""
    n, c, h, width = w.shape(node)
    return f"{w.var(node)}, ({n * c}, {h}, {width}, 1,)"


def _emit_pool(helper, image, options=()):
    """An emitter calling the runtime's ``helper`` on the node's operands and its own array, NHWC (an NCHW
    array as one-channel images: each channel is pooled alone). ``image(node)`` is the operand whose spatial
    size the windows cover; the node's parameters named in ``options`` follow the geometry."""
    def emit(w, node):
        layout = node.params["layout"]
        geometry = _pool_geometry(node, _image_size(image(node), layout))
        arrays = ", ".join((_as_nhwc if layout == "NCHW" else _shaped)(w, a) for a in (*node.inputs, node))
        extra = "".join(f", {node.params[name]!r}" for name in options)
        w.out(f"{helper}({arrays}, {geometry}{extra})")
    return emit


def emit_take_at(w, node):
    """``take_at``: the operand read at the positions (a max-pooled map, or max pooling's ``select``)."""
    x, at = node.inputs
    fill = w.typed_constants(node.dtype)(node.params["fill"])
    w.out(f"take_at({w.var(x)}, {w.var(at)}, {w.var(node)}, {fill})")


def emit_add_at(w, node):
    """``add_at``: g added at the positions (max pooling's gradient)."""
    g, at = node.inputs
    w.out(f"add_at({w.var(g)}, {w.var(at)}, {w.var(node)})")


# --- moving elements: index, scatter_add, concatenate --------------------------------------------
# A basic key (ints, slices, None, ...) picks a strided view: element o of the selection sits at
# offset + Σ o_d·stride_d, plain arithmetic in the loop. A key with index arrays picks arbitrary elements:
# their flat positions become a constant table T, read as T[i].

def _selection(shape, key):
    """``(offset, strides)`` of ``[key]`` in a C-ordered array of ``shape`` for a basic key, else ``(table, None)``."""
    positions = np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)[tuple(key)]
    if key.has_arrays:
        return positions, None
    offset = int(positions.flat[0]) if positions.size else 0
    return offset, tuple(s // positions.itemsize for s in positions.strides)


def _move(w, node, target, source, domain, to, read, add=False):
    """Loops over ``domain`` setting (or adding to) ``target`` at flat position ``to(index)`` the element of
    ``source`` at ``read(index)``; a 0-d target or source is its local variable. An axis of extent 0 gets its
    empty loop (nothing moves), one of extent 1 none."""
    index = [f"i{d}" if n != 1 else 0 for d, n in enumerate(domain)]
    depth = 0
    for name, extent in zip(index, domain):
        if extent != 1:
            w.out.indent(f"for {name} in range({extent}):")
            depth += 1
    value = w.read(source, node, (), []) if is_scalar(source) else f"{w.var(source)}[{read(index)}]"
    if is_scalar(target):
        w.out(w.store(target, f"{w.var(target)} + {value}" if add else value, None))
    else:
        w.out(f"{w.var(target)}[{to(index)}] {'+=' if add else '='} {value}")
    w.out.dedent(depth)


def _affine(offset, steps):
    return lambda index: _linear((offset, 1), *zip(index, steps))


def _through(table):
    """Positions read from ``table`` at the flat loop index (one loop over every element)."""
    return lambda index: f"{table}[{index[0]}]"


def emit_index(w, node):
    source = node.inputs[0]
    at, steps = _selection(source.shape, node.params["key"])
    if steps is None:
        _move(w, node, node, source, (node.size,), lambda i: i[0], _through(w.table(at)))
    else:
        _move(w, node, node, source, node.shape, _affine(0, strides(node.shape)), _affine(at, steps))


def emit_scatter_add(w, node):
    g = node.inputs[0]
    if is_scalar(node):
        w.out(w.store(node, w.typed_constants(node.dtype)(0), None))
    else:
        w.out.indent(f"for j in range({node.size}):")
        w.out(f"{w.var(node)}[j] = {w.typed_constants(node.dtype)(0)}")
        w.out.dedent()
    at, steps = _selection(node.shape, node.params["key"])
    if steps is None:   # an index may repeat: every copy adds
        _move(w, node, node, g, (g.size,), _through(w.table(at)), lambda i: i[0], add=True)
    else:
        _move(w, node, node, g, g.shape, _affine(at, steps), _affine(0, strides(g.shape)))


def emit_concatenate(w, node):
    axis = node.params["axis"] % node.ndim
    start = 0
    for operand in node.inputs:
        _move(w, node, node, operand, operand.shape, _affine(start * strides(node.shape)[axis], strides(node.shape)),
              _affine(0, strides(operand.shape)))
        start += operand.shape[axis]


def emit_one_loop(w, node):
    emit_loop(w, [node])


# The routines a primitive's ``lowering`` names ("loop": the compiler's own fused loops).
ROUTINES = {"loop": emit_one_loop, "reshape": emit_reshape, "matmul": emit_matmul, "transpose": emit_transpose,
            "softmax": emit_softmax, "log_softmax": emit_log_softmax, "im2col": _emit_columns("im2col"),
            "col2im": _emit_columns("col2im"),
            "max_pool_argmax": _emit_pool("max_pool_argmax", lambda n: n.inputs[0]),
            "take_at": emit_take_at, "add_at": emit_add_at,
            "avg_pool": _emit_pool("avg_pool", lambda n: n.inputs[0], ("count_include_pad",)),
            "avg_pool_grad": _emit_pool("avg_pool_grad", lambda n: n, ("count_include_pad",)),
            "index": emit_index, "scatter_add": emit_scatter_add, "concatenate": emit_concatenate,
            "argmax": emit_arg(">"), "argmin": emit_arg("<"), "scan": emit_scan}


def emitter(op):
    """The function writing ``op``'s code, read from its declaration: one loop for a pointwise primitive or a
    reduction, else the routine its ``lowering`` names; None when it declares neither."""
    if op.pointwise or op.reduction:
        return emit_one_loop
    return ROUTINES.get(op.lowering) if isinstance(op.lowering, str) else None
