"""Writing files so that a failed run leaves the user's files as they were."""
import glob
import io
import os
import tempfile
from pathlib import Path

import numpy as np


def _stale_temporaries(path):
    """Temporary files of earlier writes of ``path`` whose process is gone (a killed save)."""
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            yield tmp


def _alive(pid):
    """Whether a process with this id exists (another user's counts too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def atomic_write(path, data):
    """Write ``data`` (str or bytes) to ``path`` via a temporary file and an atomic rename.

    The folder is made if needed; the file gets the usual permissions (the
    temporary file, named with this process's id, is private until it is
    complete). Temporary files left by a killed process are removed. An error
    names ``path``, not the temporary file. Returns the path.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in _stale_temporaries(path):
            stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        _discard(tmp)
        raise
    return path


def save_arrays(path, arrays):
    """Write the named ``arrays`` to an ``.npz`` archive at ``path``, atomically (as ``atomic_write``)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return atomic_write(path, buffer.getvalue())


def load_arrays(path):
    """The named arrays of the ``.npz`` archive at ``path``, refusing pickled objects; NumPy's and zipfile's
    errors pass through for the caller to word."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _discard(tmp):
    if os.path.exists(tmp):
        os.unlink(tmp)
