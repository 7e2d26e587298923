"""Writing files so that a failed run leaves the user's files as they were."""
import os
import tempfile
from pathlib import Path


def atomic_write(path, data):
    """Write ``data`` (str or bytes) to ``path`` via a temporary file and an atomic rename.

    The folder is made if needed; the file gets the usual permissions (the
    temporary file is private until it is complete). Returns the path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
