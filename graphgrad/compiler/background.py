"""Kernels made ready in the background: Numba compiles in another process while training goes on.

``Build(compiled)`` returns at once; a daemon thread has the module of
``compiled`` (a ``CompiledStep`` or ``CompiledGraph``, its source generated)
compiled into the on-disk cache by a new Python process (``python -m
graphgrad.compiler.background``, the source on standard input) unless the
cache holds it, then loads it from there. The compile takes the other core,
not the training's; a process still compiling when the program exits finishes
its cache entry, so the next run loads it. One compile runs at a time.
"""
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

_one_at_a_time = threading.Lock()


class Build:
    """``compiled`` on its way to loaded: ``ready`` once loaded or failed (``error``, a line saying why)."""

    def __init__(self, compiled):
        self.compiled, self.error = compiled, None
        self._done = threading.Event()
        threading.Thread(target=self._run, daemon=True, name="graphgrad build").start()

    @property
    def ready(self):
        return self._done.is_set()

    def wait(self, timeout=None):
        """Block until loaded or failed; returns ``ready``."""
        return self._done.wait(timeout)

    def _run(self):
        try:
            if not self.compiled.on_disk():
                with _one_at_a_time:
                    if not self.compiled.on_disk():
                        compile_in_subprocess(self.compiled.source)
            self.compiled.load()
        except Exception as exc:   # the interpreter goes on: the failure is reported, never raised here
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        finally:
            self._done.set()


def compile_in_subprocess(source):
    """Compile ``source`` into the kernel cache in a new Python process; raises RuntimeError if it fails.

    The process reads and writes files, not pipes, in a session of its own: it outlives this program
    (and its Ctrl-C) to finish the cache entry."""
    root = str(Path(__file__).resolve().parents[2])   # this graphgrad, wherever it is imported from
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    with tempfile.TemporaryFile("w+") as text, tempfile.TemporaryFile("w+") as errors:
        text.write(source)
        text.seek(0)
        status = subprocess.Popen([sys.executable, "-m", "graphgrad.compiler.background"], stdin=text,
                                  stdout=subprocess.DEVNULL, stderr=errors, env=env, start_new_session=True).wait()
        if status:
            errors.seek(0)
            lines = [line for line in errors.read().splitlines() if line.strip()]
            raise RuntimeError(f"compiling the kernel failed: {lines[-1] if lines else f'exit status {status}'}")


if __name__ == "__main__":
    from graphgrad.compiler import cache
    cache.load(sys.stdin.read())
