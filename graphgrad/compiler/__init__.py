"""The compiler: graph passes, Numba code generation, an on-disk cache and compiled training loops."""
from .cache import cache_dir
from .codegen import CompileError
from .executor import (CompiledGraph, CompiledStep, TrainingDivergedError, compile, compile_step, prepare, runner,
                       train_loop)
from .loop import Interpreted, Run
from .fusion import fuse
from .passes import common_subexpressions, eliminate_dead_code, fold_constants, optimize, simplify
from .buffers import plan as plan_buffers
from .schedule import schedule
