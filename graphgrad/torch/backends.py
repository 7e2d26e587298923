"""``torch.backends``: the GPU back ends tutorials ask about (``torch.backends.mps.is_available()``), none present;
cuDNN's switches are accepted and change nothing, graphgrad having no cuDNN."""
from types import SimpleNamespace


def _absent():
    return False


mps = SimpleNamespace(is_available=_absent, is_built=_absent)
cudnn = SimpleNamespace(is_available=_absent, enabled=True, deterministic=False, benchmark=False)
