"""``Tensor.grad_fn``: the recorded operation that made a tensor, under PyTorch's name for its backward.

A recorded tensor's ``grad_fn`` names graphgrad's primitive at the top of its
node as PyTorch names the same operation (``MulBackward0``, ``SumBackward1``);
``next_functions`` follows the recorded operands, one ``(function, 0)`` pair
each: the operand's ``grad_fn``, ``AccumulateGrad`` for a leaf that requires
grad, None for a constant (a Python number only where PyTorch takes it as a
tensor). A PyTorch operation graphgrad builds from several primitives is named
by its last one (``mse_loss`` shows as ``MeanBackward0``).
"""
from ..ops import REGISTRY

# graphgrad's primitive -> PyTorch's name of its backward, where the two differ beyond capitals
_PYTORCH_NAMES = {
    "ln": "Log", "reshape": "View", "index": "Select", "transpose": "Permute", "clip": "Clamp",
    "concatenate": "Cat", "astype": "ToCopy", "log_softmax": "LogSoftmax", "arcsin": "Asin", "arccos": "Acos",
    "arctan": "Atan", "arcsinh": "Asinh", "arccosh": "Acosh", "arctanh": "Atanh", "arctan2": "Atan2",
    "mod": "Remainder", "logaddexp": "Logaddexp", "scatter_add": "IndexPut", "square": "Pow",
    "take_along_axis": "Gather", "norm": "LinalgVectorNorm",
}

# arithmetic takes a Python number as a tensor in PyTorch (so it shows in next_functions); others as a number
_WRAPPING = {"add", "sub", "mul", "div"}


def _matmul_name(a, b):
    """PyTorch's name for a product by the operands' ranks: Dot (1, 1), Mv (2, 1), Mm (2, 2)."""
    return {(1, 1): "Dot", (2, 1): "Mv", (2, 2): "Mm"}.get((len(a.shape), len(b.shape)), "Matmul")


def _overload(node):
    """PyTorch's overload number: 1 for sum and mean along a dim, max and min of all elements, clamp."""
    name, axis = node.op.name, node.params.get("axis")
    if name in ("sum", "mean"):
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
    else:
        base = _PYTORCH_NAMES.get(op.name) or "".join(part.capitalize() for part in op.name.split("_"))
    return f"{base}Backward{_overload(node)}"


class BackwardFunction:
    """The ``grad_fn`` of a recorded tensor: ``name()``, ``next_functions``, printed ``<MulBackward0>``."""

    def __init__(self, tensor):
        self._tensor = tensor

    def name(self):
        return backward_name(self._tensor.node)

    @property
    def next_functions(self):
        wrapped = self._tensor.node.op.name in _WRAPPING
        return tuple((function_of(parent), 0) for parent in self._tensor.parents
                     if wrapped or not parent.node.weak)

    def __repr__(self):
        return f"<{self.name()} object>"


class AccumulateGrad:
    """What ``next_functions`` shows for a leaf that requires grad: its gradient is added to ``.grad``."""

    def name(self):
        return "torch::autograd::AccumulateGrad"

    next_functions = ()

    def __repr__(self):
        return "<AccumulateGrad object>"


def function_of(tensor):
    """The entry of ``next_functions`` for an operand: its grad_fn, AccumulateGrad or None."""
    if tensor.parents:
        return BackwardFunction(tensor)
    return AccumulateGrad() if tensor.requires_grad else None
