"""IDX files: round trips (plain and gzipped), and errors that name the file."""
import gzip

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
