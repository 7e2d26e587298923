"""Each Keras test starts a fresh session, so layer names start again at ``dense``."""
import pytest

from graphgrad.keras import backend


@pytest.fixture(autouse=True)
def fresh_session():
    backend.clear_session()
    backend.set_random_seed(0)
