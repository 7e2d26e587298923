"""Keras-like neural networks on graphgrad's graph IR: layers build graphs, reverse mode gives gradients,
optimizers are graph transforms, and one training step is one graph (``StepGraph``)."""
from .layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout, Flatten,
                     GlobalAveragePooling2D, GlobalMaxPooling2D, Lambda, Layer, MaxPooling2D, Reshape)
from .model import Sequential
from .losses import (BinaryCrossentropy, CategoricalCrossentropy, CosineSimilarity, KLDivergence, Loss,
                     MeanAbsoluteError, MeanSquaredError, SparseCategoricalCrossentropy)
from .optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, Ftrl, Nadam, Optimizer, RMSprop
from .metrics import AUC, Metric, Precision, Recall
from .callbacks import Callback, EarlyStopping, History, LambdaCallback
from .regularizers import L1, L2, l1, l2
from .step import StepGraph, build_step
from .errors import DataError, DivergenceError, LabelError, NotCompiledError, WeightsFileError
