"""The compiler: graph passes, Numba code generation, an on-disk cache and compiled training loops.

The names that need Numba (``cache``, ``executor``) are imported on first use
(PEP 562), so the interpreter's training loop starts without importing Numba.
"""
import importlib

from .codegen import CompileError
from .fallback import CompileWarning, InterpretedGraph
from .loop import Interpreted, Run, TrainingDivergedError
from .fusion import fuse
from .passes import common_subexpressions, eliminate_dead_code, fold_constants, optimize, simplify
from .buffers import plan as plan_buffers
from .schedule import schedule
from .tiers import BACKENDS, TieredGraph, TieredStep, known_backend, runner

_NEED_NUMBA = {"cache_dir": "cache", **dict.fromkeys(
    ("CompiledGraph", "CompiledStep", "compile", "compile_step", "prepare", "train_loop"), "executor")}


def __getattr__(name):
    if name not in _NEED_NUMBA:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_NEED_NUMBA[name]}", __name__), name)
    globals()[name] = value
    return value
