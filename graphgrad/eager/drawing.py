"""Pictures of what eager code recorded: the graph behind a tensor, with its values and adjoints."""
from .gradients import graph_of


def evaluated(target, through=None):
    """``(graph, data)``: the recorded graph of ``target`` and its values, adjoints and edge partials."""
    from ..viz.values import evaluate_arrays
    graph, known = graph_of(target, through=through)
    arrays = {n.id: known[n.id].value for n in graph.inputs}
    return graph, evaluate_arrays(graph, arrays)


def draw(target, path=None, through=None, **options):
    """The recorded graph of ``target`` with values and adjoints: DOT source, or written to ``path``.

    ``path`` ends in .svg, .png, .pdf or .dot; ``options`` are those of ``graphgrad.viz.to_dot``
    (``view="both"`` unless given: values forward, adjoints back).
    """
    from ..viz import render_source, to_dot
    graph, data = evaluated(target, through)
    source = to_dot(graph, data, **{"view": "both", **options})
    return source if path is None else render_source(source, path)
