"""One BLAS for NumPy and the kernels: the compiled products call the OpenBLAS that NumPy itself uses.

Numba's ``np.dot`` calls SciPy's OpenBLAS, a second library with its own thread
pool; on a small machine the two pools compete (NumPy's threads still spin
after the user's own NumPy work while the kernel's run; issue 13 saw the MNIST
loop vary from 1.11x to 1.48x the products). NumPy's wheels bundle an ILP64 OpenBLAS
(``numpy.libs/libscipy_openblas64_*``); when it is there, its ``cblas_?gemm``
is made visible to Numba's linker by name, so cached kernels resolve it when
they load. Elsewhere (another NumPy build) ``SHARED`` is False and the kernels
keep ``np.dot``.
"""
import ctypes
import glob
import os

import numpy as np
from numba import types

ROW_MAJOR, NO_TRANSPOSE, TRANSPOSE = 101, 111, 112
# A product of fewer multiply-adds runs on one thread. Handing a small product to a second thread costs
# more than it saves inside a training step (LeNet's products, 2-7 million multiply-adds, made an epoch
# 1.2x slower on two threads than on one, idle), and on a two-core machine with any other work the two
# threads wait for each other: the same epoch took 7x longer. W2's 51-million products gain 1.6x from two.
SMALL_PRODUCT = 1 << 24
_SYMBOLS = {"sgemm": "scipy_cblas_sgemm64_", "dgemm": "scipy_cblas_dgemm64_",
            "set_threads": "scipy_openblas_set_num_threads64_", "get_threads": "scipy_openblas_get_num_threads64_"}


def _numpy_openblas():
    """The path of NumPy's bundled ILP64 OpenBLAS if it exports the products used here, else None."""
    for path in sorted(glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "libscipy_openblas64_*"))):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        if all(hasattr(library, symbol) for symbol in _SYMBOLS.values()):
            return path
    return None


def _declare(symbol, real):
    """``symbol`` as a function Numba code can call: the CBLAS gemm signature, 64-bit sizes, arrays as addresses."""
    size, address = types.int64, types.intp
    return types.ExternalFunction(symbol, types.void(types.intc, types.intc, types.intc, size, size, size, real,
                                                     address, size, address, size, real, address, size))


LIBRARY = _numpy_openblas()
SHARED = LIBRARY is not None
if SHARED:
    import llvmlite.binding

    llvmlite.binding.load_library_permanently(LIBRARY)
sgemm = _declare(_SYMBOLS["sgemm"], types.float32)
dgemm = _declare(_SYMBOLS["dgemm"], types.float64)
set_threads = types.ExternalFunction(_SYMBOLS["set_threads"], types.void(types.intc))
get_threads = types.ExternalFunction(_SYMBOLS["get_threads"], types.intc())
