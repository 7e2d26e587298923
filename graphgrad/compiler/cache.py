"""The on-disk cache: generated source as a real module under a hash-keyed folder, compiled once.

Numba cannot cache functions made by ``exec`` (numba issue #3501, "no locator
available"), so each kernel is written as ``<cache>/<key>/kernel.py`` with
``@njit(cache=True)`` and imported as a module; Numba keeps its machine code
beside it in ``__pycache__``, and a new process loads it instead of compiling.
The key hashes the source itself (which spells out the graph, dtypes and
shapes), the versions of Python, NumPy and Numba, and the compiler's own code,
so an edit to the code generator never meets a stale kernel.
``GRAPHGRAD_CACHE_DIR`` sets the folder (default ``~/.cache/graphgrad``). An
entry that cannot be read or imported is deleted and rebuilt.
"""
import hashlib
import importlib.util
import os
import platform
import shutil
import sys
from pathlib import Path

import numba
import numpy as np

from ..files import atomic_write

_loaded = {}   # key -> module, for this process


def cache_dir():
    """The folder kernels are kept in: $GRAPHGRAD_CACHE_DIR, else $XDG_CACHE_HOME/graphgrad or ~/.cache/graphgrad."""
    explicit = os.environ.get("GRAPHGRAD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "graphgrad"


def _compiler_fingerprint():
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(here.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


_FINGERPRINT = None


def key(source):
    """The cache key of a generated module."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _compiler_fingerprint()
    digest = hashlib.sha256()
    for part in (source, platform.python_version(), np.__version__, numba.__version__, _FINGERPRINT):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def _import(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def load(source):
    """The module for ``source``: from this process, from disk, or written, compiled and cached now."""
    k = key(source)
    if k in _loaded:
        return _loaded[k]
    folder = cache_dir() / f"k{k}"
    path = folder / "kernel.py"
    for attempt in range(2):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                fresh = path.read_text() != source
            except (OSError, UnicodeDecodeError):
                fresh = True
            if fresh:  # missing or damaged: write it anew, and drop machine code made from another text
                shutil.rmtree(folder / "__pycache__", ignore_errors=True)
                atomic_write(path, source)
            module = _import(f"graphgrad_kernel_{k}_{attempt}", path)
            break
        except Exception:
            if attempt:
                raise
            shutil.rmtree(folder, ignore_errors=True)  # a corrupt entry: rebuild it from scratch
    _loaded[k] = module
    return module


def forget():
    """Drop the modules loaded in this process (the files stay); the next load reads the disk again."""
    _loaded.clear()
