"""Writing a file whole or not at all: the text goes to a temporary file beside it, which
then replaces it, so a failure (a full disk, a killed process) never leaves half a file
nor clobbers the one there. For the files ownit writes for people: a report page, a
policy, an export."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path


def write_whole(path: Path, text: str) -> None:
    """``text`` (UTF-8, line ends as given) to ``path``. A file there keeps its permission
    bits; a new one gets those the umask leaves. Raises :class:`OSError` (for a directory
    at ``path``, one whose ``strerror`` says so)."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a directory", str(path))
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
