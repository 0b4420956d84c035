"""Reading a file the user named, only if it is a regular file: a named pipe, a device or a
socket in its place is refused, never read (opening a pipe for reading waits for a writer,
forever; a device may never end). For the files ownit reads from a working tree: the files
an agent wrote, the policy, `.gitattributes`, CODEOWNERS, and ownit's own files under
`<git-dir>/ownit/` (the hooks' plan, the commits' records, snapshots, caches, the store)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Non-blocking, so that opening a named pipe returns at once and fstat can refuse it; it
# changes nothing for a regular file.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFileError(OSError):
    """The path is a named pipe, a device or a socket; ``strerror`` says which."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def not_regular(path: Path) -> str | None:
    """What is at ``path`` when it is there and neither a regular file nor a directory
    ("a named pipe (FIFO)", "a device", "a socket"), else None (symlinks followed). For a
    file another library opens by name (SQLite): refused before it would wait on it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return _kind(mode)


def read_regular(path: Path, limit: int = -1) -> bytes:
    """The bytes of the regular file at ``path`` (at most ``limit``, when not negative).

    Raises ``FileNotFoundError``, ``IsADirectoryError``, :class:`NotRegularFileError`
    (``strerror``: "is a named pipe (FIFO), not a regular file") or another ``OSError``.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(
                errno.EINVAL, f"is {_kind(mode)}, not a regular file", str(path)
            )
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # closed by the handle from here
            return handle.read(limit)
    finally:
        if fd >= 0:
            os.close(fd)
