"""``torch.nn.functional`` and loss modules against numbers recorded from PyTorch 2.13 (``record_names.py``)."""
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "functional.npz"
CASES = {}
