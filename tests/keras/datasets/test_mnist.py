"""keras.datasets.mnist.load_data reads local files only: $GRAPHGRAD_DATA/mnist, then Keras's cache."""
import numpy as np
import pytest

from graphgrad.datasets.idx import DatasetError, MissingFileError, write_idx
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


def _cache(tmp_path, monkeypatch):
    """The path of Keras's mnist.npz in a fresh home folder."""
    monkeypatch.delenv("GRAPHGRAD_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".keras" / "datasets").mkdir(parents=True)
    return tmp_path / ".keras" / "datasets" / "mnist.npz"


def _arrays(**changes):
    x, y = np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)
    return {"x_train": x, "y_train": y, "x_test": x, "y_test": y, **changes}


def _truncated(path):
    np.savez(path, **_arrays())
    with open(path, "r+b") as f:
        f.truncate(300)


@pytest.mark.parametrize("write, message", [
    (lambda p: np.savez(p, **_arrays(x_train=np.array([1, None], dtype=object))), "Object arrays cannot be loaded"),
    (lambda p: np.savez(p, **{k: v for k, v in _arrays().items() if k != "y_test"}), "has no 'y_test' array"),
    (_truncated, "is not an .npz archive"),
    (lambda p: p.write_bytes(b"garbage" * 10), "is not an .npz archive"),
    (lambda p: np.savez(p, **_arrays(x_train=np.array([["a"]]))), "x_train holds <U1 values"),
    (lambda p: np.savez(p, **_arrays(x_train=np.full((2, 28, 28), np.nan))), "x_train holds float64 values"),
    (lambda p: np.savez(p, **_arrays(x_test=np.zeros((2, 3), np.uint8))), r"x_test has shape \(2, 3\)"),
    (lambda p: np.savez(p, **_arrays(y_train=np.array([1, 300]))), "y_train holds values from 1 to 300"),
    (lambda p: np.savez(p, **_arrays(y_test=np.zeros(3, np.uint8))), "x_test has 2 images but y_test 3 labels"),
], ids=["object array", "missing key", "truncated", "garbage", "strings", "NaN", "wrong shape", "labels > 9",
        "lengths"])
def test_a_damaged_mnist_npz_is_refused_in_one_line(tmp_path, monkeypatch, write, message):
    write(_cache(tmp_path, monkeypatch))
    with pytest.raises(DatasetError, match=message) as error:
        mnist.load_data()
    assert "\n" not in str(error.value)
