"""Shared test settings: hypothesis profiles sized for a 2-core CI machine, a kernel cache of the run's own,
and a tiny MNIST for code that loads the real one."""
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from graphgrad.datasets.idx import write_idx
from graphgrad.datasets.mnist import FILES

settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


@pytest.fixture(scope="session", autouse=True)
def kernel_cache(tmp_path_factory, worker_id):
    """A fresh GRAPHGRAD_CACHE_DIR for the test run, shared by its xdist workers (a kernel is compiled once and
    loaded by the others; the cache is safe for concurrent writers), never the user's own cache."""
    root = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    folder = root / "kernels"
    folder.mkdir(mode=0o700, exist_ok=True)
    patch = pytest.MonkeyPatch()
    patch.setenv("GRAPHGRAD_CACHE_DIR", str(folder))
    yield folder
    patch.undo()


@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """600 training and 100 test images in $GRAPHGRAD_DATA/mnist, and the interpreter as fit's backend."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "mnist"
    folder.mkdir()
    labels = {"y_train": rng.integers(0, 10, 600), "y_test": rng.integers(0, 10, 100)}
    for split, y in labels.items():
        images = (rng.random((len(y), 28, 28)) * 60 + (y[:, None, None] * 20)).astype(np.uint8)
        write_idx(folder / (FILES["x" + split[1:]] + ".gz"), images)
        write_idx(folder / (FILES[split] + ".gz"), y.astype(np.uint8))
    monkeypatch.setenv("GRAPHGRAD_DATA", str(tmp_path))
    monkeypatch.setenv("GRAPHGRAD_BACKEND", "numpy")
