"""The files at a store's path, outside SQLite: their identity (is it still the file we
opened?), the lock taken while a store is created, migrated or moved aside, and moving
an unreadable one aside with its ``-wal``/``-shm`` (docs/store.md)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ownit.store.errors import StoreError


def file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file at ``path`` now (None: there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _utc_stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def move_aside(path: Path) -> Path:
    """Rename ``path`` (and its ``-wal``/``-shm``) to ``<name>.unreadable-<UTC stamp>``."""
    base = path.with_name(f"{path.name}.unreadable-{_utc_stamp()}")
    aside = base
    n = 1
    while aside.exists() or Path(f"{aside}-wal").exists():
        aside = base.with_name(f"{base.name}-{n}")
        n += 1
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        pass  # nothing to move; the fresh store is created below
    except OSError as exc:
        raise StoreError(
            f"the ownit store {path} cannot be read and could not be moved aside: "
            f"{exc.strerror or exc}; move or delete it by hand"
        ) from exc
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    return aside


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``<path>.lock`` while a store is created, migrated or moved
    aside (an open of a ready store never takes it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: best effort without a lock
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(
            f"cannot create the lock file {lock_path} of the ownit store: {exc.strerror or exc}"
        ) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
