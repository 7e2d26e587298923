"""``torch.nn``: modules, ``functional`` and ``init`` of the torch spelling."""
from . import functional, init
from .modules import (AvgPool2d, BatchNorm2d, Conv2d, CrossEntropyLoss, Dropout, Flatten, Linear, MaxPool2d,
                      Module, MSELoss, ReLU, Sequential, Sigmoid, Tanh)
from ..tensor import Parameter
