"""Record PyTorch's numbers for ``test_names.py``: ``python tests/torch/record_names.py``.

Needs PyTorch (``pip install torch==2.13.0``, CPU); runs every case of ``test_names.CASES`` with real PyTorch
and writes each result (tuples as ``case/0``, ``case/1``, ...) to ``data/names.npz``; the test never imports torch.
"""
import numpy as np
import torch

from test_names import CASES, DATA, arrays   # what the test replays (torch-free)


def main():
    data = {}
    for case, compute in CASES.items():
        data.update({case + suffix: array for suffix, array in arrays(compute(torch)).items()})
    np.savez_compressed(DATA, **data)
    print(f"wrote {len(data)} arrays to {DATA} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
