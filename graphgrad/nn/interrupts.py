"""Ctrl-C during training, taken between chunks: never lost, never half a step.

Python's own SIGINT handler raises ``KeyboardInterrupt`` at whatever bytecode runs
next, which may be inside a garbage-collector callback (Numba installs one), where
Python reports the exception as ignored and training goes on. While ``fit`` runs in
the main thread, ``caught()`` notes the signal instead and ``check()`` raises it
where the loop can keep the completed steps; a second Ctrl-C before that is raised
at once, as the default handler would.
"""
import contextlib
import signal
import threading


class Interrupts:
    """The SIGINTs noted while training runs (``check`` raises the first as KeyboardInterrupt)."""

    def __init__(self):
        self.pending = False

    def note(self, signum, frame):
        if self.pending:                      # asked twice: stop now
            signal.default_int_handler(signum, frame)
        self.pending = True

    def check(self):
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def caught():
    """An ``Interrupts`` that notes SIGINT while the block runs, when Python's own handler is the one installed
    and this is the main thread (elsewhere signals stay as they are, and ``check`` finds nothing)."""
    interrupts = Interrupts()
    ours = (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler)
    if ours:
        signal.signal(signal.SIGINT, interrupts.note)
    try:
        yield interrupts
    finally:
        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupts.check()                        # a Ctrl-C noted after the block's last check is not lost
