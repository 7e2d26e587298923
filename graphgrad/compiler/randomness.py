"""The training loop's randomness without Numba: the very stream the compiled loop draws.

Inside a kernel ``np.random`` is Numba's Mersenne Twister, seeded and drawn as
NumPy's legacy ``RandomState``, so a ``Stream`` gives the interpreter the same
order of samples and the same dropout noise as ``runtime.epoch_order`` and
``runtime.fill_uniform``. A state is ``(position, keys)`` in both, so training
can move from one to the other between two steps (``tiers``).
"""
import numpy as np

SEED_STRIDE = 1000003     # an epoch's seed: (seed * SEED_STRIDE + epoch) mod 2**32
SEED_MODULUS = 4294967296


class Stream:
    """Shuffles and uniform noise from a RandomState, step for step as the compiled loop's."""

    def __init__(self):
        self.random = np.random.RandomState(0)

    def epoch_order(self, order, seed, epoch, shuffle):
        """Fill ``order`` with 0..n-1, shuffled from (seed, epoch) when ``shuffle``; seeds the noise too."""
        order[:] = np.arange(order.size)
        self.random.seed((seed * SEED_STRIDE + epoch) % SEED_MODULUS)
        if shuffle:
            self.random.shuffle(order)

    def fill_uniform(self, out):
        """Uniform [0, 1) numbers into ``out``, continuing the epoch's stream."""
        out[...] = self.random.random_sample(out.shape)

    def state(self):
        """``(position, keys)``: where the generator is."""
        _, keys, position, *_ = self.random.get_state()
        return int(position), keys.copy()

    def set_state(self, state):
        position, keys = state
        self.random.set_state(("MT19937", np.asarray(keys, np.uint32), int(position)))
