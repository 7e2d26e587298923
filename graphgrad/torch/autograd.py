"""``torch.autograd``: ``grad`` (gradients returned rather than added to ``.grad``) and ``Function`` (an
operation with a hand-written backward), on the core's reverse mode over what was recorded."""
import functools
import operator

import numpy as np

from .. import eager
from ..errors import ArgumentError
from .tensor import Tensor


def _tensors(x):
    return [x] if isinstance(x, eager.Tensor) else list(x)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """The gradients of the ``outputs`` (summed, each weighted by its ``grad_outputs`` entry) with respect to
    each of ``inputs``, as a tuple; ``create_graph`` records them so they can be differentiated again.
    An input the outputs do not depend on is refused unless ``allow_unused`` (then its gradient is None)."""
    outputs, inputs = _tensors(outputs), _tensors(inputs)
    weights = [None] * len(outputs) if grad_outputs is None else _tensors(grad_outputs)
    if len(weights) != len(outputs):
        raise ArgumentError(f"grad_outputs has {len(weights)} tensors for {len(outputs)} outputs")
    terms = []
    for i, (y, w) in enumerate(zip(outputs, weights)):
        if not y.requires_grad:
            raise ArgumentError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if w is None and y.shape:
            raise ArgumentError(f"grad can be implicitly created only for scalar outputs; output {i} has shape "
                                f"{tuple(y.shape)}: pass grad_outputs")
        terms.append(y if w is None else (y * w).sum())
    found = eager.gradients(functools.reduce(operator.add, terms), inputs, create_graph=create_graph)
    if not allow_unused and any(g is None for g in found):
        raise ArgumentError("One of the differentiated Tensors appears to not have been used in the graph. "
                            "Set allow_unused=True if this is the desired behavior.")
    return tuple(found)


def Variable(data, requires_grad=False):
    """PyTorch's former wrapper of a tensor (tensors record gradients themselves now): ``data`` as a new leaf,
    requiring grad if asked."""
    return Tensor.leaf(data.value, requires_grad=requires_grad)


class FunctionCtx:
    """The ``ctx`` of a custom Function: ``save_for_backward(*tensors)`` in forward, ``saved_tensors`` in
    backward; any other attribute may be set in forward and read in backward."""

    saved_tensors = ()

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        raise ArgumentError("ctx.mark_non_differentiable is not supported; return a detached tensor instead")


class Function:
    """``torch.autograd.Function``: subclass it with static ``forward(ctx, *args)`` and ``backward(ctx,
    grad_output)`` (one gradient per argument of forward, None for a non-tensor or no gradient), and call
    ``MyFunction.apply(*args)``. ``backward()`` and ``torch.autograd.grad`` then use your backward.

    Eager only: forward runs once, on values, without recording, and the result is one recorded node
    whose gradient calls your backward (``graphgrad.eager.custom``); forward must return one tensor, and a
    custom backward is not differentiated again."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a torch.autograd.Function subclass must define forward(ctx, ...)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a torch.autograd.Function subclass must define backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *args):
        ctx = FunctionCtx()
        with eager.no_grad():
            out = cls.forward(ctx, *args)
        if not isinstance(out, eager.Tensor):
            raise ArgumentError(f"{cls.__name__}.forward returned {type(out).__name__}; graphgrad's custom "
                                "Functions return one tensor")
        positions = [i for i, a in enumerate(args) if isinstance(a, eager.Tensor)]

        def backward(g):
            with eager.no_grad():
                found = cls.backward(ctx, Tensor.leaf(g))
            found = found if isinstance(found, tuple) else (found,)
            if len(found) != len(args):
                raise ArgumentError(f"{cls.__name__}.backward returned {len(found)} gradients for the "
                                    f"{len(args)} inputs of forward")
            return [None if found[i] is None else np.asarray(found[i]) for i in positions]
        return eager.custom(cls.__name__, [args[i] for i in positions], out.value, backward)
