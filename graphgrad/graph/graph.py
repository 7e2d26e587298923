"""Graph: the immutable DAG of nodes that reach some outputs, in a canonical order.

The order is topological and, within that, by depth then creation, which is the
numbering of Baydin et al.'s traces: ``ln(x1) + x1*x2 - sin(x2)`` gives
``v1 = ln v-1, v2 = v-1·v0, v3 = sin v0, v4 = v1 + v2, v5 = v4 - v3``.
"""
from functools import cached_property

from ..errors import MissingInputError, UnknownNameError
from .primitive import apply, as_node, input as make_input
from .printing import program


def _reachable(outputs):
    """Every node the outputs depend on, found without recursion (deep chains are fine)."""
    seen, stack = {}, list(outputs)
    while stack:
        node = stack.pop()
        if node.id not in seen:
            seen[node.id] = node
            stack.extend(node.inputs)
    return list(seen.values())


def _levels(nodes):
    """Depth of each node: 0 for leaves, 1 + the deepest input otherwise."""
    level = {}
    for node in sorted(nodes, key=lambda n: n.id):  # inputs are always created before users
        level[node.id] = 1 + max((level[i.id] for i in node.inputs), default=-1)
    return level


class Graph:
    """Nodes reaching ``outputs``, with the free ``inputs`` in a fixed order.

    The layers above install what the IR cannot know without importing them: calling a graph evaluates
    it (``backends.numpy_backend``) and Jupyter shows it as a picture (``_repr_svg_``, from ``graphgrad``).
    ``source`` is the program text the graph was parsed from (None otherwise): titles quote it as the user wrote it.
    """

    def __init__(self, outputs, inputs=None, source=None):
        self.source = source
        self.outputs = tuple(as_node(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs]))
        nodes = _reachable(self.outputs)
        level = _levels(nodes)
        self.nodes = tuple(sorted(nodes, key=lambda n: (level[n.id], n.id)))
        self.level = level
        found = [n for n in sorted(nodes, key=lambda n: n.id) if n.is_input]
        if inputs is None:
            inputs = found
        else:
            inputs = list(inputs)
            declared = {n.id for n in inputs}
            missing = [n.name for n in found if n.id not in declared]
            if missing:
                raise MissingInputError(f"the graph uses inputs not declared: {', '.join(missing)}")
        self.inputs = tuple(inputs)

    # --- lookups --------------------------------------------------------------------
    @property
    def output(self):
        """The first output (the one reverse mode differentiates)."""
        return self.outputs[0]

    def input(self, name):
        """The input node called ``name``."""
        for node in self.inputs:
            if node.name == name:
                return node
        known = ", ".join(n.name for n in self.inputs) or "none"
        raise UnknownNameError(f"unknown variable '{name}': the graph's inputs are {known}")

    @property
    def input_names(self):
        return [n.name for n in self.inputs]

    @cached_property
    def operations(self):
        """The nodes that compute something (neither inputs nor constants), in order."""
        return tuple(n for n in self.nodes if not (n.is_input or n.is_const))

    @cached_property
    def vnames(self):
        """Baydin names by node id: inputs v_{1-n}..v_0, operations v1, v2, ..."""
        n = len(self.inputs)
        names = {node.id: f"v{i - n + 1}" for i, node in enumerate(self.inputs)}
        names.update({node.id: f"v{i + 1}" for i, node in enumerate(self.operations)})
        return names

    def label(self, node):
        """The name a user sees: the user's own name if it has one, else its Baydin name."""
        return node.name or self.vnames.get(node.id, "const")

    def consumers(self):
        """For each node id, the (node, argument index) pairs that use it, in order."""
        uses = {n.id: [] for n in self.nodes}
        for node in self.nodes:
            for k, arg in enumerate(node.inputs):
                uses[arg.id].append((node, k))
        return uses

    def __len__(self):
        return len(self.nodes)

    def __repr__(self):
        return f"<Graph {len(self.inputs)} inputs, {len(self.operations)} operations, outputs {[self.label(o) for o in self.outputs]}>"

    def __str__(self):
        return program(self)

    # --- transforms -------------------------------------------------------------------
    def with_shapes(self, **shapes):
        """The same program for inputs of other shapes (shape rules are checked again)."""
        new_inputs = {n.id: make_input(n.name, shapes.get(n.name, n.shape), n.dtype) for n in self.inputs}
        return self.replay(new_inputs)

    def replay(self, replacements=None, rule=None):
        """Rebuild the graph node by node; shapes and dtypes are re-derived.

        ``replacements`` maps node ids to the nodes to use instead (new inputs, say);
        ``rule(node, args)``, when given, may return a replacement for an operation
        whose arguments are now ``args`` (None keeps it). Graph passes are rules.
        """
        new = dict(replacements or {})
        for node in self.nodes:
            if node.id in new:
                continue
            if not node.inputs:
                new[node.id] = node
                continue
            args = [new[i.id] for i in node.inputs]
            out = rule(node, args) if rule else None
            if out is None:
                same = all(a is i for a, i in zip(args, node.inputs))
                out = node if same else apply(node.op, args, node.params, name=node.name)
            new[node.id] = out
        return Graph([new[o.id] for o in self.outputs], [new.get(i.id, i) for i in self.inputs])
