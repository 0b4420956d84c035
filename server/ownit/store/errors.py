"""The store's errors, and the one-line sentences that say what went wrong and what to do.

Every failure a user can meet (a read-only file or folder, a full disk, a folder that is
a file, a database from a newer ownit) ends as a :class:`StoreError` whose message names
the file and the fix; the command line prints it as one line and exits 2, the language
server answers it as an error response.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The store cannot be used; the message says why and what to do."""


class StoreVersionError(StoreError):
    """The database was written by a newer ownit; it is left untouched."""


class UnknownRegionError(StoreError, LookupError):
    """No region with that id exists in this store."""


def sqlite_error_name(exc: sqlite3.Error) -> str:
    return str(getattr(exc, "sqlite_errorname", ""))


def is_busy(exc: sqlite3.Error) -> bool:
    return sqlite_error_name(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _not_writable(path: Path) -> list[Path]:
    """The store's files (SQLite gives its -wal and -shm the database file's mode when it
    creates them: a read-only store leaves read-only ones behind) and folder that this
    process may not write."""
    candidates = (path, Path(f"{path}-wal"), Path(f"{path}-shm"), path.parent)
    return [c for c in candidates if c.exists() and not os.access(c, os.W_OK)]


def explain_sqlite(path: Path, exc: sqlite3.Error, doing: str) -> str | None:
    """A sentence for the failures whose cause is outside ownit (permissions, disk space,
    a folder in the way); ``doing`` says what failed (``cannot open``, ``cannot record``).
    None when SQLite's own words are the best we have."""
    name = sqlite_error_name(exc)
    folder = path.parent
    blocked = _not_writable(path)
    if name == "SQLITE_READONLY_DIRECTORY" or (
        name.startswith("SQLITE_CANTOPEN") and blocked == [folder]
    ):
        return (
            f"{doing} the ownit store {path}: its folder {folder} is read-only (SQLite"
            f" needs to create {path.name}-wal and {path.name}-shm there); make it writable"
            f" (chmod u+w {folder}) and try again"
        )
    if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_CANTOPEN"):
        files = " ".join(str(p) for p in blocked) if blocked else str(path)
        what = f"{files} is read-only" if len(blocked) <= 1 else f"{files} are read-only"
        return (
            f"{doing} the ownit store {path}: {what}; make it writable (chmod u+w {files})"
            " and try again"
        )
    if name == "SQLITE_FULL":
        return (
            f"{doing} the ownit store {path}: the disk is full ({exc}); free some space on"
            f" the disk holding {folder} and try again"
        )
    if name.startswith("SQLITE_IOERR"):
        return (
            f"{doing} the ownit store {path}: the disk refused a read or write ({exc},"
            f" {name}); check free space and quota on the disk holding {folder}, then try"
            " again"
        )
    return None


def explain_os(path: Path, exc: OSError, doing: str) -> str:
    """A sentence for an OS error on the store's file or folder."""
    target = Path(exc.filename) if isinstance(exc.filename, str) else path
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{doing} the ownit store {path}: {target} is not writable ({reason}); make it"
            f" writable (chmod u+w {target}) and try again"
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            f"{doing} the ownit store {path}: no space left ({reason}); free some space on"
            f" the disk holding {path.parent} and try again"
        )
    return f"{doing} the ownit store {path}: {reason} ({target})"


def blocking_file(path: Path) -> Path | None:
    """An ancestor of the store's folder that is a file, not a folder (``.git/ownit``
    replaced by a file): nothing can be created under it."""
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None
