"""Lowering: primitives become what the code generator writes; einsum becomes matrix products the BLAS
helper runs.

A primitive that declares a graph builder as its ``lowering`` (``Primitive``) is
replaced by the graph it builds: ``var`` by means and sums, ``logsumexp`` by a
maximum, exponentials and a sum, ``all``/``any`` by sums of floats compared,
``conv2d`` and its adjoints by ``im2col``/``col2im`` and matrix products in
their own layout (``ops.im2col``).

``einsum`` contracts one pair of operands at a time: a repeated label is a
diagonal (``index``), a label no later operand or the output needs is summed
first, and the pair is a matrix product of the two operands transposed and
reshaped to (free, contracted) and (contracted, free); with labels both keep
(batch axes) it is a broadcast product summed over the contracted labels.
"""
import numpy as np

from ..ops import index, matmul, reshape, transpose
from ..ops import sum as summed
from ..ops.linalg import diagonal_key, label_sizes, parse_subscripts
from .passes import rewrite


def _arranged(x, labels, order):
    """``x`` (axes named by ``labels``) transposed to ``order`` (a permutation of them)."""
    perm = [labels.index(c) for c in order]
    return x if perm == sorted(perm) else transpose(x, perm)


def _kept(x, labels, keep):
    """``x`` summed over the labels not in ``keep``."""
    axes = tuple(k for k, c in enumerate(labels) if c not in keep)
    return (summed(x, axis=axes), "".join(c for c in labels if c in keep)) if axes else (x, labels)


def _size(labels, size):
    return int(np.prod([size[c] for c in labels], dtype=np.int64))


def _contract(a, la, b, lb, later, size):
    """The product of two einsum terms summed over the labels they share that ``later`` does not need."""
    a, la = _kept(a, la, set(lb) | later)
    b, lb = _kept(b, lb, set(la) | later)
    shared = [c for c in la if c in lb]
    contracted = "".join(c for c in shared if c not in later)
    afree, bfree = "".join(c for c in la if c not in shared), "".join(c for c in lb if c not in la)
    if len(contracted) == len(shared):
        rows = reshape(_arranged(a, la, afree + contracted), (_size(afree, size), _size(contracted, size)))
        cols = reshape(_arranged(b, lb, contracted + bfree), (_size(contracted, size), _size(bfree, size)))
        return reshape(matmul(rows, cols), tuple(size[c] for c in afree + bfree)), afree + bfree
    labels = la + bfree
    spread = [reshape(_arranged(x, lx, [c for c in labels if c in lx]),
                      tuple(size[c] if c in lx else 1 for c in labels)) for x, lx in ((a, la), (b, lb))]
    return _kept(spread[0] * spread[1], labels, set(labels) - set(contracted))


def _einsum(node, *xs):
    subs, out = parse_subscripts(node.params["subscripts"], len(xs))
    size = label_sizes(node.params["subscripts"], [x.shape for x in xs])
    terms = []
    for x, sub in zip(xs, subs):
        unique = "".join(dict.fromkeys(sub))
        terms.append((x if unique == sub else index(x, diagonal_key(sub, size)), unique))
    acc, labels = terms[0]
    for k, (x, lx) in enumerate(terms[1:], start=1):
        later = set(out).union(*(s for _, s in terms[k + 1:]))
        acc, labels = _contract(acc, labels, x, lx, later, size)
    acc, labels = _kept(acc, labels, set(out))
    return _arranged(acc, labels, out)


def lower(graph):
    """The graph with declared decompositions applied and einsum as products and sums."""
    def rule(node, args):
        if callable(node.op.lowering):
            return node.op.lowering(*args, **node.params)
        if node.op.name == "einsum":
            return _einsum(node, *args)
        return None
    return rewrite(graph, rule)
