"""A reduction primitive the compiler knows nothing of by name (the kernel cache is tests/conftest.py's)."""
import numpy as np
import pytest

from graphgrad.graph import shapes
from graphgrad.graph.primitive import Primitive


@pytest.fixture(scope="session")
def total():
    """A sum declared ``reduction=True`` under another name, kept out of the ops REGISTRY."""
    return Primitive("total_for_test", impl=lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
                     shape=lambda s, axis, keepdims: shapes.reduce(s, shapes.normalize_axis(axis, len(s)), keepdims),
                     text="total {0}", reduction=True, register=False)
