"""``keras.datasets.mnist.load_data()``, read from disk, never downloaded.

Looks in ``$GRAPHGRAD_DATA/mnist/`` (the four IDX files, gzipped or not), then
in Keras's own cache ``~/.keras/datasets/mnist.npz``; returns uint8 arrays of the
shapes Keras returns: ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``.
"""
import os
from pathlib import Path

import numpy as np

from ...datasets.idx import MissingFileError
from ...datasets.mnist import FILES, load_mnist


def _keras_cache(path):
    """Keras's cache file: ``path`` if absolute, else under ``~/.keras/datasets``."""
    return Path(path) if os.path.isabs(str(path)) else Path.home() / ".keras" / "datasets" / path


def load_data(path="mnist.npz"):
    """``((x_train, y_train), (x_test, y_test))`` as uint8 arrays, from local files only."""
    data = os.environ.get("GRAPHGRAD_DATA")
    if data and os.path.isdir(os.path.join(data, "mnist")):
        return load_mnist(os.path.join(data, "mnist"))
    cache = _keras_cache(path)
    if cache.exists():
        with np.load(cache) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    folder = f"$GRAPHGRAD_DATA/mnist/ ({os.path.join(data, 'mnist')})" if data else "$GRAPHGRAD_DATA/mnist/"
    raise MissingFileError(f"MNIST is not on this machine and graphgrad does not download it: put the four IDX "
                           f"files ({', '.join(s + '.gz' for s in FILES.values())}) in {folder}, "
                           f"or Keras's mnist.npz at {cache}")
