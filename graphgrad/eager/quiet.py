"""NumPy's floating-point warnings off for one small computation, cheaply.

``np.errstate(all="ignore")`` builds its state at every entry: 2-3 µs, more than an
eager operation on a small tensor costs. NumPy 2 keeps that state in a context
variable, which ``quiet()`` sets to one state built once (about 0.2 µs) and
``loud(token)`` puts back; another NumPy enters and leaves a public ``errstate``.
"""
import functools

import numpy as np

try:
    from numpy._core._multiarray_umath import _extobj_contextvar, _make_extobj
except ImportError:     # not NumPy 2's layout: its public errstate, entered and left the same way
    def quiet():
        """Warnings off; returns what ``loud`` needs."""
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def loud(state):
        """Warnings back as they were before ``quiet``."""
        state.__exit__(None, None, None)
else:
    quiet = functools.partial(_extobj_contextvar.set, _make_extobj(all="ignore"))   # C calls: no Python frame
    loud = _extobj_contextvar.reset
