"""``torch.nn.functional``: PyTorch's function names and arguments on graphgrad ops (layout NCHW)."""
import numpy as np

from ... import eager, ops
from ...errors import ArgumentError
from ...nn import activations as nn_activations, layers as nn_layers, losses as nn_losses
from ..grad_fn import named
from ..random import generator
from ..tensor import Tensor


def relu(input, inplace=False):
    """max(x, 0); ``inplace=True`` changes ``input`` itself (``input.relu_()``)."""
    return input.relu_() if inplace else eager.call(ops.relu, input)


def sigmoid(input):
    return eager.call(ops.sigmoid, input)


def tanh(input):
    return eager.call(ops.tanh, input)


def softmax(input, dim):
    return eager.call(ops.softmax, input, axis=dim)


def log_softmax(input, dim):
    return eager.call(ops.log_softmax, input, axis=dim)


def linear(input, weight, bias=None):
    """``input @ weightᵀ + bias`` (PyTorch keeps weights as (out, in))."""
    out = eager.call(lambda x, w, b: ops.matmul(x, ops.transpose(w)) + b if b is not None
                     else ops.matmul(x, ops.transpose(w)), input, weight, bias)
    if input.ndim != 2:   # PyTorch reshapes to a matrix and back: its grad_fn is a view's
        return out
    if bias is None:
        return named(out, "linear_unbiased", input, ("t", weight))
    return named(out, "linear", bias, input, ("t", weight))


def _padding(padding):
    return padding if isinstance(padding, str) else ops.windows.padding_param(padding)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation of (N, C, H, W) input with an (O, C/groups, kh, kw) weight, plus bias per channel."""
    def build(x, w, b):
        y = ops.conv2d(x, w, stride, _padding(padding), dilation, groups, layout="NCHW")
        return y if b is None else y + ops.reshape(b, (1, -1, 1, 1))
    return named(eager.call(build, input, weight, bias), "conv2d", input, weight, bias)


def _pool(op, input, kernel_size, stride, padding, ceil_mode, **options):
    if ceil_mode:
        raise ArgumentError("pooling with ceil_mode=True is not supported")
    return eager.call(op, input, kernel_size, stride or kernel_size, _padding(padding), layout="NCHW", **options)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    if dilation != 1:
        raise ArgumentError("max_pool2d with dilation is not supported")
    return named(_pool(ops.max_pool2d, input, kernel_size, stride, padding, ceil_mode), "max_pool2d", input)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each window; ``count_include_pad=False`` leaves the padded zeros out of the count."""
    return named(_pool(ops.avg_pool2d, input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad=count_include_pad), "avg_pool2d", input)


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def one_hot(tensor, num_classes=-1):
    """Each integer of ``tensor`` as a row of ``num_classes`` (default: the largest + 1) zeros with a 1 at it;
    int64, as in PyTorch."""
    values = np.asarray(tensor.value)
    if values.dtype.kind not in "iu":
        raise ArgumentError(f"one_hot is only applicable to index tensors, not {values.dtype}")
    n = int(values.max()) + 1 if num_classes == -1 else num_classes
    return Tensor.leaf(np.eye(n, dtype=np.int64)[values])


def dropout(input, p=0.5, training=True):
    """Zero each element with probability p and scale the rest by 1/(1-p) (nn.Dropout's graph)."""
    if not training or p == 0:
        return input
    return eager.apply_layer(nn_layers.Dropout(p), input, {}, True, generator())[0]


def _reduce(per_sample, reduction):
    if reduction == "mean":
        return ops.mean(per_sample)
    if reduction == "sum":
        return ops.sum(per_sample)
    if reduction == "none":
        return per_sample
    raise ArgumentError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def mse_loss(input, target, reduction="mean"):
    """The mean (or sum) of (input - target)² over every element."""
    return named(eager.call(lambda p, y: _reduce(nn_losses.squared_error(y, p), reduction), input, target),
                 "mse_loss", input, target)


def cross_entropy(input, target, reduction="mean"):
    """Softmax cross-entropy of (N, C) logits against class indices (N,), as nn's categorical
    cross-entropy from logits on the one-hot labels."""
    classes = np.asarray(target.value if isinstance(target, eager.Tensor) else target)
    if classes.dtype.kind not in "iu" or classes.ndim != 1 or len(classes) != input.shape[0]:
        raise ArgumentError(f"cross_entropy needs integer class indices of shape ({input.shape[0]},), got "
                            f"{classes.dtype} values of shape {classes.shape}")
    if classes.size and (classes.min() < 0 or classes.max() >= input.shape[1]):
        raise ArgumentError(f"cross_entropy: class indices must be in 0..{input.shape[1] - 1}")
    # the labels are an operand, not a constant of the builder: a traced loop's replay takes each batch's
    one_hot = Tensor.leaf(np.eye(input.shape[1], dtype=input.dtype)[classes])
    return named(eager.call(lambda z, y: _reduce(_CROSS_ENTROPY.from_logits_per_sample(y, z), reduction), input,
                            one_hot), "nll_loss", ("log_softmax", input))


_CROSS_ENTROPY = nn_losses.CategoricalCrossentropy(from_logits=True)


# --- more activations (``graphgrad.nn.activations``) -------------------------------------------------------
def _maybe_in_place(input, inplace, builder, spelled):
    """``builder`` applied to ``input``: into it when ``inplace`` (as ``relu_`` is), else as a new tensor, the
    result of the function ``spelled``."""
    return input._in_place(builder) if inplace else named(eager.call(builder, input), spelled, input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _maybe_in_place(input, inplace, lambda x: nn_activations.leaky_relu(x, negative_slope), "leaky_relu")


def elu(input, alpha=1.0, inplace=False):
    return _maybe_in_place(input, inplace, lambda x: nn_activations.elu(x, alpha), "elu")


def selu(input, inplace=False):
    return _maybe_in_place(input, inplace, nn_activations.selu, "selu")


def gelu(input, approximate="none"):
    """x · Φ(x) (Φ the standard normal CDF, through erf); ``approximate="tanh"``: the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise ArgumentError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return named(eager.call(nn_activations.gelu, input, approximate == "tanh"), "gelu", input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta·x)) / beta, computed stably for any x (so ``threshold``, PyTorch's switch to x itself
    where beta·x > threshold, changes nothing but the last bits)."""
    return named(eager.call(lambda x: ops.softplus(x * beta) / beta, input), "softplus", input)


# --- padding and picking ----------------------------------------------------------------------------------
def pad(input, pad, mode="constant", value=0.0):
    """``input`` inside a border: ``pad`` is (before, after) for the last axis, then for the one before, ...
    (PyTorch's order); only ``mode="constant"``."""
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ArgumentError(f"pad: padding length must be even and at most twice the {input.ndim} dimensions, "
                            f"got {len(pad)}")
    pairs = [tuple(pad[i:i + 2]) for i in range(0, len(pad), 2)]
    widths = [(0, 0)] * (input.ndim - len(pairs)) + pairs[::-1]
    return named(eager.call(ops.pad, input, widths, mode=mode, constant_values=value), "pad", input)


# --- losses of probabilities and log-probabilities ---------------------------------------------------------
def binary_cross_entropy(input, target, weight=None, *, reduction="mean"):
    """-[y ln p + (1-y) ln(1-p)] per element (each log clamped at -100, as PyTorch does), times ``weight``."""
    def build(p, y, w):
        per = -(y * ops.maximum(ops.ln(p), -100) + (1 - y) * ops.maximum(ops.ln(1 - p), -100))
        return _reduce(per if w is None else per * w, reduction)
    return named(eager.call(build, input, target, weight), "binary_cross_entropy", input, target)


def binary_cross_entropy_with_logits(input, target, weight=None, *, reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(z), stable for large |z|: (1-y)·z + (1 + (pos_weight-1)·y)·softplus(-z)
    (pos_weight scales the positive examples' term), times ``weight``."""
    def build(z, y, w, pw):
        log_weight = 1 if pw is None else 1 + (pw - 1) * y
        per = (1 - y) * z + log_weight * ops.softplus(-z)
        return _reduce(per if w is None else per * w, reduction)
    return named(eager.call(build, input, target, weight, pos_weight), "binary_cross_entropy_with_logits", input,
                 target)


def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """-input[n, target[n]] for (N, C) log-probabilities and class indices (N,); with ``weight`` (per class)
    each term is weighted and the mean divides by the weights' sum, as in PyTorch; ``ignore_index`` is left
    out."""
    classes = np.asarray(target.value if isinstance(target, eager.Tensor) else target)
    if input.ndim != 2 or classes.dtype.kind not in "iu" or classes.shape != (input.shape[0],):
        raise ArgumentError(f"nll_loss needs (N, C) input and integer class indices of shape (N,), got input "
                            f"{tuple(input.shape)} and {classes.dtype} indices of shape {classes.shape}")
    kept = classes != ignore_index
    if np.any((classes[kept] < 0) | (classes[kept] >= input.shape[1])):
        raise ArgumentError(f"nll_loss: class indices must be in 0..{input.shape[1] - 1}")
    picked = np.where(kept, classes, 0)
    w = np.ones(input.shape[1], input.dtype) if weight is None else np.asarray(weight.value, input.dtype)
    per_weight = np.where(kept, w[picked], 0).astype(input.dtype)

    def build(x):
        per = -ops.take_along_axis(x, picked[:, None], axis=1)[:, 0] * ops.const(per_weight)
        if reduction == "mean":
            return ops.sum(per) / float(per_weight.sum())
        return _reduce(per, reduction)
    return named(eager.call(build, input), "nll_loss", input)
