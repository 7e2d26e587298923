"""``torch.nn.functional``: PyTorch's function names and arguments on graphgrad ops (layout NCHW)."""
import numpy as np

from ... import eager, ops
from ...errors import ArgumentError
from ...nn import layers as nn_layers, losses as nn_losses
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
    return eager.call(lambda x, w, b: ops.matmul(x, ops.transpose(w)) + b if b is not None
                      else ops.matmul(x, ops.transpose(w)), input, weight, bias)


def _padding(padding):
    return padding if isinstance(padding, str) else ops.windows.padding_param(padding)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation of (N, C, H, W) input with an (O, C/groups, kh, kw) weight, plus bias per channel."""
    def build(x, w, b):
        y = ops.conv2d(x, w, stride, _padding(padding), dilation, groups, layout="NCHW")
        return y if b is None else y + ops.reshape(b, (1, -1, 1, 1))
    return eager.call(build, input, weight, bias)


def _pool(op, input, kernel_size, stride, padding, ceil_mode, **options):
    if ceil_mode:
        raise ArgumentError("pooling with ceil_mode=True is not supported")
    return eager.call(op, input, kernel_size, stride or kernel_size, _padding(padding), layout="NCHW", **options)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    if dilation != 1:
        raise ArgumentError("max_pool2d with dilation is not supported")
    return _pool(ops.max_pool2d, input, kernel_size, stride, padding, ceil_mode)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each window; ``count_include_pad=False`` leaves the padded zeros out of the count."""
    return _pool(ops.avg_pool2d, input, kernel_size, stride, padding, ceil_mode,
                 count_include_pad=count_include_pad)


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
    return eager.call(lambda p, y: _reduce(nn_losses.squared_error(y, p), reduction), input, target)


def cross_entropy(input, target, reduction="mean"):
    """Softmax cross-entropy of (N, C) logits against class indices (N,), as nn's categorical
    cross-entropy from logits on the one-hot labels."""
    classes = np.asarray(target.value if isinstance(target, eager.Tensor) else target)
    if classes.dtype.kind not in "iu" or classes.ndim != 1 or len(classes) != input.shape[0]:
        raise ArgumentError(f"cross_entropy needs integer class indices of shape ({input.shape[0]},), got "
                            f"{classes.dtype} values of shape {classes.shape}")
    if classes.size and (classes.min() < 0 or classes.max() >= input.shape[1]):
        raise ArgumentError(f"cross_entropy: class indices must be in 0..{input.shape[1] - 1}")
    one_hot = np.eye(input.shape[1], dtype=input.dtype)[classes]
    loss = nn_losses.CategoricalCrossentropy(from_logits=True)
    return eager.call(lambda z: _reduce(loss.from_logits_per_sample(ops.const(one_hot), z), reduction), input)
