"""``torch.optim.lr_scheduler``: learning rates by epoch, written into the optimizer's ``param_groups``.

Each scheduler sets the group's ``lr`` when it is made (epoch 0) and at every
``step()`` (the next epoch), by PyTorch's own recurrences, so the rates equal
PyTorch's to the last digit; the optimizer reads ``param_groups`` at its next step.
"""
import bisect

from ...errors import ArgumentError


class LRScheduler:
    """The base: ``step()`` moves to the next epoch and sets its rate (``_rate``); ``get_last_lr()``."""

    def __init__(self, optimizer, last_epoch=-1):
        if last_epoch != -1:
            raise ArgumentError(f"{type(self).__name__}: resuming (last_epoch={last_epoch}) is not supported")
        self.optimizer = optimizer
        self.base_lrs = [group.setdefault("initial_lr", group["lr"]) for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def step(self, epoch=None):
        if epoch is not None:
            raise ArgumentError(f"{type(self).__name__}.step(epoch) is deprecated in PyTorch and not supported; "
                                "call step() once per epoch")
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self._rate(group["lr"], base, self.last_epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        return list(self._last_lr)

    def state_dict(self):
        return {k: v for k, v in vars(self).items() if k != "optimizer" and not callable(v)}

    def load_state_dict(self, state_dict):
        vars(self).update(state_dict)


class StepLR(LRScheduler):
    """The rate times ``gamma`` every ``step_size`` epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def _rate(self, lr, base, epoch):
        return lr * self.gamma if epoch and epoch % self.step_size == 0 else lr


class MultiStepLR(LRScheduler):
    """The rate times ``gamma`` at each of the ``milestones`` epochs."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones, self.gamma = sorted(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def _rate(self, lr, base, epoch):
        times = bisect.bisect_right(self.milestones, epoch) - bisect.bisect_left(self.milestones, epoch)
        return lr * self.gamma ** times if times else lr


class ExponentialLR(LRScheduler):
    """The rate times ``gamma`` every epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _rate(self, lr, base, epoch):
        return lr * self.gamma if epoch else lr


class LambdaLR(LRScheduler):
    """The first rate times ``lr_lambda(epoch)``."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.lr_lambda = lr_lambda
        super().__init__(optimizer, last_epoch)

    def _rate(self, lr, base, epoch):
        return base * self.lr_lambda(epoch)
