"""The kernels' shared helpers: ``gemm`` (NumPy's own OpenBLAS when reachable) agrees with NumPy's ``@``."""
import ctypes

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graphgrad.compiler import blas, runtime


def _stored(matrix, transposed):
    """``matrix`` as gemm receives it: flat, C-ordered, or its transpose C-ordered (read in place)."""
    return np.ascontiguousarray(matrix.T if transposed else matrix).reshape(-1)


# The product the kernels use, and the np.dot fallback for NumPy builds that bundle no OpenBLAS.
GEMMS = [runtime.gemm] + ([runtime._scipy_gemm] if runtime.gemm is not runtime._scipy_gemm else [])


@pytest.mark.parametrize("gemm", GEMMS, ids=lambda g: g.__name__)
@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 9), k=st.integers(1, 9), n=st.integers(1, 9), ta=st.booleans(), tb=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2 ** 16))
def test_gemm_equals_numpy_for_every_layout(gemm, m, k, n, ta, tb, dtype, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(m, k)).astype(dtype), rng.normal(size=(k, n)).astype(dtype)
    out = np.full(m * n, np.nan, dtype)
    gemm(_stored(a, ta), ta, _stored(b, tb), tb, out, m, k, n)
    np.testing.assert_allclose(out.reshape(m, n), a @ b, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)



@pytest.mark.skipif(not blas.SHARED, reason="NumPy bundles no OpenBLAS here: the kernels use np.dot")
def test_a_small_product_leaves_numpys_thread_count_as_it_was():
    """A product under SMALL_PRODUCT runs on one thread and gives NumPy its thread count back."""
    library = ctypes.CDLL(blas.LIBRARY)
    get, set_ = library.scipy_openblas_get_num_threads64_, library.scipy_openblas_set_num_threads64_
    before = get()
    try:
        set_(2)
        a = np.ones(64 * 64, np.float32)
        out = np.empty_like(a)
        runtime.gemm(a, False, a, False, out, 64, 64, 64)
        assert get() == 2 and out[0] == 64
    finally:
        set_(before)
