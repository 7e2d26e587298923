"""``torch.nn`` modules: parameters and sub-modules registered by assignment, ``forward`` called by ``module(x)``.

Each layer's arithmetic is a call into ``functional`` (graphgrad ops) or a
``graphgrad.nn`` layer (batch normalisation, with PyTorch's momentum and
unbiased running variance declared as that layer's data).
"""
from collections import OrderedDict

import numpy as np

from ... import eager
from ...eager import replay
from ...errors import ArgumentError, ShapeError
from ...nn import layers as nn_layers
from ...ops import windows
from ..grad_fn import named
from ..tensor import Parameter, Tensor, on_cpu
from . import functional as F, init


_PURE = {}   # a module class ``pure`` declared -> (its settings, when it is pure)
_TABLES = ("_parameters", "_modules", "_buffers")   # a module's registered tensors and children


def pure(*settings, when=None):
    """Declare that a module class's forward computes from its arguments, its parameters and the attributes
    ``settings`` only (no random noise, running statistics, values read or changes in place; ``when(module)``
    says so of an instance when that depends on a setting), so a traced loop replays a call of it as one
    (``eager.replay.group``). Not inherited: a subclass may add to its forward."""
    def declare(cls):
        _PURE[cls] = (settings, when)
        return cls
    return declare


def _setting(value):
    """A setting as a key: a number, string or container of them by value; a tensor by its kind (which tensor
    is an operand's role; whether it is None is structure)."""
    return type(value) if isinstance(value, eager.Tensor) else replay.key_of(value)


class Module:
    """Base class of every module: ``self.x = Parameter(...)`` or ``= Module(...)`` registers it."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if isinstance(value, (Parameter, Module)) and "_parameters" not in self.__dict__:
            raise ArgumentError(f"cannot assign '{name}' before Module.__init__() call: "
                                "call super().__init__() first in your module's __init__")
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        elif name in self.__dict__.get("_buffers", {}):
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        for table in _TABLES:
            entries = self.__dict__.get(table, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def register_buffer(self, name, tensor):
        self._buffers[name] = tensor

    # --- walking the tree --------------------------------------------------------------------------
    def named_modules(self, prefix=""):
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        return (m for _, m in self.named_modules())

    def children(self):
        return iter(self._modules.values())

    def named_parameters(self, prefix=""):
        for path, module in self.named_modules(prefix):
            for name, p in module._parameters.items():
                yield (f"{path}.{name}" if path else name), p

    def parameters(self):
        return (p for _, p in self.named_parameters())

    def named_buffers(self):
        for path, module in self.named_modules():
            for name, b in module._buffers.items():
                yield (f"{path}.{name}" if path else name), b

    def state_dict(self):
        """Parameters and buffers by dotted name, as detached tensors (copies of the values)."""
        out = OrderedDict()
        for path, module in self.named_modules():
            for name, t in list(module._parameters.items()) + list(module._buffers.items()):
                out[f"{path}.{name}" if path else name] = Tensor.leaf(np.array(t.value))
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Set parameters and buffers from ``state_dict`` (names and shapes must match)."""
        mine = dict(self.named_parameters())
        buffers = {name: (module, key) for path, module in self.named_modules()
                   for key in module._buffers for name in [f"{path}.{key}" if path else key]}
        missing = [k for k in list(mine) + list(buffers) if k not in state_dict]
        unexpected = [k for k in state_dict if k not in mine and k not in buffers]
        if strict and (missing or unexpected):
            raise ArgumentError(f"load_state_dict: missing keys {missing or 'none'}, unexpected keys "
                                f"{unexpected or 'none'}")
        for name, value in state_dict.items():
            array = np.asarray(value.value if isinstance(value, eager.Tensor) else value)
            if name in mine:
                if array.shape != tuple(mine[name].shape):
                    raise ShapeError(f"load_state_dict: '{name}' has shape {tuple(mine[name].shape)}, "
                                     f"the state dict gives {array.shape}")
                mine[name].assign(array.astype(mine[name].dtype))
            elif name in buffers:
                module, key = buffers[name]
                module._buffers[key] = Tensor.leaf(array)
        return missing, unexpected

    def train(self, mode=True):
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def to(self, device):
        """The module itself, when ``device`` is the CPU (graphgrad's only device)."""
        on_cpu(device)
        return self

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            p.grad = None

    # --- calling ----------------------------------------------------------------------------
    def forward(self, *args):
        raise NotImplementedError(f"{type(self).__name__} has no forward method")

    def __call__(self, *args, **kwargs):
        """``forward``; on tensors, a tree of ``pure`` modules as one call of a traced loop's step."""
        if kwargs or not all(isinstance(a, eager.Tensor) for a in args):
            return self.forward(*args, **kwargs)
        return replay.group(lambda: self._one_call(args), lambda: self.forward(*args))

    def _one_call(self, args):
        """``(structure, operands)`` when every module of this tree is ``pure`` (else None): what forward
        computes besides its tensors (each module, by identity, and its settings) and the tensors it reads."""
        structure, operands, stack = [], list(args), [self]
        while stack:
            module = stack.pop()
            settings, when = _PURE.get(type(module), (None, None))
            if settings is None or when is not None and not when(module):
                return None
            structure.append((module, tuple([_setting(getattr(module, name)) for name in settings])))
            operands.extend(module._parameters.values())
            stack.extend(reversed(module._modules.values()))
        return tuple(structure), operands

    def extra_repr(self):
        return ""

    def __repr__(self):
        children = [f"  ({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        return f"{type(self).__name__}(\n" + "\n".join(children) + "\n)"


def _parameter(*shape):
    return Parameter(np.zeros(shape, np.float32))


@pure("weight", "bias")
class Linear(Module):
    """``x @ weightᵀ + bias`` with weight (out_features, in_features), initialised as PyTorch does."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = _parameter(out_features, in_features)
        self.bias = _parameter(out_features) if bias else None
        init.default_(self.weight, self.bias)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


@pure("weight", "bias", "stride", "padding", "dilation", "groups")
class Conv2d(Module):
    """2-D convolution of (N, C, H, W) inputs with weight (out, in/groups, kh, kw), initialised as PyTorch does."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros"):
        super().__init__()
        if padding_mode != "zeros":
            raise ArgumentError("Conv2d: only padding_mode='zeros' is supported")
        if in_channels % groups or out_channels % groups:
            raise ArgumentError(f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must "
                                f"divide by groups ({groups})")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = windows.pair(kernel_size, "Conv2d: kernel_size")
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.weight = _parameter(out_channels, in_channels // groups, *self.kernel_size)
        self.bias = _parameter(out_channels) if bias else None
        init.default_(self.weight, self.bias)

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={windows.pair(self.stride, 'stride')}")


@pure("kernel_size", "stride", "padding")
class MaxPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}, padding={self.padding}"


@pure("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad")
class AvgPool2d(MaxPool2d):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)


class _BatchNorm(Module):
    """Batch normalisation of each channel (axis 1) over the other axes: graphgrad.nn's BatchNormalization with
    PyTorch's running-average rule (``running = (1 - momentum)·running + momentum·batch``, unbiased variance).
    A subclass says which input shapes it takes (``ranks``, ``shapes``)."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        if not track_running_stats:
            raise ArgumentError(f"{type(self).__name__}: track_running_stats=False is not supported")
        self.num_features, self.eps, self.momentum, self.affine = num_features, eps, momentum, affine
        self.rule = nn_layers.BatchNormalization(axis=0, momentum=1 - momentum, epsilon=eps, center=affine,
                                                 scale=affine, unbiased_moving_variance=True)
        if affine:
            self.weight = Parameter(np.ones(num_features, np.float32))
            self.bias = Parameter(np.zeros(num_features, np.float32))
        self.register_buffer("running_mean", Tensor.leaf(np.zeros(num_features, np.float32)))
        self.register_buffer("running_var", Tensor.leaf(np.ones(num_features, np.float32)))
        self.register_buffer("num_batches_tracked", Tensor.leaf(np.array(0, np.int64)))

    def _params(self):
        params = {"moving_mean": self.running_mean, "moving_variance": self.running_var}
        if "weight" in self._parameters:
            params.update(gamma=self.weight, beta=self.bias)
        return params

    def forward(self, x):
        if x.ndim not in self.ranks or x.shape[1] != self.num_features:
            shapes = " or ".join(f"({', '.join(s.format(C=self.num_features) for s in shape)})"
                                 for shape in self.shapes)
            raise ShapeError(f"{type(self).__name__}({self.num_features}) needs inputs {shapes}, "
                             f"got shape {tuple(x.shape)}")
        out, moved = eager.apply_layer(self.rule, x, self._params(), self.training)
        if self.training:
            self._buffers["running_mean"] = Tensor.leaf(moved["moving_mean"].value)
            self._buffers["running_var"] = Tensor.leaf(moved["moving_variance"].value)
            self._buffers["num_batches_tracked"] = Tensor.leaf(self.num_batches_tracked.value + 1)
        return named(out, "batch_norm", x, *(self._parameters[name] for name in ("weight", "bias")
                                             if name in self._parameters))

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.affine}, track_running_stats=True")


class BatchNorm1d(_BatchNorm):
    """Over N (and L) of (N, C) or (N, C, L) inputs: the features of a dense layer, or the channels of a sequence."""
    ranks, shapes = (2, 3), (("N", "{C}"), ("N", "{C}", "L"))


class BatchNorm2d(_BatchNorm):
    """Over N, H, W of (N, C, H, W) images."""
    ranks, shapes = (4,), (("N", "{C}", "H", "W"),)


class Dropout(Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"


@pure("inplace", when=lambda m: not m.inplace)
class ReLU(Module):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return F.relu(x, self.inplace)


@pure()
class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


@pure()
class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


@pure("start_dim", "end_dim")
class Flatten(Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


@pure()
class Sequential(Module):
    """Modules applied in order, registered as "0", "1", ..."""

    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self._modules[str(i)] = module

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self):
        return len(self._modules)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class _Loss(Module):
    """A loss module: its ``loss`` function of ``functional`` with the ``reduction`` given when made."""
    loss = None

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def forward(self, input, target):
        return type(self).loss(input, target, reduction=self.reduction)


@pure("reduction")
class MSELoss(_Loss):
    loss = staticmethod(F.mse_loss)


class CrossEntropyLoss(_Loss):
    loss = staticmethod(F.cross_entropy)


def _not_in_place(module):
    return not module.options.get("inplace")


class _Activation(Module):
    """An activation module: its ``functional`` function with the options given when made."""
    function = None

    def __init__(self, **options):
        super().__init__()
        self.options = options

    def forward(self, x):
        return type(self).function(x, **self.options)

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.options.items())


@pure("options")
class GELU(_Activation):
    function = staticmethod(F.gelu)

    def __init__(self, approximate="none"):
        super().__init__(approximate=approximate)


@pure("options", when=_not_in_place)
class LeakyReLU(_Activation):
    function = staticmethod(F.leaky_relu)

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__(negative_slope=negative_slope, inplace=inplace)


@pure("options", when=_not_in_place)
class ELU(_Activation):
    function = staticmethod(F.elu)

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(alpha=alpha, inplace=inplace)


@pure("options", when=_not_in_place)
class SELU(_Activation):
    function = staticmethod(F.selu)

    def __init__(self, inplace=False):
        super().__init__(inplace=inplace)


@pure("options")
class Softplus(_Activation):
    function = staticmethod(F.softplus)

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__(beta=beta, threshold=threshold)


@pure("options")
class Softmax(_Activation):
    function = staticmethod(F.softmax)

    def __init__(self, dim=None):
        super().__init__(dim=-1 if dim is None else dim)


@pure("options")
class LogSoftmax(Softmax):
    function = staticmethod(F.log_softmax)


class BCELoss(_Loss):
    loss = staticmethod(F.binary_cross_entropy)


class NLLLoss(_Loss):
    loss = staticmethod(F.nll_loss)


class BCEWithLogitsLoss(_Loss):
    """``binary_cross_entropy_with_logits``; ``pos_weight`` scales the positive examples' term."""

    def __init__(self, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)
