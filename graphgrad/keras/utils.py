"""``keras.utils``: one-hot labels and the session's random seed."""
from ..datasets.preprocessing import to_categorical  # noqa: F401
from .backend import set_random_seed  # noqa: F401
