"""Compiler tests use their own temporary kernel cache, shared by the whole session."""
import pytest


@pytest.fixture(scope="session", autouse=True)
def kernel_cache(tmp_path_factory):
    """A fresh GRAPHGRAD_CACHE_DIR for the session (compiled kernels are shared across tests)."""
    folder = tmp_path_factory.mktemp("kernels")
    patch = pytest.MonkeyPatch()
    patch.setenv("GRAPHGRAD_CACHE_DIR", str(folder))
    yield folder
    patch.undo()
