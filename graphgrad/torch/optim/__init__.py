"""``torch.optim``: graphgrad.nn's update rules under PyTorch's convention and defaults.

``step()`` applies the rule to every parameter with a ``.grad`` (``eager.Updater``,
the same code Keras's ``apply_gradients`` runs), under the settings its
``param_groups`` hold then (a learning-rate schedule writes ``lr`` there);
``zero_grad()`` clears the gradients. PyTorch's formulas differ from Keras's in ε's place and in weight
decay; that difference is ``nn.optimizers.PYTORCH``, declared beside ``KERAS``.
"""
import numpy as np

from ... import eager
from ...errors import ArgumentError
from ...nn import optimizers as rules
from ..tensor import Tensor, set_value
from . import lr_scheduler


class Optimizer:
    """Parameters (one group) and an nn update rule; ``step()`` and ``zero_grad()`` as in PyTorch. A subclass
    makes its rule from the group's settings (``rule(**settings)``)."""

    def __init__(self, params, defaults):
        params = list(params)
        if not params:
            raise ArgumentError(f"{type(self).__name__} got an empty parameter list")
        if any(isinstance(p, dict) for p in params):
            raise ArgumentError(f"{type(self).__name__}: parameter groups (dicts) are not supported; "
                                "pass the parameters, e.g. net.parameters()")
        self.param_groups = [{"params": params, **defaults}]
        self.defaults = defaults
        self._settings = dict(defaults)
        self._updater = eager.Updater(self.rule(**defaults))

    def _follow_settings(self):
        """Take the group's settings now: a changed ``lr`` (or other number) gives a new rule with the same
        state; a change of what the rule keeps (momentum switched on, amsgrad) is refused."""
        settings = {k: self.param_groups[0][k] for k in self.defaults}
        if settings != self._settings:
            rule = self.rule(**settings)
            if rule.slot_names != self._updater.optimizer.slot_names:
                raise ArgumentError(f"{type(self).__name__}: param_groups changed what the optimizer keeps "
                                    f"({settings}); make a new optimizer instead")
            self._updater.optimizer, self._settings = rule, settings

    def zero_grad(self, set_to_none=True):
        """Clear the gradients: None (the default), or zeros with ``set_to_none=False``."""
        for p in self.param_groups[0]["params"]:
            p.grad = None if set_to_none or p.grad is None else Tensor.leaf(np.zeros_like(p.grad.value))

    def step(self):
        """The update of every parameter with a ``.grad``: the traced step when its loop is traced
        (``eager.tracing``), else eagerly."""
        self._follow_settings()
        params = self.param_groups[0]["params"]
        eager.tracing.step(self._updater, params, [p.grad for p in params], set_value)

    def __repr__(self):
        lines = [f"{type(self).__name__} (", "Parameter Group 0"]
        lines += [f"    {k}: {v}" for k, v in self.param_groups[0].items() if k != "params"]
        return "\n".join(lines + [")"])


class SGD(Optimizer):
    """``buf = μ·buf + g; p -= lr·buf`` (Nesterov: ``p -= lr·(g + μ·buf)``); weight decay adds ``λp`` to g."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))

    @staticmethod
    def rule(lr, momentum, dampening, weight_decay, nesterov):
        if dampening:
            raise ArgumentError("SGD: dampening is not supported (graphgrad's momentum rule has none)")
        return rules.SGD(lr, momentum, nesterov, weight_decay, convention=rules.PYTORCH)


class Adam(Optimizer):
    """``p -= lr/(1-β₁ᵗ) · m / (sqrt(v/(1-β₂ᵗ)) + ε)``, ε = 1e-8 (Keras: ε on sqrt(v), 1e-7)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    @staticmethod
    def rule(lr, betas, eps, weight_decay, amsgrad):
        return rules.Adam(lr, betas[0], betas[1], eps, amsgrad, weight_decay, convention=rules.PYTORCH)


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p -= lr·λ·p`` before the step (λ 0.01 by default), not ``λp`` added to
    the gradient."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)

    @staticmethod
    def rule(lr, betas, eps, weight_decay, amsgrad):
        return rules.Adam(lr, betas[0], betas[1], eps, amsgrad, weight_decay, convention=rules.PYTORCH_DECOUPLED)


class RMSprop(Optimizer):
    """``v = αv + (1-α)g²; p -= lr·g / (sqrt(v) + ε)`` with α = 0.99, lr = 0.01 (Keras: sqrt(v + ε), ρ = 0.9)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))

    @staticmethod
    def rule(lr, alpha, eps, weight_decay, momentum, centered):
        return rules.RMSprop(lr, alpha, momentum, eps, centered, weight_decay, convention=rules.PYTORCH)
