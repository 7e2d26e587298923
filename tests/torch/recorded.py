"""Numbers recorded from PyTorch, replayed with the torch spelling (``record_names.py`` writes them): the
helpers of ``tests/recorded.py`` with ``replay`` bound to ``graphgrad.torch``."""
from graphgrad import torch
from tests import recorded
from tests.recorded import arrays  # noqa: F401  (record_names.py's name for it)


def replay(cases, data):
    """A test of each case of ``cases`` with the torch spelling against PyTorch's recording in ``data``."""
    return recorded.replay(cases, data, torch)
