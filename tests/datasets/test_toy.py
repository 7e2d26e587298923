"""Toy 2D sets: shapes, balanced labels, reproducible with a seed, and the geometry each is named for."""
import numpy as np
import pytest

from graphgrad import datasets
from graphgrad.errors import InputValueError


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


@pytest.mark.parametrize("make, arguments, match", [
    (datasets.moons, {"n": -5}, r"moons: n \(the number of points\) must be a whole number >= 1, got -5"),
    (datasets.moons, {"n": 0}, r"moons: n .* >= 1, got 0"),
    (datasets.circles, {"n": 2.5}, r"circles: n .*got 2.5"),
    (datasets.xor, {"n": "10"}, r"xor: n .*got '10'"),
    (datasets.spirals, {"n": -1}, r"spirals: n "),
    (datasets.blobs, {"n": -1}, r"blobs: n "),
    (datasets.moons, {"noise": -0.1}, r"moons: noise \(the standard deviation\) must be a finite number in \[0, inf\)"),
    (datasets.xor, {"noise": float("nan")}, r"xor: noise"),
    (datasets.circles, {"factor": 1.5}, r"circles: factor .* in \(0, 1\), got 1.5"),
    (datasets.spirals, {"turns": 0}, r"spirals: turns .* in \(0, inf\)"),
    (datasets.spirals, {"classes": 0}, r"spirals: classes must be a whole number >= 1"),
    (datasets.blobs, {"centers": 0}, r"blobs: centers \(a count\) must be a whole number >= 1"),
    (datasets.blobs, {"centers": [[1.0, 2.0, 3.0]]}, r"blobs: centers must be .*\(k, 2\), got an array of shape \(1, 3\)"),
    (datasets.blobs, {"std": -1}, r"blobs: std must be a finite number in \[0, inf\)")])
def test_bad_arguments_are_input_value_errors_naming_the_argument(make, arguments, match):
    with pytest.raises(InputValueError, match=match):
        make(**arguments)


def test_a_single_point_is_allowed():
    for make in (datasets.moons, datasets.circles, datasets.xor, datasets.spirals, datasets.blobs):
        x, y = make(1, seed=0)
        assert x.shape == (1, 2) and y.shape == (1,)
