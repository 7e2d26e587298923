"""Keras losses and metrics called on arrays: the batch mean of nn's per-sample formulas."""
import numpy as np
import pytest

from graphgrad.keras import losses, metrics, utils
from graphgrad.nn.errors import ShapeError, WeightsFileError

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


# --- a loss function of the user's own (the Keras guides' custom loss), written with tf ops -------------------
def _mean_square_by_tf_ops(y_true, y_pred):
    import graphgrad.tensorflow as tf
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


def _square_by_tf_ops(y_true, y_pred):
    import graphgrad.tensorflow as tf
    return tf.square(y_pred - y_true)    # one value per output: Keras averages them too


def _regression(loss, x, y):
    """A small net trained three epochs with ``loss``, batches of 16 over 50 rows (the last one partial)."""
    from graphgrad import keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=loss)
    first = model.evaluate(x, y, verbose=0)
    before = model.predict(x, verbose=0)
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, backend="numpy")
    return first, before, history.history["loss"], model.get_weights()


@pytest.mark.parametrize("function", [_mean_square_by_tf_ops, _square_by_tf_ops])
def test_compile_takes_a_loss_function_of_the_users_own(function):
    """``compile(loss=function)``: its per-sample values averaged over each batch's real rows (a last, partial
    batch is padded), so the function trains as the built-in loss it spells; its value is NumPy's mean."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(50, 3)).astype(np.float32), rng.normal(size=(50, 2)).astype(np.float32)
    first, before, losses_seen, weights = _regression(function, x, y)
    assert first == pytest.approx(float(np.mean((y - before) ** 2)), rel=1e-5)
    _, _, mse_losses, mse_weights = _regression("mse", x, y)
    np.testing.assert_allclose(losses_seen, mse_losses, rtol=1e-6)
    for a, b in zip(weights, mse_weights):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("function, words", [
    (lambda y_true, y_pred: ((y_true - y_pred) ** 2).mean(), r"returned shape \(\) for a batch of 16, not one "
                                                               r"value per sample"),
    (lambda y_true, y_pred: ((y_true - y_pred) ** 2).mean(axis=0), r"returned shape \(16,\) for a batch of 16, not "
                                                                     r"one value per sample"),
    (lambda y_true, y_pred: 0.5, "returned float, not a value computed from y_true and y_pred"),
    (lambda y_true, y_pred: (y_pred - y_pred.mean(axis=0)) ** 2, "depends on the other samples of its batch")])
def test_a_loss_function_that_reduces_over_the_batch_is_refused(function, words):
    """Per-sample values are what leave a padded row out; a function that averages over the batch itself
    (one number, or one per output of a net 16 wide trained in batches of 16), or mixes its rows, is refused
    with what to return."""
    from graphgrad import keras
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(16)])
    model.compile(optimizer="sgd", loss=function)
    with pytest.raises(ShapeError, match=words):
        model.fit(np.zeros((20, 3), np.float32), np.zeros((20, 16), np.float32), batch_size=16, verbose=0,
                  backend="numpy")


def test_a_model_compiled_with_a_loss_function_loads_with_compile_false(tmp_path):
    """A model file holds no code: loading one compiled with a loss function is refused, naming the function
    and the way out, and ``compile=False`` gives the model with its weights."""
    from graphgrad import keras
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=_mean_square_by_tf_ops)
    model.save(tmp_path / "m.keras")
    with pytest.raises(WeightsFileError, match="the loss function '_mean_square_by_tf_ops' of its author's code: "
                                               "load it with compile=False"):
        keras.models.load_model(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
