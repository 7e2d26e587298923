"""The on-disk cache: generated source as a real module under a hash-keyed folder, compiled once.

Numba cannot cache functions made by ``exec`` (numba issue #3501, "no locator
available"), so each kernel is written as ``<cache>/<key>/kernel.py`` with
``@njit(cache=True)`` and imported as a module; Numba keeps its machine code
beside it in ``__pycache__``, and a new process loads it instead of compiling.

The key is what the kernel computes. It hashes the source's code (``code``:
comments and module docstring left out, the module's own names renamed in
order of use), so models of one structure share an entry whatever their sizes
(arguments of the kernel) or names (``dense_3/kernel``); the runtime the
kernels call (``RUNTIME``: Numba compiles its functions and constants into
each kernel's machine code); and the versions of Python, NumPy and Numba. The
code generator is not hashed: the generated text is the whole computation, so
a change to it that matters changes the text, and one that does not (a
docstring, a faster pass) keeps every kernel.
``GRAPHGRAD_CACHE_DIR`` sets the folder (default ``~/.cache/graphgrad``). An
entry that cannot be read or imported is deleted and rebuilt.

A cached kernel is code that runs, and Numba's index beside it is a pickle, so
the folder is created private (0700), and nothing is loaded that another user
could have written or could swap for their own. As git does for
``safe.directory`` (and unlike Python for ``__pycache__``, which trusts the
folder), every folder from ``/`` down to the cache is checked (``_verified``):
each must be root's or this user's, and writable by no one else unless it is
sticky like /tmp, where others can add entries but not rename or delete this
user's, and the next folder down is again root's or this user's. The cache
folder and its entries must be this user's, private and not links. A folder on
the way is opened once, without following links, and checked by ``fstat``, so
the folder checked is the folder opened; after that no other user can change
the way to the cache, so the paths used later lead where the check went. An
entry is checked again right before its import. When the folder cannot be used
(not creatable, read-only, not safe) kernels are compiled in memory instead,
with one warning line per process: training goes on.
"""
import ast
import builtins
import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import stat
import sys
import types
from pathlib import Path

import numpy as np

from ..files import atomic_write

_loaded = {}   # key -> module, for this process
_warned = []   # the one warning line printed, once per process


def cache_dir():
    """The folder kernels are kept in: $GRAPHGRAD_CACHE_DIR, else $XDG_CACHE_HOME/graphgrad or ~/.cache/graphgrad."""
    explicit = os.environ.get("GRAPHGRAD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "graphgrad"


RUNTIME = ("runtime.py", "blas.py", "randomness.py")   # the compiler's modules kernels import, and theirs


def runtime_fingerprint(folder=Path(__file__).parent):
    """A hash of the ``RUNTIME`` files in ``folder``: the code kernels call, part of their key."""
    digest = hashlib.sha256()
    for name in RUNTIME:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


_FINGERPRINT = None


@functools.lru_cache(maxsize=64)    # the last few sources' (tiers ask for a key several times)
def code(source):
    """``source`` as Python reads it, without comments and module docstring, and with every name that is not
    imported or a builtin renamed ``_0, _1, ...`` in order of use: what a kernel's key covers, the same for
    modules that differ only in those names, comments and docstring."""
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        tree.body = tree.body[1:]
    fixed = set(dir(builtins)) | {alias.asname or alias.name.partition(".")[0] for node in ast.walk(tree)
                                  if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    renamed = {}
    for node in ast.walk(tree):
        field = "id" if isinstance(node, ast.Name) else "arg" if isinstance(node, ast.arg) else None
        if field and getattr(node, field) not in fixed:
            setattr(node, field, renamed.setdefault(getattr(node, field), f"_{len(renamed)}"))
    return ast.unparse(tree)


def key(source):
    """The cache key of a generated module."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = runtime_fingerprint()
    digest = hashlib.sha256()
    versions = (platform.python_version(), np.__version__, importlib.metadata.version("numba"))
    for part in (code(source), *versions, _FINGERPRINT):
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


def _unsafe(info, path, own):
    """Why the file or folder ``path`` (``info``, its lstat or fstat) lets another user change what is loaded,
    or None. What the cache holds (``own``) must be this user's, writable by no one else and not a link; a folder
    above it may also be root's, and writable by others when sticky (see the module's docstring)."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return f"'{path}' is a symbolic link"
    if info.st_uid not in ((os.getuid(),) if own else (os.getuid(), 0)):
        return f"'{path}' belongs to another user"
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and (own or not mode & stat.S_ISVTX):
        return f"'{path}' can be written by other users"
    return None


def _unsafe_entry(folder):
    """Why the entry ``folder`` (or a file in it) must not be loaded, or None if it is safe or absent."""
    if not os.path.lexists(folder):
        return None
    for path in [folder, *sorted(folder.rglob("*"))]:
        reason = _unsafe(os.lstat(path), path, own=True)
        if reason:
            return reason
    return None


_WALK = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _verified(folder):
    """The real path of ``folder``, every folder on it opened from ``/`` down without following links and checked
    by ``fstat`` (``_unsafe``); raises OSError saying why it is unsafe."""
    real, path = Path(os.path.realpath(folder)), Path("/")
    fd = os.open(path, _WALK)
    try:
        for part in real.parts[1:]:
            reason = _unsafe(os.fstat(fd), path, own=False)
            if reason:
                raise OSError(reason)
            path /= part
            fd, above = os.open(part, _WALK, dir_fd=fd), fd
            os.close(above)
        reason = _unsafe(os.fstat(fd), path, own=True)
        if reason:
            raise OSError(reason)
    finally:
        os.close(fd)
    return real


def _seal(folder):
    """Drop group and other write permission from what this process (and Numba in it) wrote into an entry."""
    for path in [folder, *folder.rglob("*")]:
        mode = os.lstat(path).st_mode
        if not stat.S_ISLNK(mode) and mode & (stat.S_IWGRP | stat.S_IWOTH):
            os.chmod(path, stat.S_IMODE(mode) & ~(stat.S_IWGRP | stat.S_IWOTH))


def _cache_folder():
    """The cache folder, made private if new; raises OSError saying why it cannot be used safely."""
    folder = cache_dir()
    if os.path.lexists(folder) and not folder.is_dir():
        raise OSError(f"'{folder}' is a file, not a folder")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = _verified(folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(f"'{folder}' is read-only")
    return folder


def _in_memory(source, k, reason):
    """The module compiled without a file (Numba cannot cache it): the fallback of an unusable cache."""
    if not _warned:
        _warned.append(reason)
        print(f"graphgrad: warning: kernel cache not used ({reason}); compiling in memory. Set "
              f"GRAPHGRAD_CACHE_DIR to a private folder of yours to keep kernels between runs", file=sys.stderr)
    module = types.ModuleType(f"graphgrad_kernel_{k}")
    module.__file__ = "<memory>"
    exec(compile(source.replace("cache=True", "cache=False"), f"<graphgrad kernel {k}>", "exec"), module.__dict__)
    return module


def _why(exc):
    """An OSError in a few words: what failed, on which file."""
    return f"{exc.strerror}: '{exc.filename}'" if exc.filename and exc.strerror else str(exc)


def _remove(entry):
    """Delete an entry, a folder or (where a folder belongs) a file."""
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            entry.unlink()


def load(source):
    """The module for ``source``: from this process, from disk, or written, compiled and cached now."""
    k = key(source)
    if k in _loaded:
        return _loaded[k]
    try:
        folder = _cache_folder() / f"k{k}"
        reason = _unsafe_entry(folder)
    except OSError as exc:
        reason = _why(exc)
    if reason:
        _loaded[k] = _in_memory(source, k, reason)
        return _loaded[k]
    path = folder / "kernel.py"
    for attempt in range(2):
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            try:   # the same code with other comments (another model's sizes) is this kernel
                fresh = code(path.read_text()) != code(source)
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                fresh = True
            if fresh:  # missing or damaged: write it anew, and drop machine code made from another text
                shutil.rmtree(folder / "__pycache__", ignore_errors=True)
                atomic_write(path, source)
            _seal(folder)
            reason = _unsafe_entry(folder)   # again, as late as can be: the import runs what is there
            if reason:
                break
            module = _import(f"graphgrad_kernel_{k}_{attempt}", path)
            _seal(folder)
            break
        except Exception as exc:
            if attempt and isinstance(exc, OSError):   # the disk (full, say), not the kernel: compile in memory
                reason = _why(exc)
                break
            if attempt:
                raise
            _remove(folder)  # a corrupt entry: rebuild it from scratch
    _loaded[k] = _in_memory(source, k, reason) if reason else module
    return _loaded[k]


def in_process(source):
    """Whether ``source``'s module is loaded in this process (``load`` returns it at once)."""
    return key(source) in _loaded


def on_disk(source):
    """Whether ``source`` is loaded or its machine code is in the cache, so that ``load`` compiles nothing."""
    if in_process(source):
        return True
    try:
        folder = _cache_folder() / f"k{key(source)}"
    except OSError:
        return False
    return _unsafe_entry(folder) is None and any((folder / "__pycache__").glob("*.nbi"))


def forget():
    """Drop the modules loaded in this process (the files stay); the next load reads the disk again."""
    _loaded.clear()
