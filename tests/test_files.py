"""atomic_write: errors name the user's path, and temporary files of killed writes are cleaned up."""
import os
import tempfile

import pytest

from graphgrad.files import atomic_write


def test_an_unwritable_folder_is_reported_with_the_users_path(tmp_path, monkeypatch):
    def refuse(dir, prefix, suffix):
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "x1y2" + suffix))
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as caught:
        atomic_write(tmp_path / "w.npz", b"data")
    assert caught.value.filename == str(tmp_path / "w.npz") and ".tmp" not in str(caught.value)


def test_the_next_write_removes_temporaries_of_killed_writes_only(tmp_path):
    dead = tmp_path / ".w.npz.999999999.abc123.tmp"       # no process has this id
    alive = tmp_path / f".w.npz.{os.getpid()}.def456.tmp"  # a write still under way in a live process
    other = tmp_path / ".other.npz.999999999.abc123.tmp"  # another file's temporary
    for path in (dead, alive, other):
        path.write_bytes(b"partial")
    atomic_write(tmp_path / "w.npz", b"data")
    assert (tmp_path / "w.npz").read_bytes() == b"data"
    assert not dead.exists() and alive.exists() and other.exists()
