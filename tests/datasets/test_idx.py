"""IDX files: round trips (plain and gzipped), and errors that name the file."""
import gzip
import struct

import numpy as np
import pytest

from graphgrad.datasets import DatasetError, MissingFileError, read_idx, write_idx
from graphgrad.errors import GraphgradError


@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
@pytest.mark.parametrize("dtype", ["uint8", "int16", "int32", "float32", "float64"])
def test_round_trip(tmp_path, name, dtype):
    array = (np.arange(24).reshape(2, 3, 4) * 3).astype(dtype)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.dtype(dtype) and np.array_equal(back, array)


def test_header_is_the_standard_big_endian_layout(tmp_path):
    write_idx(tmp_path / "l.gz", np.array([7, 2, 1], dtype=np.uint8))
    raw = gzip.open(tmp_path / "l.gz").read()
    assert raw == bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])


def test_errors_name_the_file(tmp_path):
    with pytest.raises(MissingFileError, match="no IDX file at .*nope"):
        read_idx(tmp_path / "nope")
    (tmp_path / "junk").write_bytes(b"hello world")
    with pytest.raises(DatasetError, match="junk' is not an IDX file"):
        read_idx(tmp_path / "junk")
    (tmp_path / "short").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]))
    with pytest.raises(DatasetError, match="truncated"):
        read_idx(tmp_path / "short")
    assert issubclass(MissingFileError, GraphgradError) and issubclass(MissingFileError, FileNotFoundError)


def _gzip_with_a_corrupt_stream():
    data = gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    return data[:12] + b"\xff" * 8 + data[20:]


@pytest.mark.parametrize("name, data, message", [
    ("cut", bytes([0, 0, 8, 3, 0, 0, 0, 3]), "is cut short: its header needs 16 bytes for 3 sizes, the file has 8"),
    ("ndim255", bytes([0, 0, 8, 255]) + bytes(1020), "claims 255 dimensions; graphgrad reads at most 32"),
    ("huge", bytes([0, 0, 8, 2]) + struct.pack(">2I", 2 ** 32 - 1, 2 ** 32 - 1) + bytes(7),
     r"truncated or padded: .*\(18446744065119617025 bytes of data\)"),
    ("corrupt.gz", _gzip_with_a_corrupt_stream(), "cannot read .*corrupt.gz': Error -3 while decompressing"),
], ids=["cut short", "ndim 255", "huge shape", "corrupt gzip"])
def test_damaged_idx_files_are_refused_in_one_line(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DatasetError, match=message) as error:
        read_idx(tmp_path / name)
    assert "\n" not in str(error.value)
