"""MNIST from the standard IDX files in a folder, returned as Keras' ``mnist.load_data()`` does."""
import os

import numpy as np

from .idx import DatasetError, MissingFileError, read_idx

FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
SAMPLE = {"x": ((28, 28), 255, "images"), "y": ((), 9, "labels")}   # sample shape, largest value, what


def checked(arrays, source):
    """``((x_train, y_train), (x_test, y_test))`` as uint8 arrays from ``arrays`` (by FILES' keys), read from
    ``source`` (a file or folder, named in errors): a DatasetError unless each is there and holds whole
    numbers of MNIST's range, images are (n, 28, 28) and labels (n,), as many labels as images."""
    out = {}
    for key in FILES:
        if key not in arrays:
            raise DatasetError(f"'{source}' has no '{key}' array (MNIST needs {', '.join(FILES)})")
        array, (shape, largest, what) = np.asarray(arrays[key]), SAMPLE[key[0]]
        if array.dtype.kind not in "iu":
            raise DatasetError(f"'{source}': {key} holds {array.dtype} values; MNIST's {what} are whole numbers")
        if array.ndim != 1 + len(shape) or array.shape[1:] != shape:
            raise DatasetError(f"'{source}': {key} has shape {array.shape}; MNIST's {what} have shape "
                               f"{('n',) + shape}")
        if array.size and (array.min() < 0 or array.max() > largest):
            raise DatasetError(f"'{source}': {key} holds values from {array.min()} to {array.max()}; MNIST's "
                               f"{what} are 0 to {largest}")
        out[key] = array.astype(np.uint8)
    for part in ("train", "test"):
        if len(out[f"x_{part}"]) != len(out[f"y_{part}"]):
            raise DatasetError(f"'{source}': x_{part} has {len(out[f'x_{part}'])} images but y_{part} "
                               f"{len(out[f'y_{part}'])} labels")
    return (out["x_train"], out["y_train"]), (out["x_test"], out["y_test"])


def _find(folder, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise MissingFileError(f"MNIST file '{stem}.gz' (or '{stem}') not found in '{folder}'; the folder needs "
                           f"{', '.join(s + '.gz' for s in FILES.values())}")


def load_mnist(path):
    """``((x_train, y_train), (x_test, y_test))``: uint8 images (n, 28, 28) and uint8 labels (n,)."""
    if not os.path.isdir(path):
        raise MissingFileError(f"MNIST folder '{path}' does not exist")
    return checked({key: read_idx(_find(path, stem)) for key, stem in FILES.items()}, path)
