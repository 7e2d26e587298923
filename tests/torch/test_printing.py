"""Tensors print as PyTorch prints them: the printouts recorded from PyTorch 2.13 (``record_names.py`` wrote
``data/printing.npz``) for each notation, width, wrapping, summarizing and suffix rule, and dtypes' names."""
from pathlib import Path

from tests.torch.recorded import replay

DATA = Path(__file__).resolve().parent / "data" / "printing.npz"


def _grown(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    return repr(x), repr(x + 1), repr((x * x).sum()), repr(torch.nn.Parameter(torch.ones(2)))


CASES = {
    "whole": lambda torch: repr(torch.tensor([1.0, 2.0, -30.0])),
    "decimals": lambda torch: repr(torch.tensor([0.1, 2.5, -3.14159])),
    "scalar": lambda torch: repr(torch.tensor(2.5)),
    "scalar_int": lambda torch: repr(torch.tensor(7)),
    "scientific_ratio": lambda torch: repr(torch.tensor([1e-5, 1.0, 250.0])),
    "scientific_large": lambda torch: repr(torch.tensor([3e9, 1.5])),
    "whole_scientific": lambda torch: repr(torch.tensor([1.0, 5000.0])),
    "nonfinite": lambda torch: repr(torch.tensor([float("nan"), 1.5, float("inf"), -float("inf")])),
    "nonfinite_whole": lambda torch: repr(torch.tensor([float("nan"), 2.0])),
    "zeros": lambda torch: repr(torch.zeros(2, 3)),
    "matrix": lambda torch: repr(torch.tensor([[1.5, -2.0], [3.25, 400.0]])),
    "cube": lambda torch: repr(torch.arange(12.0).reshape(2, 3, 2)),
    "ints": lambda torch: repr(torch.tensor([[1, -20], [300, 4]])),
    "int32": lambda torch: repr(torch.tensor([1, 2], dtype=torch.int32)),
    "float64": lambda torch: repr(torch.tensor([0.5, 1.25], dtype=torch.float64)),
    "bool": lambda torch: repr(torch.tensor([1.0, 3.0]) > 2),
    "empty": lambda torch: repr(torch.zeros(0)),
    "empty_2d": lambda torch: repr(torch.zeros(0, 3)),
    "empty_int": lambda torch: repr(torch.zeros(0, dtype=torch.int64)),
    "wrapped": lambda torch: repr(torch.linspace(0, 1, 30)),
    "wrapped_ints": lambda torch: repr(torch.arange(40) * 1000),
    "summarized": lambda torch: repr(torch.arange(2000.0) / 7),
    "summarized_matrix": lambda torch: repr(torch.arange(1200).reshape(40, 30)),
    "grad": _grown,
    "dtypes": lambda torch: (repr(torch.float32), str(torch.ones(1, dtype=torch.float64).dtype),
                             f"{torch.tensor([1]).dtype}", str(torch.tensor([True]).dtype), repr(torch.half),
                             str(torch.tensor([1, 2], dtype=torch.int32).float().dtype)),
    "long_suffix": lambda torch: repr(torch.linspace(0, 1, 14, dtype=torch.float64, requires_grad=True) * 2),
}


test_prints_as_pytorch = replay(CASES, DATA)
