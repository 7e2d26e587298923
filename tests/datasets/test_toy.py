"""Toy 2D sets: shapes, balanced labels, reproducible with a seed, and the geometry each is named for."""
import numpy as np
import pytest

from graphgrad import datasets


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.xor, datasets.spirals, datasets.blobs])
def test_shapes_labels_and_seed(make):
    x, y = make(101, seed=3)
    assert x.shape == (101, 2) and y.shape == (101,) and set(np.unique(y)) == {0, 1}
    assert abs(np.sum(y == 0) - np.sum(y == 1)) <= 1 or make is datasets.xor
    x2, y2 = make(101, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


def test_geometry_without_noise():
    x, y = datasets.circles(200, noise=0.0, factor=0.5, seed=0)
    r = np.linalg.norm(x, axis=1)
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.5)
    x, y = datasets.xor(200, seed=0)
    assert np.array_equal(y, (np.sign(x[:, 0]) == np.sign(x[:, 1])).astype(int))
    x, y = datasets.moons(200, noise=0.0, seed=0)
    assert np.allclose(np.linalg.norm(x[y == 0], axis=1), 1.0)
    assert np.allclose(np.linalg.norm(x[y == 1] - [1, 0.5], axis=1), 1.0)
    x, y = datasets.spirals(200, classes=2, seed=0)
    r = np.linalg.norm(x, axis=1)
    assert r.min() == pytest.approx(0.05) and r.max() == pytest.approx(1.0)


def test_blobs_centres():
    centres = np.array([[-3.0, 0.0], [3.0, 0.0]])
    x, y = datasets.blobs(400, centers=centres, std=0.1, seed=0)
    np.testing.assert_allclose([x[y == k].mean(0) for k in (0, 1)], centres, atol=0.05)
