"""Connecting to a store file: is it an ownit database, configured (WAL, busy timeout,
full sync) and migrated to this schema; or why not (docs/store.md).

:func:`connect_valid` raises :class:`Unreadable` for a file whose content is not a usable
ownit database (the caller moves it aside), :class:`StoreVersionError` for one written by
a newer ownit (left untouched) and :class:`StoreError` when the path cannot be opened at
all. A store in a read-only folder or on a full disk is opened read-only
(:func:`_connect_frozen`).

And the files at the store's path, outside SQLite: their identity (is it still the file
we opened?), the lock taken while a store is created, migrated or moved aside, and moving
an unreadable one aside with its ``-wal``/``-shm``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from ownit.store.errors import (
    StoreError,
    StoreVersionError,
    explain_os,
    explain_sqlite,
    sqlite_error_name,
)
from ownit.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_S = 10.0

# SQLite result codes (primary code = extended code & 0xFF) meaning "this file is not a
# usable database": its content is broken, not our access to it.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class Unreadable(Exception):
    """The file is not a readable ownit database (it will be moved aside)."""


def is_unreadable(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    message = str(exc).lower()
    return "not a database" in message or "malformed" in message


def statements(script: str) -> Iterator[str]:
    """Split a migration into statements (``executescript`` would commit midway)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def connect_valid(path: Path, *, locked: bool = False, check: bool = True) -> sqlite3.Connection:
    """Connect, check that the file is an ownit database, migrate it; or raise.

    Raises :class:`Unreadable` if the content is not a usable ownit database,
    :class:`StoreVersionError` if it is newer than we know, :class:`StoreError` if the
    file cannot be opened at all.
    """
    _check_header(path)
    try:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        explained = explain_sqlite(path, exc, "cannot open")
        raise StoreError(explained or f"cannot open the ownit store {path}: {exc}") from exc
    try:
        _configure_and_migrate(conn, path, locked=locked, check=check)
    except StoreError as exc:
        conn.close()
        cause = exc.__cause__
        if isinstance(cause, sqlite3.Error) and (
            _folder_read_only(path, cause) or _disk_full(cause)
        ):
            frozen = _connect_frozen(path, cause, check=check)
            if frozen is not None:
                return frozen
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def _folder_read_only(path: Path, exc: sqlite3.Error) -> bool:
    name = sqlite_error_name(exc)
    return name == "SQLITE_READONLY_DIRECTORY" or (
        name.startswith("SQLITE_CANTOPEN") and not os.access(path.parent, os.W_OK)
    )


def _disk_full(exc: sqlite3.Error) -> bool:
    # SQLITE_IOERR_SHMSIZE when not even the -shm fits; SQLITE_FULL when the -wal does not.
    name = sqlite_error_name(exc)
    return name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR")


class FrozenConnection(sqlite3.Connection):
    """A read-only connection to a store that cannot be written now (its folder is
    read-only, its disk is full); ``cause`` is why, for the message a write gets."""

    cause: sqlite3.Error | None = None


def _connect_frozen(path: Path, cause: sqlite3.Error, *, check: bool) -> sqlite3.Connection | None:
    """A read-only connection to a store whose folder is read-only or whose disk is
    full, or None.

    SQLite cannot create the ``-shm`` it needs there, so it cannot even read; but with
    no ``-wal`` holding changes nobody can be writing this file either (a writer needs
    that folder, and that space, too), so reading it as immutable is exact. Every write
    then fails with a message saying why (``cause``) until the store can be written
    again (:meth:`ownit.store.connection.StoreFile._write` tries again each time).
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None  # changes not yet in the file: only SQLite with a -shm may read them
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(
            uri,
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            factory=FrozenConnection,
        )
    except sqlite3.Error:
        return None
    conn.cause = cause
    try:
        if check:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [tuple(row) for row in rows] != [("ok",)]:
                conn.close()
                return None
        app_id, version = _identity(conn)
        if app_id != APPLICATION_ID or version != SCHEMA_VERSION:
            conn.close()
            if app_id == APPLICATION_ID and version > SCHEMA_VERSION:
                raise StoreVersionError(_too_new(path, version))
            return None  # it needs a migration or a move aside: say the folder is read-only
    except sqlite3.Error:
        conn.close()
        return None
    return conn


_SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_HEADER_SIZE = 100


def _check_header(path: Path) -> None:
    """Reject a file that is not SQLite at all before a read-write connection touches it
    (SQLite would delete its ``-wal``, which belongs in the moved-aside evidence)."""
    try:
        with open(path, "rb") as f:
            header = f.read(_SQLITE_HEADER_SIZE)
    except FileNotFoundError:
        return  # a new store
    except OSError as exc:
        raise StoreError(explain_os(path, exc, "cannot read")) from exc
    if not header:
        return  # an empty file is an empty database
    if len(header) == _SQLITE_HEADER_SIZE and header.startswith(_SQLITE_MAGIC):
        return
    # Looks wrong, but a plain read can race with another process writing the file: ask
    # SQLite (which locks properly), read-only so that it leaves the -wal as it is.
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return  # let the read-write open report what is wrong
    try:
        probe.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        if is_unreadable(exc):
            raise Unreadable(str(exc)) from exc
    finally:
        probe.close()


def _configure_and_migrate(
    conn: sqlite3.Connection, path: Path, *, locked: bool, check: bool = True
) -> None:
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Reading the header and every page finds garbage and truncated files now, not in
        # the middle of a user's claim. It costs time in proportion to the store, so the
        # short-lived processes on hot paths (git hooks, agent checkpoints) skip it:
        # damage they meet mid-write is still a StoreError, and the next editor or CLI
        # start moves the file aside.
        if check:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [tuple(row) for row in rows] != [("ok",)]:
                found = "; ".join(str(r[0]) for r in rows[:3])
                raise Unreadable("integrity check failed: " + found)
        app_id, version = _identity(conn)
        if version > SCHEMA_VERSION and app_id == APPLICATION_ID:
            raise StoreVersionError(_too_new(path, version))
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and _has_tables(conn)):
            raise Unreadable("it is a SQLite database, but not an ownit store")
        if not _is_wal(conn) or version < SCHEMA_VERSION or app_id != APPLICATION_ID:
            # Creating or upgrading: one process at a time. Two connections switching a
            # fresh file to WAL at once can deadlock, and SQLite then answers "locked"
            # at once instead of waiting.
            with contextlib.nullcontext() if locked else file_lock(path):
                if not _is_wal(conn):
                    _set_wal(conn)
                _migrate(conn, path)
        # Durability on power loss as well as on a crash: a claim must survive both.
        conn.execute("PRAGMA synchronous = FULL")
        # A small page cache: every process keeps one connection open for its lifetime
        # (the language server for hours) and reads little; 512 KiB is plenty.
        conn.execute("PRAGMA cache_size = -512")
    except sqlite3.Error as exc:
        if is_unreadable(exc):
            raise Unreadable(str(exc)) from exc
        explained = explain_sqlite(path, exc, "cannot open")
        raise StoreError(explained or f"cannot open the ownit store {path}: {exc}") from exc


def _is_wal(conn: sqlite3.Connection) -> bool:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another program (not ownit) holds the file."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = str(getattr(exc, "sqlite_errorname", "")).startswith("SQLITE_BUSY")
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _identity(conn: sqlite3.Connection) -> tuple[int, int]:
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    return app_id, version


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None


def _too_new(path: Path, version: int) -> str:
    return (
        f"the ownit store {path} was written by a newer ownit (schema version {version};"
        f" this ownit knows up to {SCHEMA_VERSION}). Upgrade ownit; the file was left"
        " untouched."
    )


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to date in one transaction (racing processes queue here)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        app_id, version = _identity(conn)  # again: another process may have migrated
        if app_id == 0 and _has_tables(conn):
            raise Unreadable("it is a SQLite database, but not an ownit store")
        if version > SCHEMA_VERSION:
            raise StoreVersionError(_too_new(path, version))
        for step in range(version, SCHEMA_VERSION):
            migration = MIGRATIONS[step]
            if callable(migration):
                migration(conn)
                continue
            for statement in statements(migration):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# ---------------------------------------------------------------- the files


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
