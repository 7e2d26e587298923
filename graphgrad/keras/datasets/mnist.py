"""``keras.datasets.mnist.load_data()``, read from disk, never downloaded.

Looks in ``$GRAPHGRAD_DATA/mnist/`` (the four IDX files, gzipped or not), then
in Keras's own cache ``~/.keras/datasets/mnist.npz``; returns uint8 arrays of the
shapes Keras returns: ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``.
"""
import os
import zipfile
from pathlib import Path

from ...datasets.idx import DatasetError, MissingFileError
from ...datasets.mnist import FILES, checked, load_mnist
from ...files import load_arrays


def _keras_cache(path):
    """Keras's cache file: ``path`` if absolute, else under ``~/.keras/datasets``."""
    return Path(path) if os.path.isabs(str(path)) else Path.home() / ".keras" / "datasets" / path


def _npz_arrays(path):
    """The arrays of the ``.npz`` archive ``path`` (no pickles), or a DatasetError saying why it cannot be read."""
    if not zipfile.is_zipfile(path):
        raise DatasetError(f"'{path}' is not an .npz archive (a zip file): it is cut short or not Keras's mnist.npz")
    try:
        return load_arrays(path)
    except Exception as exc:  # zipfile, format and value errors (object arrays) all mean "not our file"
        raise DatasetError(f"cannot read '{path}' as Keras's mnist.npz: {exc}") from None


def load_data(path="mnist.npz"):
    """``((x_train, y_train), (x_test, y_test))`` as uint8 arrays, from local files only."""
    data = os.environ.get("GRAPHGRAD_DATA")
    if data and os.path.isdir(os.path.join(data, "mnist")):
        return load_mnist(os.path.join(data, "mnist"))
    cache = _keras_cache(path)
    if cache.exists():
        return checked(_npz_arrays(cache), cache)
    folder = f"$GRAPHGRAD_DATA/mnist/ ({os.path.join(data, 'mnist')})" if data else "$GRAPHGRAD_DATA/mnist/"
    raise MissingFileError(f"MNIST is not on this machine and graphgrad does not download it: put the four IDX "
                           f"files ({', '.join(s + '.gz' for s in FILES.values())}) in {folder}, "
                           f"or Keras's mnist.npz at {cache}")
