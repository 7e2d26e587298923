"""Shared test settings: hypothesis profiles sized for a 2-core CI machine, and a kernel cache of the run's own."""
import pytest
from hypothesis import HealthCheck, settings

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
