"""Fixtures of the nn tests."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)



@pytest.fixture(autouse=True)
def interpreter_backend(monkeypatch):
    """The nn tests check the reference semantics (every batch, per-step errors) on the NumPy interpreter;
    the compiled loop is checked against it in tests/compiler."""
    monkeypatch.setenv("GRAPHGRAD_BACKEND", "numpy")
