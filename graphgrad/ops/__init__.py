"""The primitives of graphgrad, one declaration each (see ``primitive.Primitive``)."""
import math

from .primitive import REGISTRY, Domain, Primitive, apply, as_node, const, input
from .elementwise import (abs, add, cos, div, equal, exp, ln, log, maximum, minimum, mul, neg, pow,
                          relu, sigmoid, sign, sin, softplus, sqrt, step, sub, tan, tanh)
from .shaping import broadcast_to, reshape, transpose, unbroadcast
from .reductions import all, any, argmax, argmin, max, mean, min, prod, sum
from .logic import (clip, eq, fmax, fmin, ge, gt, isfinite, le, logical_and, logical_not, logical_or, logical_xor,
                    lt, ne, where)
from .calculus import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, cbrt, cosh, deg2rad, exp2, expm1,
                       hypot, log1p, log2, log10, logaddexp, logaddexp2, rad2deg, reciprocal, sinc, sinh, square)
from .rounding import ceil, floor, fmod, mod, rint, round, trunc
from .statistics import logsumexp, norm, std, var
from .scans import cumprod, cumsum
from .casting import astype
from .linalg import matmul
from .activations import log_softmax, softmax

pi = math.pi
e = math.e
