"""``torch.nn``: modules, ``functional`` and ``init`` of the torch spelling."""
from . import functional, init
from .modules import (AvgPool2d, BatchNorm1d, BatchNorm2d, BCELoss, BCEWithLogitsLoss, Conv2d, CrossEntropyLoss, Dropout, ELU,
                      Flatten, GELU, LeakyReLU, Linear, LogSoftmax, MaxPool2d, Module, MSELoss, NLLLoss, ReLU, SELU,
                      Sequential, Sigmoid, Softmax, Softplus, Tanh)
from ..tensor import Parameter
