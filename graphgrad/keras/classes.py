"""How Keras's classes are made from graphgrad.nn's: what Keras adds, mixed over the nn class."""


def keras_class(mixin, nn_class):
    """``nn_class`` with ``mixin`` (what Keras adds) over it, under the nn class's name and doc, in the module of
    ``mixin`` (``keras_class(KerasLoss, nn_losses.MeanSquaredError)`` is ``keras.losses.MeanSquaredError``)."""
    return type(nn_class.__name__, (mixin, nn_class), {"__doc__": nn_class.__doc__, "__module__": mixin.__module__})
