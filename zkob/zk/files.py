"""Files that appear whole or not at all (docs/protocol.md section 7), with the permissions they should have.

``write_atomic`` writes to a temporary file in the same directory, fsyncs
it, renames it over the target and fsyncs the directory, so a crash leaves
either the old file or the new one, never a torn mix. A file gets what the
umask gives any new file, unless the caller names a mode: ``PRIVATE``
(0600) for files that hold secrets or private data, set whatever the
umask, before the file becomes visible. Standard library only.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

PRIVATE = 0o600  # key files, batch.json, signed batches, witnesses: the owner only

_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


def write_atomic(path: str | os.PathLike[str], data: bytes | str, mode: int | None = None,
                 overwrite: bool = True) -> None:
    """Atomically replace ``path`` with ``data`` (str is written as UTF-8).

    ``mode`` None gives the permissions of any new file (0666 less the
    umask); an explicit mode (``PRIVATE``) is set exactly, whatever the
    umask, before the file becomes visible, so a private file is never
    readable by others even for a moment. With ``overwrite=False`` the
    file is created exclusively: it is published with link(2), which
    fails if the target exists, so a file that another process creates
    at any moment is never replaced (FileExistsError). Where hard links
    are unsupported it is created with O_EXCL and written in place.
    """
    target = Path(path)
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(data, bytes):
        raise TypeError(f"write_atomic takes bytes or str, not {type(data).__name__}")
    if not overwrite and (target.exists() or target.is_symlink()):
        raise FileExistsError(f"{target} already exists")
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = _temporary(directory, target, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, target)
        elif not _link_exclusive(tmp, target):
            _write_exclusive(target, data, mode)
    finally:
        tmp.unlink(missing_ok=True)  # after a link the temporary name is left over; after a replace it is gone
    _fsync_dir(directory)


def _temporary(directory: Path, target: Path, mode: int | None) -> tuple[int, Path]:
    """A new temporary file beside ``target``: 0666 less the umask, or exactly ``mode``."""
    while True:
        tmp = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666 if mode is None else 0o600)
        except FileExistsError:
            continue
        except OSError as exc:  # name the file the caller asked for, not our temporary one
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        try:
            if mode is not None:
                os.fchmod(fd, mode)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        return fd, tmp


def _link_exclusive(tmp: Path, target: Path) -> bool:
    """Publish ``tmp`` as ``target`` unless it exists (FileExistsError); False when links are unsupported."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileExistsError(f"{target} already exists") from None
    except OSError as exc:
        if exc.errno in _NO_HARD_LINKS:
            return False
        raise
    return True


def _write_exclusive(target: Path, data: bytes, mode: int | None) -> None:
    """Create ``target`` with O_EXCL and write it in place (for file systems without hard links)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666 if mode is None else 0o600)
    except FileExistsError:
        raise FileExistsError(f"{target} already exists") from None
    with os.fdopen(fd, "wb") as handle:
        if mode is not None:
            os.fchmod(handle.fileno(), mode)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


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
