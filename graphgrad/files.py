"""Writing files so that a failed run leaves the user's files as they were."""
import os
import tempfile
from pathlib import Path


def atomic_write(path, data):
    """Write ``data`` (str or bytes) to ``path`` via a temporary file and an atomic rename."""
    path = Path(path)
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
