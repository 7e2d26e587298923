"""Numba helpers the generated kernels import: BLAS products, stable scalar functions, the loop's randomness.

Being compiled and cached here, once per argument layout, they are shared by
every generated kernel: a new graph does not compile them again.

The random helpers use Numba's own generator (seeded per epoch from the seed
and the epoch number), so the NumPy reference loop that calls them too sees the
same order of mini-batches and the same dropout noise as the compiled loop.
"""
import numpy as np
from numba import njit


@njit(cache=True)
def gemm(a, b, out):
    """out = a @ b by BLAS (``np.dot``, which needs SciPy); Numba's code for it is large, so it is compiled
    here once per layout of the operands (C, or transposed) instead of in every kernel."""
    np.dot(a, b, out)


@njit(cache=True, error_model="numpy")
def sigmoid(x, one):
    """1 / (1 + e^-x) without overflow for large |x| (``one`` carries the dtype)."""
    e = np.exp(-abs(x))
    return one / (one + e) if x >= 0 else e / (one + e)


@njit(cache=True, error_model="numpy")
def softplus(x):
    """ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^-|x|)."""
    return (x if x > 0 else x - x) + np.log1p(np.exp(-abs(x)))


@njit(cache=True)
def epoch_order(order, seed, epoch, shuffle):
    """Fill ``order`` with 0..n-1, shuffled from (seed, epoch) when ``shuffle``; seeds the noise too."""
    for i in range(order.size):
        order[i] = i
    np.random.seed((seed * 1000003 + epoch) % 4294967296)
    if shuffle:
        np.random.shuffle(order)


@njit(cache=True)
def fill_uniform(out):
    """Uniform [0, 1) numbers into ``out`` (dropout masks), continuing the epoch's stream."""
    for i in range(out.size):
        out[i] = np.random.random()


def rng_state():
    """The state of Numba's generator in this thread (what ``epoch_order`` and ``fill_uniform`` draw from)."""
    from numba import _helperlib
    return _helperlib.rnd_get_state(_helperlib.rnd_get_np_state_ptr())


def set_rng_state(state):
    """Put Numba's generator in this thread back to ``state`` (from ``rng_state``), to replay steps."""
    from numba import _helperlib
    _helperlib.rnd_set_state(_helperlib.rnd_get_np_state_ptr(), state)
