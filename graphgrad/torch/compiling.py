"""``torch.compile``: accepted, since graphgrad compiles a training loop's steps without being asked.

A loop of ``backward()`` and ``optimizer.step()`` is traced and each step runs
as one compiled program (``graphgrad.eager.tracing``), with or without
``torch.compile``. So ``torch.compile(model)`` returns the model itself and
``torch.compile(fn)`` (or ``@torch.compile``, with or without arguments) the
function itself. The arguments are checked as PyTorch checks them and change
nothing else: there is one CPU code generator (``backend``), no CUDA graphs
(``mode``), and the traced steps retrace on a new structure by themselves
(``dynamic``, ``fullgraph``). Forward-only calls (inference) run eagerly.
"""
from ..errors import ArgumentError

MODES = (None, "default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False):
    """``model`` (a module or function) as it is: its training steps are traced and compiled by graphgrad."""
    if mode not in MODES:
        raise ArgumentError(f"torch.compile: unknown mode {mode!r}; the modes are "
                            f"{', '.join(repr(m) for m in MODES[1:])}")
    if mode is not None and options is not None:
        raise ArgumentError("torch.compile: give either mode or options, not both")
    if not (isinstance(backend, str) or callable(backend)):
        raise ArgumentError(f"torch.compile: backend must be a name or a callable, got {backend!r}")
    if model is None:
        return lambda model: model
    if not callable(model):
        raise ArgumentError(f"torch.compile takes a module or a function, got {type(model).__name__}")
    return model
