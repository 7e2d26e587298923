"""``Tensor.grad_fn``: the recorded operation that made a tensor, under PyTorch's name for its backward.

A recorded tensor's ``grad_fn`` names graphgrad's primitive at the top of its
node as PyTorch names the same operation (``MulBackward0``, ``SumBackward1``);
``next_functions`` follows the recorded operands, one ``(function, 0)`` pair
each: the operand's ``grad_fn``, ``AccumulateGrad`` for a leaf that requires
grad, None for a constant (a Python number only where PyTorch takes it as a
tensor). A spelled function that graphgrad builds from several primitives, or
that PyTorch names apart from the primitive (``t``), names its result with
``named``: PyTorch's name from ``SPELLED`` and the operands PyTorch's
``next_functions`` lists, in its order.
"""
import numpy as np

from .. import eager
from ..ops import REGISTRY

# graphgrad's primitive -> PyTorch's name of its backward, where the two differ beyond capitals
_PYTORCH_NAMES = {
    "ln": "Log", "reshape": "View", "transpose": "Permute", "clip": "Clamp",
    "concatenate": "Cat", "astype": "ToCopy", "arcsin": "Asin", "arccos": "Acos",
    "arctan": "Atan", "arcsinh": "Asinh", "arccosh": "Acosh", "arctanh": "Atanh", "arctan2": "Atan2",
    "mod": "Remainder", "logaddexp": "Logaddexp", "scatter_add": "IndexPut", "square": "Pow",
    "take_along_axis": "Gather", "norm": "LinalgVectorNorm", "broadcast_to": "Expand",
}

# a spelled function (``named``'s key) -> PyTorch's name of the backward of its result
SPELLED = {
    "linear": "Addmm", "linear_unbiased": "Mm", "mse_loss": "MseLoss", "binary_cross_entropy": "BinaryCrossEntropy",
    "binary_cross_entropy_with_logits": "BinaryCrossEntropyWithLogits", "nll_loss": "NllLoss",
    "log_softmax": "LogSoftmax", "leaky_relu": "LeakyRelu", "elu": "Elu", "selu": "Elu", "gelu": "Gelu",
    "softplus": "Softplus", "pad": "ConstantPadNd", "conv2d": "Convolution", "max_pool2d": "MaxPool2DWithIndices",
    "avg_pool2d": "AvgPool2D", "t": "T", "transpose": "Transpose", "unsqueeze": "Unsqueeze", "stack": "Stack",
    "batch_norm": "NativeBatchNorm", "norm": "LinalgVectorNorm", "std": "Std", "unbind": "Unbind",
    "split": "Split", "split_with_sizes": "SplitWithSizes",
}
# the node of a spelled function's result -> (PyTorch's name, the operands next_functions lists); by node, since
# the tensors that record the result (snapshots) and the result changed in place are other tensors
_named = eager.WeakIdKeyDictionary()

# arithmetic takes a Python number as a tensor in PyTorch (so it shows in next_functions); others as a number
_WRAPPING = {"add", "sub", "mul", "div"}


def _matmul_name(a, b):
    """PyTorch's name for a product by the operands' ranks: Dot (1, 1), Mv (2, 1), Mm (2, 2)."""
    return {(1, 1): "Dot", (2, 1): "Mv", (2, 2): "Mm"}.get((len(a.shape), len(b.shape)), "Matmul")


def _index_name(key):
    """PyTorch's name for ``x[key]``: Index when an array picks, else what the last axis-changing part does
    (an integer selects, a slice slices: PyTorch applies the parts in turn)."""
    if any(isinstance(part, np.ndarray) for part in key):
        return "Index"
    if all(part is None or part == slice(None) for part in key) and None in key:
        return "Unsqueeze"
    steps = [part for part in key if isinstance(part, (int, np.integer)) or isinstance(part, slice)
             and part != slice(None)]
    return "Slice" if steps and isinstance(steps[-1], slice) else "Select"


def _overload(node):
    """PyTorch's overload number: 1 for sum, mean and prod along a dim, max and min of all elements, clamp."""
    name, axis = node.op.name, node.params.get("axis")
    if name in ("sum", "mean", "prod"):
        return int(axis is not None)
    if name in ("max", "min"):
        return int(axis is None)
    return int(name == "clip")


def backward_name(node):
    """PyTorch's name of the backward of the operation that made ``node`` (a custom Function's class name
    + ``Backward`` for an operation outside graphgrad's registry)."""
    op = node.op
    if REGISTRY.get(op.name) is not op:
        return f"{op.name}Backward"
    if op.name == "matmul":
        base = _matmul_name(*node.inputs)
    elif op.name == "index":
        base = _index_name(node.params["key"])
    else:
        base = _PYTORCH_NAMES.get(op.name) or "".join(part.capitalize() for part in op.name.split("_"))
    return f"{base}Backward{_overload(node)}"


def named(result, spelled, *operands):
    """``result`` of the spelled function ``spelled``, its grad_fn named as PyTorch names it (``SPELLED``) with
    ``operands`` as next_functions: tensors, or ``(spelled, tensor)`` for an operation PyTorch applies to an
    argument on the way (the ``t`` of a weight)."""
    if isinstance(result, eager.Tensor) and result.parents:
        _named[result.node] = (SPELLED[spelled] + "Backward0", operands)
    return result


def naming(node):
    """The name and operands ``named`` gave the result of ``node`` (None when none)."""
    return _named.get(node)


def name_again(node, given):
    """Give the result of ``node`` the naming ``given`` (a traced loop's replay of a named result)."""
    _named[node] = given


class BackwardFunction:
    """The ``grad_fn`` of a recorded tensor: ``name()``, ``next_functions``, printed ``<MulBackward0>``."""

    def __init__(self, tensor):
        self._tensor = tensor

    def name(self):
        naming = _named.get(self._tensor.node)
        return naming[0] if naming else backward_name(self._tensor.node)

    @property
    def next_functions(self):
        naming = _named.get(self._tensor.node)
        if naming:
            return tuple((_Applied(*operand) if isinstance(operand, tuple) else function_of(operand), 0)
                         for operand in naming[1])
        wrapped = self._tensor.node.op.name in _WRAPPING
        return tuple((function_of(parent), 0) for parent in self._tensor.parents
                     if wrapped or not parent.node.weak)

    def __repr__(self):
        return f"<{self.name()} object>"


class _Applied:
    """In ``next_functions``, an operation PyTorch applies to an argument inside a function (``t`` of
    ``linear``'s weight), which graphgrad's graph folds into the function's own."""

    def __init__(self, spelled, operand):
        self._name, self._operand = SPELLED[spelled] + "Backward0", operand

    def name(self):
        return self._name

    @property
    def next_functions(self):
        return ((function_of(self._operand), 0),)

    def __repr__(self):
        return f"<{self._name} object>"


class AccumulateGrad:
    """What ``next_functions`` shows for a leaf that requires grad: its gradient is added to ``.grad``."""

    def name(self):
        return "torch::autograd::AccumulateGrad"

    next_functions = ()

    def __repr__(self):
        return "<AccumulateGrad object>"


def function_of(tensor):
    """The entry of ``next_functions`` for an operand: its grad_fn, AccumulateGrad or None (a constant)."""
    if not isinstance(tensor, eager.Tensor):
        return None
    if tensor.parents:
        return BackwardFunction(tensor)
    return AccumulateGrad() if tensor.requires_grad else None
