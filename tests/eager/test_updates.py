"""eager.Updater: an nn optimizer's rule applied to variables, step by step, as written by hand."""
import numpy as np

from graphgrad import eager
from graphgrad.nn import optimizers


def test_sgd_with_momentum_two_steps_by_hand():
    w = eager.Variable(np.array([1.0, -2.0]))
    updater = eager.Updater(optimizers.SGD(learning_rate=0.1, momentum=0.9))
    g = eager.Tensor.leaf(np.array([0.5, 1.0]))
    m, p = np.zeros(2), np.array([1.0, -2.0])
    for _ in range(2):
        updater.apply([(g, w)])
        m = 0.9 * m - 0.1 * g.numpy()
        p = p + m
        np.testing.assert_allclose(w.numpy(), p, rtol=1e-12)
    assert updater.iterations == 2


def test_adam_bias_correction_uses_the_step_count():
    w = eager.Variable(np.array([0.0]))
    updater = eager.Updater(optimizers.Adam(learning_rate=0.01))
    updater.apply([(eager.Tensor.leaf(np.array([2.0])), w)])
    # first step: m = 0.2, v = 0.004, alpha = 0.01·sqrt(1-0.999)/(1-0.9): a step of ~lr against the gradient
    np.testing.assert_allclose(w.numpy(), [-0.01 * np.sqrt(0.001) / 0.1 * 0.2 / (np.sqrt(0.004) + 1e-7)],
                               rtol=1e-9)


def test_pairs_without_a_gradient_are_skipped():
    w = eager.Variable(np.array([1.0]))
    updater = eager.Updater(optimizers.SGD(learning_rate=0.1))
    assert updater.apply([(None, w)]) == 0 and w.numpy() == 1.0
