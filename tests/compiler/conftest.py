"""Compiler tests use their own temporary kernel cache, shared by the whole session, and a reduction
primitive the compiler knows nothing of by name."""
import numpy as np
import pytest

from graphgrad.graph import shapes
from graphgrad.ops.primitive import Primitive


@pytest.fixture(scope="session", autouse=True)
def kernel_cache(tmp_path_factory):
    """A fresh GRAPHGRAD_CACHE_DIR for the session (compiled kernels are shared across tests)."""
    folder = tmp_path_factory.mktemp("kernels")
    patch = pytest.MonkeyPatch()
    patch.setenv("GRAPHGRAD_CACHE_DIR", str(folder))
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def total():
    """A sum declared ``reduction=True`` under another name, kept out of the ops REGISTRY."""
    return Primitive("total_for_test", impl=lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
                     shape=lambda s, axis, keepdims: shapes.reduce(s, shapes.normalize_axis(axis, len(s)), keepdims),
                     text="total {0}", reduction=True, register=False)
