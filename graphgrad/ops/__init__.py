"""The primitives of graphgrad, one declaration each (see ``primitive.Primitive``)."""
import math

from ..graph.primitive import REGISTRY, Domain, Primitive, apply, as_node, const, input, result_for, result_of
from .elementwise import (abs, add, cos, div, equal_indicator, exp, heaviside, ln, log, maximum, minimum, mul, neg,
                          pow, relu, sigmoid, sign, sin, softplus, sqrt, sub, tan, tanh, xlogy)
from .shaping import (broadcast_to, expand_dims, moveaxis, ravel, reshape, squeeze, swapaxes, tile, transpose,
                      unbroadcast, zeros_like)
from .reductions import all, any, argmax, argmin, max, mean, min, prod, sum
from .logic import (clip, eq, equal, fmax, fmin, ge, gt, isfinite, le, logical_and, logical_not, logical_or,
                    logical_xor, lt, ne, where)
from .calculus import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, cbrt, cosh, deg2rad, erf, exp2,
                       expm1, hypot, log1p, log2, log10, logaddexp, logaddexp2, rad2deg, reciprocal, sinc, sinh, square)
from .rounding import ceil, floor, floor_divide, fmod, mod, rint, round, trunc
from .statistics import logsumexp, norm, std, var
from .scans import cumprod, cumsum
from .casting import astype
from .indexing import (diag, diagonal, flip, index, pad, repeat, roll, scatter_add, take, take_along_axis, tril,
                       triu)
from .joining import array_split, concatenate, hstack, split, stack, vstack
from .linalg import dot, einsum, inner, kron, matmul, outer, tensordot, trace
from .activations import log_softmax, softmax
from .convolution import conv2d
from .pooling import avg_pool2d, max_pool2d
from .normalization import batch_norm, moments
from . import node_methods  # gives Node its operators and array methods

pi = math.pi
e = math.e
