"""Record TensorFlow's numbers for the tests that replay them: ``/work/venv-tf/bin/python
tests/tensorflow/record_tensorflow.py``.

Needs TensorFlow (a venv of its own: ``python -m venv venv-tf && venv-tf/bin/pip install tensorflow-cpu numpy``;
recorded with tensorflow-cpu 2.21, Keras 3.15); runs every case of each module's ``CASES`` with real TensorFlow
and writes each result (tuples as ``case/0``, ``case/1``, ...) to the module's ``DATA`` file. The case modules
import neither graphgrad nor pytest; the tests never import tensorflow.
"""
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the repository, for ``tests``

from tests.recorded import arrays   # noqa: E402  (graphgrad-free)
from tests.tensorflow import tutorial_cases   # noqa: E402

MODULES = (tutorial_cases,)


def main():
    for module in MODULES:
        data = {}
        for case, compute in module.CASES.items():
            data.update({case + suffix: array for suffix, array in arrays(compute(tf)).items()})
        module.DATA.parent.mkdir(exist_ok=True)
        np.savez_compressed(module.DATA, **data)
        print(f"wrote {len(data)} arrays to {module.DATA} with tensorflow {tf.__version__}")


if __name__ == "__main__":
    main()
