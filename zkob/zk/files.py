"""Files that appear whole or not at all (docs/protocol.md section 7).

``write_atomic`` writes to a temporary file in the same directory, fsyncs
it, renames it over the target and fsyncs the directory, so a crash leaves
either the old file or the new one, never a torn mix. Standard library only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes | str, mode: int = 0o644, overwrite: bool = True) -> None:
    """Atomically replace ``path`` with ``data`` (str is written as UTF-8).

    ``mode`` sets the permissions before the file becomes visible, so a
    private key is never readable by others even for a moment. With
    ``overwrite=False`` an existing target raises FileExistsError.
    """
    target = Path(path)
    if isinstance(data, str):
        data = data.encode()
    if not overwrite and target.exists():
        raise FileExistsError(f"{target} already exists")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:  # name the file the caller asked for, not our temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not overwrite and target.exists():
            raise FileExistsError(f"{target} already exists")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
