"""The compiler's fallback: a graph holding a primitive that declares no way to be compiled (``Primitive``:
``scalar``, ``fold``, ``lowering``) runs on the NumPy interpreter, with a warning naming the primitive."""
import warnings


class CompileWarning(UserWarning):
    """``compile`` could not compile a graph and runs it on the NumPy interpreter instead."""


class InterpretedGraph:
    """What ``compile`` returns for such a graph: called like a ``CompiledGraph`` (0-d outputs as scalars,
    several as a tuple), evaluated by the interpreter; ``reason`` names the primitive without a lowering."""
    source = path = kernel = None

    def __init__(self, graph, reason):
        self.graph, self.reason = graph, reason
        warnings.warn(f"{reason}: this graph runs on the NumPy interpreter, not compiled", CompileWarning,
                      stacklevel=3)

    def __call__(self, *args, **values):
        values = dict(zip(self.graph.input_names, args), **values)
        from ..backends.numpy_backend import evaluate
        out = [value[()] for value in evaluate(self.graph, values)]
        return out[0] if len(out) == 1 else tuple(out)

    def __repr__(self):
        return f"<InterpretedGraph of {self.graph!r}: {self.reason}>"
