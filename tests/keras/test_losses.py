"""Keras losses and metrics called on arrays: the batch mean of nn's per-sample formulas."""
import numpy as np
import pytest

from graphgrad.keras import losses, metrics, utils

Y = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
P = np.array([[0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])


def test_loss_objects_give_the_batch_mean():
    assert float(losses.MeanSquaredError()(Y, P)) == pytest.approx(np.mean((Y - P) ** 2), rel=1e-6)
    cce = -np.mean(np.sum(Y * np.log(P), axis=1))
    assert float(losses.CategoricalCrossentropy()(Y, P)) == pytest.approx(cce, rel=1e-6)


def test_sparse_labels_match_one_hot_labels():
    logits = np.log(P)
    sparse = losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([1, 0, 1]), logits)
    dense = losses.CategoricalCrossentropy(from_logits=True)(Y, logits)
    assert float(sparse) == pytest.approx(float(dense), rel=1e-6)


def test_loss_functions_are_per_sample():
    np.testing.assert_allclose(losses.mean_squared_error(Y, P).numpy(), np.mean((Y - P) ** 2, axis=1), rtol=1e-6)


def test_metric_classes_accumulate_over_batches():
    acc = metrics.CategoricalAccuracy()
    acc.update_state(Y[:2], P[:2])
    acc.update_state(Y[2:], P[2:])
    assert acc.result() == pytest.approx(2 / 3)
    acc.reset_state()
    assert acc.result() == 0.0
    sparse = metrics.SparseCategoricalAccuracy()
    sparse.update_state([1, 0, 1], P)
    assert sparse.result() == pytest.approx(2 / 3) and sparse.name == "sparse_categorical_accuracy"
    binary = metrics.BinaryAccuracy()
    binary.update_state([1, 0], [0.9, 0.7])
    assert binary.result() == 0.5


def test_to_categorical():
    np.testing.assert_array_equal(utils.to_categorical([0, 2]), [[1, 0, 0], [0, 0, 1]])


def test_each_loss_stands_under_the_name_of_the_nn_loss_it_spells():
    from graphgrad.nn import losses as nn_losses
    for nn_class in set(nn_losses.LOSSES.values()):
        keras_class = getattr(losses, nn_class.__name__)
        assert issubclass(keras_class, losses.KerasLoss) and keras_class.__bases__[1] is nn_class
        assert keras_class.__module__ == "graphgrad.keras.losses"


@pytest.mark.parametrize("function, expected", [
    (losses.MSE, np.mean((Y - P) ** 2)),
    (losses.mean_absolute_error, np.mean(np.abs(Y - P))),
    (losses.categorical_crossentropy, -np.mean(np.sum(Y * np.log(P), axis=1)))])
def test_compile_takes_kerass_loss_functions_as_their_batch_mean(function, expected):
    """``compile(loss=keras.losses.MSE)``: Keras averages a loss function over the batch, as the class does."""
    from graphgrad import keras
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss=function)
    assert float(model.loss(Y, P)) == pytest.approx(expected, rel=1e-6)
