"""to_categorical and standardisation."""
import subprocess
import sys

import numpy as np
import pytest

from graphgrad.datasets import LabelError, Standardizer, standardize, to_categorical


def test_to_categorical_is_one_hot():
    out = to_categorical([2, 0, 1, 2], 4)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.eye(4)[[2, 0, 1, 2]])
    assert to_categorical(np.array([[1], [0]])).shape == (2, 2)


@pytest.mark.parametrize("labels, match", [([0, 1.5], "whole-number"), ([0, -1], "whole-number"),
                                           ([0, 3], "does not fit num_classes=3")])
def test_to_categorical_rejects_bad_labels(labels, match):
    with pytest.raises(LabelError, match=match):
        to_categorical(labels, 3)


def test_standardize_gives_zero_mean_unit_std_and_reuses_training_statistics(rng=np.random.default_rng(0)):
    x = rng.normal(5, 3, (100, 3))
    x[:, 2] = 7.0                                    # a constant feature is only centred
    z = standardize(x)
    np.testing.assert_allclose(z.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(0)[:2], 1)
    s = Standardizer().fit(x)
    np.testing.assert_allclose(s.transform(x[:10]), z[:10])
    np.testing.assert_allclose(s.inverse_transform(z), x)


def test_datasets_do_not_import_nn_and_nn_shares_their_label_error():
    code = "import sys, graphgrad.datasets; print('graphgrad.nn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    from graphgrad import errors, nn
    assert nn.LabelError is LabelError and issubclass(LabelError, errors.InputValueError)
