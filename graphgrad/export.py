"""Graphs as networkx graphs, for analysis and for drawing with networkx's own tools.

The result is a ``networkx.MultiDiGraph`` (a subclass of ``DiGraph``) so that a node
used twice by one operation (``b = a + a``) keeps both edges; each edge's key and
``index`` attribute is the argument position.
"""
import networkx as nx

from .graph.printing import definition, number


def to_networkx(graph):
    """Nodes by id with op, name, vname, label, text, shape, dtype, level; edges input -> consumer with index."""
    g = nx.MultiDiGraph(inputs=[n.id for n in graph.inputs], outputs=[n.id for n in graph.outputs])
    for node in graph.nodes:
        g.add_node(node.id, op=node.op.name, name=node.name, vname=graph.vnames.get(node.id),
                   label=graph.label(node), text=_text(graph, node), shape=node.shape,
                   dtype=str(node.dtype), level=graph.level[node.id])
    for node in graph.nodes:
        for k, arg in enumerate(node.inputs):
            g.add_edge(arg.id, node.id, key=k, index=k)
    return g


def _text(graph, node):
    """What a reader sees on the node: ``v3 = ln v-1``, ``x1`` for an input, the number for a constant."""
    if node.is_const:
        return number(node.params["value"])
    if node.is_input:
        return f"{graph.vnames[node.id]} = {node.name}"
    return definition(graph, node)
