"""The IDX file format of MNIST (``.gz`` or not): read into NumPy arrays, and write (for tests and tools)."""
import gzip
import math
import os
import struct
import zlib

import numpy as np

from ..errors import GraphgradError
from ..files import atomic_write


class DatasetError(GraphgradError):
    """A data file that is missing or not in the format expected (the message names the file)."""


class MissingFileError(DatasetError, FileNotFoundError):
    """A data file that is not where it was looked for."""


DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
          0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
MAX_NDIM = 32     # NumPy 1's limit on an array's dimensions (a header's ndim byte can say up to 255)
CODES = {np.dtype(v).newbyteorder("=") if v.itemsize > 1 else v: k for k, v in DTYPES.items()}


def _open(path):
    return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")


def read_idx(path):
    """The array stored in an IDX file (gzipped when the name ends in ``.gz``)."""
    if not os.path.exists(path):
        raise MissingFileError(f"no IDX file at '{path}'")
    try:
        with _open(path) as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"cannot read '{path}': {exc}") from None
    return _array(path, data)


def _array(path, data):
    """The array held by ``data``, the bytes of the IDX file ``path``; a DatasetError names what in them is wrong
    (magic number, number of dimensions, a header or data cut short or padded) before anything is allocated."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in DTYPES:
        raise DatasetError(f"'{path}' is not an IDX file (its magic number is {data[:4].hex() or 'missing'})")
    dtype, ndim = DTYPES[data[2]], data[3]
    if ndim > MAX_NDIM:
        raise DatasetError(f"'{path}': its header claims {ndim} dimensions; graphgrad reads at most {MAX_NDIM}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetError(f"'{path}' is cut short: its header needs {header} bytes for {ndim} sizes, the file "
                           f"has {len(data)}")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = math.prod(shape) * dtype.itemsize      # Python ints: a huge shape cannot overflow
    if len(data) - header != expected:
        raise DatasetError(f"'{path}' is truncated or padded: the header promises shape {shape} "
                           f"({expected} bytes of data), the file has {len(data) - header}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path, array):
    """Write ``array`` as an IDX file (gzipped when the name ends in ``.gz``), atomically."""
    array = np.asarray(array)
    code = CODES.get(array.dtype)
    if code is None:
        raise DatasetError(f"IDX cannot store dtype {array.dtype}; use one of uint8, int8, int16, int32, "
                           "float32, float64")
    payload = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload += array.astype(DTYPES[code]).tobytes()
    atomic_write(path, gzip.compress(payload, mtime=0) if str(path).endswith(".gz") else payload)
