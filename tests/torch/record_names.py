"""Record PyTorch's numbers for the tests that replay them: ``python tests/torch/record_names.py``.

Needs PyTorch (``pip install torch==2.13.0``, CPU); runs every case of each module's ``CASES`` with real
PyTorch and writes each result (tuples as ``case/0``, ``case/1``, ...) to the module's ``DATA`` file; the tests
never import torch. ``python tests/torch/record_names.py test_tutorial_names`` records only the modules named.
"""
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the repository, for ``tests.torch``

from tests.torch import (test_autograd, test_lecture_notebook_names, test_names, test_printing,   # noqa: E402
                         test_promotion, test_tutorial_names)   # (torch-free)
from tests.torch.nn import test_functional_recorded   # noqa: E402
from tests.torch.recorded import arrays   # noqa: E402

MODULES = (test_names, test_autograd, test_functional_recorded, test_printing, test_promotion, test_tutorial_names,
           test_lecture_notebook_names)


def main(names=()):
    for module in (m for m in MODULES if not names or m.__name__.rsplit(".", 1)[-1] in names):
        data = {}
        for case, compute in module.CASES.items():
            data.update({case + suffix: array for suffix, array in arrays(compute(torch)).items()})
        np.savez_compressed(module.DATA, **data)
        print(f"wrote {len(data)} arrays to {module.DATA} with torch {torch.__version__}")


if __name__ == "__main__":
    main(sys.argv[1:])
