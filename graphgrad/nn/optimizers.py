"""Optimizers as graph transforms: (parameter, gradient, slots) nodes -> updated nodes.

Each optimizer writes Keras 3's update rule (same defaults, same order of
operations) with graph operations, so one training step -- forward, reverse
mode, update -- is one graph. Slots (momenta, accumulators) and the step
counter are graph inputs fed back from the previous step's outputs.
"""
import copy
from dataclasses import dataclass

import numpy as np

from .. import ops
from ..datasets.checks import real_number
from ..graph import Node
from .errors import lookup


@dataclass(frozen=True)
class Convention:
    """Where Keras and PyTorch write the same optimizer differently (the formulas, not the defaults)."""
    name: str
    epsilon_inside_sqrt: bool      # RMSprop: η g / sqrt(v + ε) (Keras), or η g / (sqrt(v) + ε) (PyTorch)
    epsilon_after_correction: bool  # Adam: ε added to sqrt(v / (1 - β₂ᵗ)) (PyTorch), or to sqrt(v) (Keras)
    coupled_weight_decay: bool     # weight_decay λ: g += λp, an L2 term (PyTorch), or p -= ηλp (Keras 3)
    # momentum: the buffer sums steps without η and η scales it (PyTorch: a changed η scales the whole buffer),
    # or the velocity sums η-scaled steps (Keras); the same steps while η stays as it is
    learning_rate_outside_momentum: bool


KERAS = Convention("keras", epsilon_inside_sqrt=True, epsilon_after_correction=False, coupled_weight_decay=False,
                   learning_rate_outside_momentum=False)
PYTORCH = Convention("pytorch", epsilon_inside_sqrt=False, epsilon_after_correction=True, coupled_weight_decay=True,
                     learning_rate_outside_momentum=True)
PYTORCH_DECOUPLED = Convention("pytorch_decoupled", epsilon_inside_sqrt=False, epsilon_after_correction=True,
                               coupled_weight_decay=False, learning_rate_outside_momentum=True)   # AdamW's
CONVENTIONS = {c.name: c for c in (KERAS, PYTORCH, PYTORCH_DECOUPLED)}


class Optimizer:
    """Base class: declares per-parameter slots and global state, and builds the update nodes."""

    name = "optimizer"
    slot_names = ()              # per-parameter state, e.g. ("momentum",)

    def __init__(self, learning_rate=0.001, weight_decay=0.0, convention=KERAS):
        self.learning_rate = real_number(learning_rate, f"{type(self).__name__}: learning_rate", 0, low_open=True)
        self.weight_decay = real_number(weight_decay, f"{type(self).__name__}: weight_decay", 0)
        self.convention = lookup("convention", "optimizer conventions", convention, CONVENTIONS) \
            if isinstance(convention, str) else convention

    def decayed(self, p, g):
        """``(p, g)`` after weight decay, as the convention applies it (unchanged when weight_decay is 0)."""
        if not self.weight_decay:
            return p, g
        if self.convention.coupled_weight_decay:
            return p, g + self.weight_decay * p
        return p - self.learning_rate * self.weight_decay * p, g

    def slot_init(self, slot, param):
        """Initial value of ``slot`` for a parameter array (zeros unless an optimizer says otherwise)."""
        return np.zeros_like(param)

    def global_names(self):
        """Optimizer-wide scalar state besides the iteration counter, with initial values."""
        return {}

    def update_globals(self, t, glob):
        """New values of the global state for the step after ``t`` steps."""
        return {}

    def update(self, p, g, slots, t, glob):
        """``(new_p, {slot: new_value})`` as nodes; ``t`` is the number of steps done so far."""
        raise NotImplementedError

    def config(self):
        """The constructor's arguments by name (the convention by its name)."""
        return {k: v.name if isinstance(v, Convention) else v for k, v in vars(self).items() if not k.startswith("_")}

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.config().items())})"


class SGD(Optimizer):
    """Gradient descent, with momentum ``m = μm - ηg; p += m`` and Nesterov's ``p += μm - ηg``."""

    name = "sgd"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=0.0, convention=KERAS):
        super().__init__(learning_rate, weight_decay, convention)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.slot_names = ("momentum",) if self.momentum else ()

    def update(self, p, g, slots, t, glob):
        """Keras' velocity m = μm - ηg is PyTorch's buffer b = μb + g times -η (the same steps while η stays)."""
        p, g = self.decayed(p, g)
        lr = self.learning_rate
        if not self.momentum:
            return p - lr * g, {}
        if self.convention.learning_rate_outside_momentum:
            b = self.momentum * slots["momentum"] + g
            return p - lr * (g + self.momentum * b if self.nesterov else b), {"momentum": b}
        m = self.momentum * slots["momentum"] - lr * g
        new_p = p + (self.momentum * m - lr * g) if self.nesterov else p + m
        return new_p, {"momentum": m}


class RMSprop(Optimizer):
    """Divide by a running root mean square of gradients: ``v = ρv + (1-ρ)g²; p -= η g / sqrt(v + ε)``."""

    name = "rmsprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, weight_decay=0.0,
                 convention=KERAS):
        super().__init__(learning_rate, weight_decay, convention)
        self.rho, self.momentum, self.epsilon, self.centered = float(rho), float(momentum), float(epsilon), centered
        self.slot_names = ("velocity",) + (("momentum",) if self.momentum else ()) + \
            (("average_gradient",) if centered else ())

    def update(self, p, g, slots, t, glob):
        p, g = self.decayed(p, g)
        rho = self.rho
        v = rho * slots["velocity"] + (1 - rho) * (g * g)
        new = {"velocity": v}
        if self.centered:
            a = rho * slots["average_gradient"] + (1 - rho) * g
            new["average_gradient"] = a
            spread = v - a * a
        else:
            spread = v
        root = ops.sqrt(spread + self.epsilon) if self.convention.epsilon_inside_sqrt else \
            ops.sqrt(spread) + self.epsilon
        if self.momentum and self.convention.learning_rate_outside_momentum:
            new["momentum"] = b = self.momentum * slots["momentum"] + g / root
            return p - self.learning_rate * b, new
        increment = self.learning_rate * g / root
        if self.momentum:
            m = self.momentum * slots["momentum"] + increment
            new["momentum"] = m
            return p - m, new
        return p - increment, new


class Adam(Optimizer):
    """Adaptive moments with bias correction folded into the step size (Keras' form)."""

    name = "adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=0.0,
                 convention=KERAS):
        super().__init__(learning_rate, weight_decay, convention)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), float(epsilon), amsgrad
        self.slot_names = ("momentum", "velocity") + (("velocity_hat",) if amsgrad else ())

    def update(self, p, g, slots, t, glob):
        p, g = self.decayed(p, g)
        b1, b2 = self.beta_1, self.beta_2
        step = t + 1
        m = slots["momentum"] + (g - slots["momentum"]) * (1 - b1)
        v = slots["velocity"] + (g * g - slots["velocity"]) * (1 - b2)
        new = {"momentum": m, "velocity": v}
        if self.amsgrad:
            v = ops.maximum(slots["velocity_hat"], v)
            new["velocity_hat"] = v
        if self.convention.epsilon_after_correction:   # PyTorch's: bias corrections in double, as Python floats
            wide = ops.astype(step, np.float64)        # (1 - 0.999 in float32 is off by 1.3e-5)
            step_size = ops.astype(self.learning_rate / (1 - b1 ** wide), p.dtype)
            corrected = ops.sqrt(v) / ops.astype(ops.sqrt(1 - b2 ** wide), p.dtype) + self.epsilon
            return p - step_size * (m / corrected), new
        alpha = self.learning_rate * ops.sqrt(1 - b2 ** step) / (1 - b1 ** step)
        return p - alpha * m / (ops.sqrt(v) + self.epsilon), new


class Adagrad(Optimizer):
    """Divide by the root of all squared gradients so far: ``a += g²; p -= η g / sqrt(a + ε)``."""

    name = "adagrad"
    slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        super().__init__(learning_rate)
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), float(epsilon)

    def slot_init(self, slot, param):
        return np.full_like(param, self.initial_accumulator_value)

    def update(self, p, g, slots, t, glob):
        a = slots["accumulator"] + g * g
        return p - self.learning_rate * g / ops.sqrt(a + self.epsilon), {"accumulator": a}


class Adadelta(Optimizer):
    """Steps scaled by the ratio of running RMS of updates to running RMS of gradients."""

    name = "adadelta"
    slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7):
        super().__init__(learning_rate)
        self.rho, self.epsilon = float(rho), float(epsilon)

    def update(self, p, g, slots, t, glob):
        rho, eps = self.rho, self.epsilon
        ag = rho * slots["accumulated_grad"] + (1 - rho) * (g * g)
        delta = -ops.sqrt(slots["accumulated_delta_var"] + eps) * g / ops.sqrt(ag + eps)
        adv = rho * slots["accumulated_delta_var"] + (1 - rho) * (delta * delta)
        return p + self.learning_rate * delta, {"accumulated_grad": ag, "accumulated_delta_var": adv}


class Adamax(Optimizer):
    """Adam with the infinity norm: ``u = max(β₂u, |g|)``."""

    name = "adamax"
    slot_names = ("m", "u")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def update(self, p, g, slots, t, glob):
        b1 = self.beta_1
        m = slots["m"] + (g - slots["m"]) * (1 - b1)
        u = ops.maximum(self.beta_2 * slots["u"], ops.abs(g))
        return p - self.learning_rate * m / ((1 - b1 ** (t + 1)) * (u + self.epsilon)), {"m": m, "u": u}


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Keras' momentum schedule ``μ_t = β₁(1 - 0.5·0.96^(0.004 t))``."""

    name = "nadam"
    slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def _mu(self, step):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (step * 0.004))

    def global_names(self):
        return {"u_product": 1.0}

    def update_globals(self, t, glob):
        return {"u_product": glob["u_product"] * self._mu(t + 1)}

    def update(self, p, g, slots, t, glob):
        b1, b2 = self.beta_1, self.beta_2
        u_t, u_t1 = self._mu(t + 1), self._mu(t + 2)
        u_prod = glob["u_product"]            # already includes u_t (updated first, as in Keras)
        u_prod_next = u_prod * u_t1
        m = slots["momentum"] + (g - slots["momentum"]) * (1 - b1)
        v = slots["velocity"] + (g * g - slots["velocity"]) * (1 - b2)
        m_hat = u_t1 * m / (1 - u_prod_next) + (1 - u_t) * g / (1 - u_prod)
        v_hat = v / (1 - b2 ** (t + 1))
        return p - m_hat * self.learning_rate / (ops.sqrt(v_hat) + self.epsilon), {"momentum": m, "velocity": v}


class Ftrl(Optimizer):
    """Follow-the-regularized-leader (McMahan et al.), Keras' formulation with L1/L2 and shrinkage."""

    name = "ftrl"
    slot_names = ("accumulator", "linear")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0):
        super().__init__(learning_rate)
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)

    def slot_init(self, slot, param):
        return np.full_like(param, self.initial_accumulator_value if slot == "accumulator" else 0.0)

    def update(self, p, g, slots, t, glob):
        lr, power = self.learning_rate, -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        accum = slots["accumulator"]
        grad_to_use = g + 2 * self.l2_shrinkage_regularization_strength * p
        new_accum = accum + g * g
        linear = slots["linear"] + grad_to_use - (new_accum ** power - accum ** power) / lr * p
        quadratic = new_accum ** power / lr + 2 * l2
        clipped = ops.minimum(ops.maximum(linear, -l1), l1)
        return (clipped - linear) / quadratic, {"accumulator": new_accum, "linear": linear}


OPTIMIZERS = {cls.name: cls for cls in (SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam, Ftrl)}


def state_name(*parts):
    """The name of a piece of optimizer state: ``optimizer/dense/kernel/momentum``, ``optimizer/iterations``."""
    return "/".join(("optimizer", *parts))


@dataclass(frozen=True)
class Update:
    """One step of an optimizer on named parameters, as nodes: the state it reads (input nodes) and what it makes."""
    t: Node              # input: the number of steps done so far
    globals: dict        # global name -> input node
    slots: dict          # parameter name -> {slot: input node}
    new_params: dict     # parameter name -> node
    new_slots: dict      # parameter name -> {slot: node}
    new_globals: dict    # global name -> node (its input where the step leaves it as it was)
    learning_rate: Node = None   # input: the learning rate, when the graph takes it as one (else a constant)

    @property
    def state(self):
        """The state inputs in the order ``fit`` keeps them: each parameter's slots, the globals, the counter."""
        return [s for slots in self.slots.values() for s in slots.values()] + list(self.globals.values()) + [self.t]

    @property
    def new_state(self):
        """What the state becomes, in the order of ``state``."""
        return ([s for slots in self.new_slots.values() for s in slots.values()] + list(self.new_globals.values())
                + [self.t + 1])


def update(optimizer, params, grads, dtype=None, learning_rate_input=False):
    """The ``Update`` of ``optimizer`` for parameter nodes ``params`` and gradient nodes ``grads`` (by name): its
    state becomes input nodes named by ``state_name`` (the step counter and globals in ``dtype``, by default the
    widest of the parameters'). ``fit``'s step graph and eager updates both build their update here. With
    ``learning_rate_input`` the learning rate is an input too (in ``dtype``), so one graph serves a rate that
    changes from step to step (a schedule). Each parameter is updated in its own dtype, the step's numbers cast
    to it (a float64 weight beside a float16 one keeps its float64 learning rate)."""
    dtype = np.result_type(*(p.dtype for p in params.values())) if dtype is None else np.dtype(dtype)
    lr = None
    if learning_rate_input:
        lr = ops.input(state_name("learning_rate"), (), dtype)
        optimizer = copy.copy(optimizer)
        optimizer.learning_rate = lr
    t = ops.input(state_name("iterations"), (), dtype)
    glob = {g: ops.input(state_name(g), (), dtype) for g in optimizer.global_names()}
    new_glob = {**glob, **optimizer.update_globals(t, glob)}
    slots = {name: {s: ops.input(state_name(name, s), p.shape, p.dtype) for s in optimizer.slot_names}
             for name, p in params.items()}
    new_params, new_slots = {}, {}
    for name, p in params.items():
        own, own_t, own_glob = optimizer, t, new_glob
        if p.dtype != dtype:
            own_t, own_glob = ops.astype(t, p.dtype), {k: ops.astype(v, p.dtype) for k, v in new_glob.items()}
            if lr is not None:
                own = copy.copy(optimizer)
                own.learning_rate = ops.astype(lr, p.dtype)
        new_params[name], updated = own.update(p, grads[name], slots[name], own_t, own_glob)
        new_slots[name] = {s: updated[s] for s in optimizer.slot_names}
    return Update(t, glob, slots, new_params, new_slots, new_glob, lr)


def get(spec):
    """An optimizer from a name (with Keras' defaults) or an Optimizer object."""
    if isinstance(spec, Optimizer):
        return spec
    return lookup("optimizer", "optimizers", spec, OPTIMIZERS)()
