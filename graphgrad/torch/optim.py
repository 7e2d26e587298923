"""``torch.optim``: graphgrad.nn's update rules under PyTorch's convention and defaults.

``step()`` applies the rule to every parameter with a ``.grad`` (``eager.Updater``,
the same code Keras's ``apply_gradients`` runs); ``zero_grad()`` clears the
gradients. PyTorch's formulas differ from Keras's in ε's place and in weight
decay; that difference is ``nn.optimizers.PYTORCH``, declared beside ``KERAS``.
"""
from .. import eager
from ..errors import ArgumentError
from ..nn import optimizers as rules
from .tensor import set_value


class Optimizer:
    """Parameters (one group) and an nn update rule; ``step()`` and ``zero_grad()`` as in PyTorch."""

    def __init__(self, params, rule, defaults):
        params = list(params)
        if not params:
            raise ArgumentError(f"{type(self).__name__} got an empty parameter list")
        if any(isinstance(p, dict) for p in params):
            raise ArgumentError(f"{type(self).__name__}: parameter groups (dicts) are not supported; "
                                "pass the parameters, e.g. net.parameters()")
        self.param_groups = [{"params": params, **defaults}]
        self.defaults = defaults
        self.rule = rule
        self._updater = eager.Updater(rule)

    def zero_grad(self, set_to_none=True):
        for p in self.param_groups[0]["params"]:
            p.grad = None

    def step(self):
        """The update of every parameter with a ``.grad``: the traced step when its loop is traced
        (``eager.tracing``), else eagerly."""
        params = self.param_groups[0]["params"]
        eager.tracing.step(self._updater, params, [p.grad for p in params], set_value)

    def __repr__(self):
        lines = [f"{type(self).__name__} (", "Parameter Group 0"]
        lines += [f"    {k}: {v}" for k, v in self.defaults.items()]
        return "\n".join(lines + [")"])


class SGD(Optimizer):
    """``buf = μ·buf + g; p -= lr·buf`` (Nesterov: ``p -= lr·(g + μ·buf)``); weight decay adds ``λp`` to g."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        if dampening:
            raise ArgumentError("SGD: dampening is not supported (graphgrad's momentum rule has none)")
        rule = rules.SGD(lr, momentum, nesterov, weight_decay, convention=rules.PYTORCH)
        super().__init__(params, rule, dict(lr=lr, momentum=momentum, dampening=dampening,
                                            weight_decay=weight_decay, nesterov=nesterov))


class Adam(Optimizer):
    """``p -= lr/(1-β₁ᵗ) · m / (sqrt(v/(1-β₂ᵗ)) + ε)``, ε = 1e-8 (Keras: ε on sqrt(v), 1e-7)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
        rule = rules.Adam(lr, betas[0], betas[1], eps, amsgrad, weight_decay, convention=rules.PYTORCH)
        super().__init__(params, rule, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                            amsgrad=amsgrad))


class RMSprop(Optimizer):
    """``v = αv + (1-α)g²; p -= lr·g / (sqrt(v) + ε)`` with α = 0.99, lr = 0.01 (Keras: sqrt(v + ε), ρ = 0.9)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        rule = rules.RMSprop(lr, alpha, momentum, eps, centered, weight_decay, convention=rules.PYTORCH)
        super().__init__(params, rule, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                            momentum=momentum, centered=centered))
