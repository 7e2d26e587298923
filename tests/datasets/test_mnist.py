"""load_mnist on tiny IDX files written by the test, gzipped or not, and a clear error for a wrong folder."""
import numpy as np
import pytest

from graphgrad.datasets import DatasetError, MissingFileError, load_mnist, write_idx
from graphgrad.datasets.mnist import FILES


def make_folder(folder, gz=True, n_train=5, n_test=3):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, n_test, dtype=np.uint8)}
    for key, stem in FILES.items():
        write_idx(folder / (stem + (".gz" if gz else "")), arrays[key])
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_returns_keras_layout(tmp_path, gz):
    arrays = make_folder(tmp_path, gz)
    (x_train, y_train), (x_test, y_test) = load_mnist(tmp_path)
    assert x_train.shape == (5, 28, 28) and x_train.dtype == np.uint8 and y_test.shape == (3,)
    assert np.array_equal(x_train, arrays["x_train"]) and np.array_equal(y_test, arrays["y_test"])


def test_missing_file_is_named(tmp_path):
    make_folder(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(MissingFileError, match="t10k-labels-idx1-ubyte.gz.*not found in"):
        load_mnist(tmp_path)
    with pytest.raises(MissingFileError, match="does not exist"):
        load_mnist(tmp_path / "elsewhere")


@pytest.mark.parametrize("key, array, message", [
    ("x_train", np.zeros((5, 28, 28), np.float32), "x_train holds float32 values"),
    ("y_test", np.zeros((3, 1), np.uint8), r"y_test has shape \(3, 1\)"),
    ("y_train", np.full(4, 9, np.uint8), "x_train has 5 images but y_train 4 labels"),
    ("y_train", np.full(5, 10, np.uint8), "y_train holds values from 10 to 10; MNIST's labels are 0 to 9"),
])
def test_idx_files_that_are_not_mnist_are_refused(tmp_path, key, array, message):
    make_folder(tmp_path)
    write_idx(tmp_path / (FILES[key] + ".gz"), array)
    with pytest.raises(DatasetError, match=message):
        load_mnist(tmp_path)
