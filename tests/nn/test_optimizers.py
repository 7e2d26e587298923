"""Each optimizer's update graph against an independent NumPy transcription of Keras 3's update rule,
with gradients from finite differences, over several steps."""
import numpy as np
import pytest

from graphgrad import nn, ops
from graphgrad.backends.numpy_backend import outputs
from graphgrad.graph import Graph
from graphgrad.errors import InputValueError, UnknownNameError

from tests.nn.nn_helpers import model_numeric_gradients, small_model


def ref_sgd(lr=0.01, momentum=0.0, nesterov=False):
    def update(p, g, s, t):
        if not momentum:
            return p - lr * g
        m = s.get("m", np.zeros_like(p))
        m = momentum * m - lr * g
        s["m"] = m
        return p + momentum * m - lr * g if nesterov else p + m
    return update


def ref_rmsprop(lr=0.001, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    def update(p, g, s, t):
        v = rho * s.get("v", 0 * p) + (1 - rho) * g ** 2
        s["v"] = v
        den = v + eps
        if centered:
            a = rho * s.get("a", 0 * p) + (1 - rho) * g
            s["a"] = a
            den = v - a ** 2 + eps
        inc = lr * g / np.sqrt(den)
        if momentum:
            s["m"] = momentum * s.get("m", 0 * p) + inc
            return p - s["m"]
        return p - inc
    return update


def ref_adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False):
    def update(p, g, s, t):
        step = t + 1
        alpha = lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
        m = s.get("m", 0 * p); v = s.get("v", 0 * p)
        m = m + (g - m) * (1 - b1)
        v = v + (g ** 2 - v) * (1 - b2)
        s["m"], s["v"] = m, v
        if amsgrad:
            s["vh"] = np.maximum(s.get("vh", 0 * p), v)
            v = s["vh"]
        return p - alpha * m / (np.sqrt(v) + eps)
    return update


def ref_adagrad(lr=0.001, init=0.1, eps=1e-7):
    def update(p, g, s, t):
        s["a"] = s.get("a", np.full_like(p, init)) + g ** 2
        return p - lr * g / np.sqrt(s["a"] + eps)
    return update


def ref_adadelta(lr=0.001, rho=0.95, eps=1e-7):
    def update(p, g, s, t):
        ag = rho * s.get("ag", 0 * p) + (1 - rho) * g ** 2
        adv = s.get("adv", 0 * p)
        delta = -np.sqrt(adv + eps) * g / np.sqrt(ag + eps)
        s["ag"], s["adv"] = ag, rho * adv + (1 - rho) * delta ** 2
        return p + lr * delta
    return update


def ref_adamax(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    def update(p, g, s, t):
        m = s.get("m", 0 * p); u = s.get("u", 0 * p)
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        s["m"], s["u"] = m, u
        return p - lr * m / ((1 - b1 ** (t + 1)) * (u + eps))
    return update


def ref_nadam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    mu = lambda step: b1 * (1 - 0.5 * 0.96 ** (0.004 * step))

    def update(p, g, s, t):
        u_prod = np.prod([mu(k) for k in range(1, t + 2)])     # product of mu_1..mu_{t+1}
        u_prod_next = u_prod * mu(t + 2)
        m = s.get("m", 0 * p); v = s.get("v", 0 * p)
        m = m + (g - m) * (1 - b1)
        v = v + (g ** 2 - v) * (1 - b2)
        s["m"], s["v"] = m, v
        m_hat = mu(t + 2) * m / (1 - u_prod_next) + (1 - mu(t + 1)) * g / (1 - u_prod)
        v_hat = v / (1 - b2 ** (t + 1))
        return p - m_hat * lr / (np.sqrt(v_hat) + eps)
    return update


def ref_ftrl(lr=0.001, power=-0.5, init=0.1, l1=0.0, l2=0.0, shrink=0.0, beta=0.0):
    def update(p, g, s, t):
        acc = s.get("acc", np.full_like(p, init)); lin = s.get("lin", 0 * p)
        l2b = l2 + beta / (2 * lr)
        g2 = g + 2 * shrink * p
        new_acc = acc + g ** 2
        lin = lin + g2 - ((new_acc ** -power) - (acc ** -power)) / lr * p
        quad = new_acc ** -power / lr + 2 * l2b
        s["acc"], s["lin"] = new_acc, lin
        return (np.clip(lin, -l1, l1) - lin) / quad
    return update


CASES = [
    (nn.SGD(), ref_sgd()),
    (nn.SGD(learning_rate=0.1, momentum=0.9), ref_sgd(0.1, 0.9)),
    (nn.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), ref_sgd(0.1, 0.9, True)),
    (nn.RMSprop(), ref_rmsprop()),
    (nn.RMSprop(learning_rate=0.01, momentum=0.5, centered=True), ref_rmsprop(0.01, momentum=0.5, centered=True)),
    (nn.Adam(), ref_adam()),
    (nn.Adam(learning_rate=0.01, amsgrad=True), ref_adam(0.01, amsgrad=True)),
    (nn.Adagrad(), ref_adagrad()),
    (nn.Adadelta(learning_rate=1.0), ref_adadelta(1.0)),
    (nn.Adamax(), ref_adamax()),
    (nn.Nadam(), ref_nadam()),
    (nn.Ftrl(learning_rate=0.1), ref_ftrl(0.1)),
    (nn.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.02,
             l2_shrinkage_regularization_strength=0.03, beta=0.5), ref_ftrl(0.1, l1=0.01, l2=0.02, shrink=0.03, beta=0.5)),
]


@pytest.mark.parametrize("optimizer, reference", CASES, ids=[repr(c[0]) for c in CASES])
def test_update_rule_matches_keras_formula(optimizer, reference, rng):
    model = small_model("tanh", "linear", units=(3, 2))
    model.compile(optimizer=optimizer, loss="mse")
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    expected = {k: v.copy() for k, v in model.weights.items()}
    slots = {k: {} for k in expected}
    for t in range(3):
        grads = model_numeric_gradients(model, x, y)
        for name in expected:
            expected[name] = reference(expected[name], grads[name], slots[name], t)
        model.fit(x, y, batch_size=5, epochs=1, shuffle=False, verbose=0)
        for name, value in model.weights.items():
            np.testing.assert_allclose(value, expected[name], rtol=1e-6, atol=1e-9, err_msg=f"{name} step {t}")
        model.set_weights(list(expected.values()))     # keep both on the same path
    assert float(model._state["optimizer/iterations"]) == 3


def test_keras_default_hyperparameters():
    assert nn.SGD().learning_rate == 0.01 and nn.SGD().momentum == 0
    assert (nn.RMSprop().learning_rate, nn.RMSprop().rho, nn.RMSprop().epsilon) == (0.001, 0.9, 1e-7)
    assert (nn.Adam().beta_1, nn.Adam().beta_2, nn.Adam().epsilon) == (0.9, 0.999, 1e-7)
    assert nn.Adagrad().initial_accumulator_value == 0.1 and nn.Adadelta().rho == 0.95
    assert nn.Ftrl().learning_rate_power == -0.5


def test_optimizer_by_name_and_unknown_name_lists_known():
    model = small_model()
    model.compile(optimizer="adam", loss="mse")
    assert isinstance(model.optimizer, nn.Adam)
    with pytest.raises(UnknownNameError, match="unknown optimizer 'adamw'.*rmsprop.*sgd"):
        model.compile(optimizer="adamw", loss="mse")


@pytest.mark.parametrize("optimizer", [nn.SGD, nn.RMSprop, nn.Adam, nn.Adagrad, nn.Adadelta, nn.Adamax, nn.Nadam,
                                       nn.Ftrl])
@pytest.mark.parametrize("rate", [0, -0.01, float("nan"), float("inf"), "fast"])
def test_learning_rate_must_be_a_positive_number(optimizer, rate):
    with pytest.raises(InputValueError, match=rf"{optimizer.__name__}: learning_rate must be a finite number in "
                                              rf"\(0, inf\), got {rate!r}"):
        optimizer(learning_rate=rate)


def test_update_names_its_state_and_lists_it_in_the_order_it_is_fed_back():
    w, g = ops.input("w", (2,), np.float64), ops.input("g", (2,), np.float64)
    step = nn.optimizers.update(nn.optimizers.Adam(learning_rate=0.1), {"w": w}, {"w": g}, np.float64)
    assert [n.name for n in step.state] == ["optimizer/w/momentum", "optimizer/w/velocity", "optimizer/iterations"]
    gradient = np.array([1.0, -2.0])
    feed = {w.id: np.zeros(2), g.id: gradient, step.state[0].id: np.zeros(2), step.state[1].id: np.zeros(2),
            step.state[2].id: np.asarray(4.0)}
    m, v, t = outputs(Graph(step.new_state, [w, g, *step.state]), feed)
    np.testing.assert_allclose(m, 0.1 * gradient)       # Keras: m += (g - m)(1 - beta_1) from zero
    np.testing.assert_allclose(v, 0.001 * gradient ** 2)
    assert t == 5.0
