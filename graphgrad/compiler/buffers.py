"""Buffer planning: which array each node's value lives in, reusing arrays whose values are dead.

Zero-dimensional values live in local variables; every other value is a flat,
C-ordered slice of one preallocated *arena* per dtype, so a compiled training
loop allocates nothing per step. A reshape is a view of its operand's slice, a
transpose read only by matrix products is no copy at all (the product reads it
transposed), and an updated parameter can be written in place into the
parameter's own array when nothing reads the old value afterwards.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slot:
    """A flat slice ``arena[offset:offset + size]`` of the arena of ``dtype``."""
    dtype: str
    offset: int
    size: int


@dataclass
class Plan:
    """Where every value lives: arena slots, views (aliases) and values kept outside the arena."""
    slots: dict = field(default_factory=dict)      # node id -> Slot
    alias: dict = field(default_factory=dict)      # node id -> id of the node whose array it views
    virtual: set = field(default_factory=set)      # transposes folded into the matrix products reading them
    arena: dict = field(default_factory=dict)      # dtype -> elements in that arena
    reused: int = 0                                # slots given to a second value after the first died


def is_scalar(node):
    return node.ndim == 0


def _swaps_last_two(node):
    """Whether a transpose swaps its last two axes only: each matrix of a stack transposed."""
    axes = node.params["axes"] or tuple(reversed(range(node.ndim)))
    keep = tuple(range(node.ndim - 2))
    return node.ndim >= 2 and tuple(axes) == keep + (node.ndim - 1, node.ndim - 2)


def views(graph):
    """Nodes that are views of another node's array: reshapes (array to array) and matmul-only transposes (of
    the last two axes)."""
    uses = graph.consumers()
    outputs = {o.id for o in graph.outputs}
    alias, virtual = {}, set()
    for node in graph.nodes:
        name = node.op.name
        if name == "reshape" and not is_scalar(node) and not is_scalar(node.inputs[0]):
            alias[node.id] = alias.get(node.inputs[0].id, node.inputs[0].id)
        elif (name == "transpose" and _swaps_last_two(node) and node.id not in outputs
              and uses[node.id] and all(u.op.name == "matmul" for u, _ in uses[node.id])):
            virtual.add(node.id)
            alias[node.id] = alias.get(node.inputs[0].id, node.inputs[0].id)
    return alias, virtual


def plan(graph, outside=(), schedule=None):
    """Plan the arena for ``graph``; nodes in ``outside`` (ids) keep arrays of their own (outputs).

    Slots are given in schedule order (``schedule.order``, by default
    ``graph.nodes``); a slot is free again once the loop of the last reader of
    every view of its value has ended (a merged loop reads its operands until
    its last node), and is reused by a later value of the same dtype that fits
    in it (smallest fit first).
    """
    from .schedule import Schedule
    schedule = schedule or Schedule(list(graph.nodes), [])
    alias, virtual = views(graph)
    result = Plan(alias=alias, virtual=virtual)
    last = {}
    for node in schedule.order:
        for arg in node.inputs:
            root = alias.get(arg.id, arg.id)
            last[root] = max(last.get(root, -1), schedule.done(node))
    end = len(schedule.order)
    for out in graph.outputs:
        last[alias.get(out.id, out.id)] = end
    outside = {alias.get(i, i) for i in outside}
    free = []   # slots whose value is dead, each with its full capacity
    dying = {}  # position -> slots freed after it
    for p, node in enumerate(schedule.order):
        free.extend(dying.pop(p - 1, []))
        if (node.is_input or node.is_const or is_scalar(node) or node.id in alias
                or node.id in outside):
            continue
        dtype = node.dtype.str
        fits = sorted((s for s in free if s.dtype == dtype and s.size >= node.size), key=lambda s: s.size)
        if fits:
            taken = fits[0]
            free.remove(taken)
            result.reused += 1
        else:
            taken = Slot(dtype, result.arena.get(dtype, 0), node.size)
            result.arena[dtype] = taken.offset + taken.size
        result.slots[node.id] = Slot(dtype, taken.offset, node.size)
        dying.setdefault(max(last.get(node.id, p), p), []).append(taken)
    return result

