"""The kernels' shared helpers: ``gemm`` (NumPy's own OpenBLAS when reachable) agrees with NumPy's ``@``."""
import numpy as np
from hypothesis import given, settings, strategies as st

from graphgrad.compiler import runtime


def _stored(matrix, transposed):
    """``matrix`` as gemm receives it: C-ordered, or the transpose of a C-ordered array (read in place)."""
    return np.ascontiguousarray(matrix.T).T if transposed else np.ascontiguousarray(matrix)


@settings(max_examples=60, deadline=None)
@given(m=st.integers(1, 9), k=st.integers(1, 9), n=st.integers(1, 9), ta=st.booleans(), tb=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2 ** 16))
def test_gemm_equals_numpy_for_every_layout(m, k, n, ta, tb, dtype, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(m, k)).astype(dtype), rng.normal(size=(k, n)).astype(dtype)
    out = np.full((m, n), np.nan, dtype)
    runtime.gemm(_stored(a, ta), _stored(b, tb), out)
    np.testing.assert_allclose(out, a @ b, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)

