"""Keras's spelling of graphgrad: ``from graphgrad.keras import layers, models`` runs a slide's Keras code.

Thin modules over ``graphgrad.nn`` (layers, losses, optimizers, metrics,
callbacks, regularizers, initializers) with Keras's names, defaults and
printing; models keep their weights in ``tf.Variable`` objects so a
GradientTape loop (``graphgrad.tensorflow``) and ``fit`` train the same model.
``graphgrad.tensorflow.keras`` is this package (installed by ``graphgrad``'s own ``__init__``).
"""
from . import (activations, backend, callbacks, datasets, initializers, layers, losses, metrics, models,
               optimizers, regularizers, utils)
from .layers import Input
from .models import Model, Sequential, load_model
