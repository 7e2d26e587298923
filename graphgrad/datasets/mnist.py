"""MNIST from the standard IDX files in a folder, returned as Keras' ``mnist.load_data()`` does."""
import os

from .idx import MissingFileError, read_idx

FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


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
    arrays = {key: read_idx(_find(path, stem)) for key, stem in FILES.items()}
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
