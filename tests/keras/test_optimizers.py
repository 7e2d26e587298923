"""Keras optimizers' apply_gradients: Keras' rule for missing gradients."""
import pytest

import graphgrad.tensorflow as tf
from graphgrad.errors import GraphgradError
from graphgrad.keras import optimizers


def test_a_missing_gradient_is_skipped_with_a_warning_naming_its_variable():
    w, v = tf.Variable(1.0, name="w"), tf.Variable(1.0, name="v")
    optimizer = optimizers.SGD(learning_rate=0.5)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['w:0'\]"):
        optimizer.apply_gradients(zip([None, tf.constant(2.0)], [w, v]))
    assert (w.numpy(), v.numpy(), optimizer.iterations) == (1.0, 0.0, 1)


@pytest.mark.parametrize("pairs", [[], [(None, "w")]])
def test_a_step_with_no_gradient_at_all_is_a_value_error(pairs):
    w = tf.Variable(1.0, name="w")
    optimizer = optimizers.Adam()
    with pytest.raises(ValueError, match="No gradients provided for any variable") as error:
        optimizer.apply_gradients([(g, w) for g, _ in pairs])
    assert isinstance(error.value, GraphgradError)
    assert w.numpy() == 1.0 and optimizer.iterations == 0


def test_each_optimizer_stands_under_the_name_of_the_nn_optimizer_it_spells():
    from graphgrad.nn import optimizers as nn_optimizers
    for nn_class in nn_optimizers.OPTIMIZERS.values():
        keras_class = getattr(optimizers, nn_class.__name__)
        assert issubclass(keras_class, optimizers.KerasOptimizer) and keras_class.__bases__[1] is nn_class
        assert keras_class.__module__ == "graphgrad.keras.optimizers" and keras_class.__doc__ == nn_class.__doc__
