"""keras.datasets.mnist.load_data reads local files only: $GRAPHGRAD_DATA/mnist, then Keras's cache."""
import numpy as np
import pytest

from graphgrad.datasets.idx import MissingFileError, write_idx
from graphgrad.datasets.mnist import FILES
from graphgrad.keras.datasets import mnist


def _tiny(rng, n):
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8)


def test_reads_idx_files_from_graphgrad_data(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    (xt, yt), (xs, ys) = _tiny(rng, 6), _tiny(rng, 3)
    folder = tmp_path / "mnist"
    folder.mkdir()
    for key, array in {"x_train": xt, "y_train": yt, "x_test": xs, "y_test": ys}.items():
        write_idx(folder / (FILES[key] + (".gz" if key.startswith("x") else "")), array)
    monkeypatch.setenv("GRAPHGRAD_DATA", str(tmp_path))
    (a, b), (c, d) = mnist.load_data()
    assert a.dtype == np.uint8 and a.shape == (6, 28, 28) and d.shape == (3,)
    assert np.array_equal(a, xt) and np.array_equal(d, ys)


def test_reads_keras_own_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPHGRAD_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    cache = tmp_path / ".keras" / "datasets"
    cache.mkdir(parents=True)
    rng = np.random.default_rng(1)
    (xt, yt), (xs, ys) = _tiny(rng, 4), _tiny(rng, 2)
    np.savez(cache / "mnist.npz", x_train=xt, y_train=yt, x_test=xs, y_test=ys)
    (a, b), (c, d) = mnist.load_data()
    assert np.array_equal(b, yt) and np.array_equal(c, xs)


def test_missing_data_says_where_to_put_which_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHGRAD_DATA", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(MissingFileError, match=r"train-images-idx3-ubyte.gz.*\$GRAPHGRAD_DATA/mnist/.*mnist.npz"):
        mnist.load_data()
