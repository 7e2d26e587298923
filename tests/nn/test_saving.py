"""nn.saving without a spelling's classes: what a model file may name, and files that are not model files."""
import numpy as np
import pytest

from graphgrad.nn import layers, saving
from graphgrad.nn.errors import WeightsFileError

NOTHING = saving.Spelling(layers={}, optimizers={}, losses={}, metrics={}, arguments=None, new_model=None)


def test_classes_in_lists_the_subclasses_a_module_offers_by_name():
    found = saving.classes_in(layers, layers.Layer)
    assert found["Dense"] is layers.Dense and found["BatchNormalization"] is layers.BatchNormalization
    assert "Layer" not in found and "layer_name" not in found and "np" not in found


def test_an_archive_without_a_model_description_is_refused(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, kernel=np.zeros(2))
    with pytest.raises(WeightsFileError, match=r"weights.npz' is not a graphgrad model file"):
        saving.load_model(path, NOTHING)


def test_a_description_of_another_format_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, graphgrad_model=np.array('{"format": "other", "version": 1}'))
    with pytest.raises(WeightsFileError, match="unknown model format other version 1"):
        saving.load_model(path, NOTHING)
