"""A store's file and its one connection: opening (creating, migrating, or moving an
unreadable file aside and keeping what it still holds), transactions, and noticing that
the file was deleted or replaced under an open store (docs/store.md).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from abc import abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

from ownit.regular_file import not_regular
from ownit.store.errors import (
    StoreError,
    blocking_file,
    explain_os,
    explain_sqlite,
    is_busy,
)
from ownit.store.opening import (
    BUSY_TIMEOUT_S,
    FrozenConnection,
    Unreadable,
    connect_valid,
    file_identity,
    file_lock,
    is_unreadable,
    move_aside,
)

# The variable that names the store file (read by git/repo.store_path; store/ does not
# import git/): ownit creates that file, never the folders it is in.
STORE_VARIABLE = "OWNIT_STORE"


# SQLite's files beside the database, and the lock ownit takes while it makes one.
_BESIDE = ("-wal", "-shm", "-journal", ".lock")


def _named_by_variable(path: Path) -> bool:
    named = os.environ.get(STORE_VARIABLE)
    return named is not None and named != "" and Path(named).expanduser() == path


class StoreFile:
    """The file and connection under :class:`ownit.store.Store` (which adds what is
    stored). Thread-safe: one lock serialises the use of the connection. Not fork-safe:
    open a new store in a child process.
    """

    path: Path
    recovered_from: Path | None
    recovery_message: str | None
    # Called (under the store's lock, before the write that noticed) when the file was
    # deleted or replaced under this open store and a fresh one took its place; the
    # argument says which happened. The session writes back what it holds in memory.
    on_recreated: Callable[[Self, str], None] | None

    def __init__(self, conn: sqlite3.Connection, path: Path, *, check: bool = True) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        self._check = check
        self._identity = file_identity(path)
        self.recovered_from = None
        self.recovery_message = None
        self.salvaged: tuple[int, int, int] = (0, 0, 0)  # regions, claims, dismissals kept
        self._lost: str | None = None  # why the connection was dropped (file deleted…)
        self.on_recreated = None
        # The last basis text hashed: a document marked many times between two edits
        # hands the same text object again, and is not hashed again.
        self._last_hashed: tuple[str | None, str] = (None, "")

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path, *, check: bool = True) -> Self:
        """Open (creating or migrating as needed) the store at ``path``.

        Raises :class:`StoreError` only when the path cannot hold a store at all (a
        directory, no permission, a full disk) and :class:`StoreVersionError` when the
        database is newer than this ownit. An unreadable file is moved aside instead;
        see the module docstring.
        """
        path = Path(path)
        if path.is_dir():
            raise StoreError(
                f"cannot open the ownit store: {path} is a directory, not a database file;"
                " move it away (ownit will create a fresh store there)"
            )
        for part in (path, *(path.with_name(path.name + end) for end in _BESIDE)):
            kind = not_regular(part)
            if kind is not None:  # SQLite would open a named pipe and wait on it forever
                again = "a fresh store" if part == path else "it"
                raise StoreError(
                    f"cannot open the ownit store {path}: {part} is {kind}, not a regular"
                    f" file; remove it (ownit will make {again} there)"
                )
        blocker = blocking_file(path)
        if blocker is not None:
            raise StoreError(
                f"cannot open the ownit store {path}: {blocker} is a file, not a folder;"
                " move it away (ownit will create the folder and a fresh store there)"
            )
        if _named_by_variable(path) and not path.parent.is_dir():
            # A typo in $OWNIT_STORE must not leave a chain of new folders behind.
            raise StoreError(
                f"cannot open the ownit store {path}: its folder {path.parent} does not"
                f" exist; {STORE_VARIABLE} must name a file in an existing folder: create"
                f" the folder, or fix or unset {STORE_VARIABLE}"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(explain_os(path, exc, "cannot create the folder for")) from exc
        try:
            return cls(connect_valid(path, check=check), path, check=check)
        except Unreadable as first:
            return cls._recover(path, str(first), check=check)

    @classmethod
    def _recover(cls, path: Path, reason: str, *, check: bool = True) -> Self:
        # Another process may be recovering the same file right now: take a lock, look
        # again, and move aside only what is still unreadable.
        with file_lock(path):
            try:
                return cls(connect_valid(path, locked=True), path, check=check)
            except Unreadable as again:
                reason = str(again)
            aside = move_aside(path)
            try:
                store = cls(connect_valid(path, locked=True), path, check=check)
            except Unreadable as exc:  # pragma: no cover - a fresh file is always valid
                raise StoreError(f"cannot create a fresh ownit store at {path}: {exc}") from exc
            # Before anyone else recovers (they wait on the lock): what can still be read.
            store.salvaged = store._salvage(aside)
        store.recovered_from = aside
        regions, claims, dismissals = store.salvaged
        if regions:
            store.recovery_message = (
                f"The ownit store {path} could not be read ({reason}). It was moved aside to"
                f" {aside} and a new store was created with what could still be read from"
                f" it: {regions} region(s), {claims} claim(s), {dismissals} dismissal(s);"
                " anything else it held is only in the old file."
            )
        else:
            store.recovery_message = (
                f"The ownit store {path} could not be read ({reason}). It was moved aside to"
                f" {aside} and a new, empty store was created; regions and claims recorded"
                " before are in the old file."
            )
        return store

    @abstractmethod
    def _salvage(self, aside: Path) -> tuple[int, int, int]:
        """Copy into this (fresh) store what the moved-aside file still holds; returns how
        many regions, claims and dismissals were kept (:class:`ownit.store.Store`)."""

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        with self._lock:
            self._lost = None
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None and self._lost is not None:
            self.ensure_current()  # the file went: a new one first (or the reason it cannot)
        if self._conn is None:
            raise StoreError(f"the ownit store {self.path} is closed")
        return self._conn

    @contextlib.contextmanager
    def _use(self, *, writing: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; SQLite failures become :class:`StoreError`.

        ``IntegrityError`` passes through: callers turn it into a precise message.
        """
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.IntegrityError:
                raise
            except sqlite3.Error as exc:
                raise StoreError(self._explain(exc, writing=writing)) from exc

    def _explain(self, exc: sqlite3.Error, *, writing: bool = False) -> str:
        if is_busy(exc):
            return (
                f"the ownit store {self.path} stayed locked by another process for"
                f" {BUSY_TIMEOUT_S:g} s ({exc}); nothing was recorded, try again"
            )
        if is_unreadable(exc):
            return (
                f"the ownit store {self.path} is damaged ({exc}); run `ownit status` to move"
                " it aside and start a fresh one"
            )
        doing = "cannot record in" if writing else "cannot read"
        conn = self._conn
        if writing and isinstance(conn, FrozenConnection) and conn.cause is not None:
            exc = conn.cause  # opened read-only for this reason: say it, not "read-only"
        explained = explain_sqlite(self.path, exc, doing)
        if explained is not None:
            return explained
        return f"{doing} the ownit store {self.path}: {exc}"

    # ------------------------------------------------------------- identity

    def ensure_current(self: Self) -> str | None:
        """Reopen the store if its file was deleted or replaced since it was opened.

        SQLite keeps writing to a deleted file through the open connection, so a claim
        made after ``rm state.db*`` would be acknowledged and then lost with the
        process. Called before every write (and by the server's poll): a fresh store is
        opened at the path (a replacement that is not a readable ownit store is moved
        aside as on open), :attr:`on_recreated` writes back what the caller holds, and
        the reason (``deleted``, ``replaced by another file``) is returned.
        """
        with self._lock:
            if self._conn is not None:
                now = file_identity(self.path)
                if now is not None and now == self._identity:
                    return None
                # Safe with another process already using a new file at the path: SQLite
                # does not checkpoint or delete the -wal of a database file that moved.
                self._conn.close()
                self._conn = None
                self._lost = "deleted" if now is None else "replaced by another file"
            reason = self._lost
            if reason is None:
                return None  # closed by close(): _connection() says so
            try:
                fresh = type(self).open(self.path, check=self._check)
            except StoreError as exc:
                raise StoreError(
                    f"the ownit store {self.path} was {reason} while ownit had it open, and"
                    f" no new one can be made there: {exc}"
                ) from exc
            self._lost = None
            self._conn, fresh._conn = fresh._conn, None
            self._identity = fresh._identity
            self._last_hashed = (None, "")
            if fresh.recovered_from is not None:
                self.recovered_from = fresh.recovered_from
                self.recovery_message = fresh.recovery_message
            if self.on_recreated is not None:
                try:
                    self.on_recreated(self, reason)
                except BaseException:
                    # Not written back (a full disk…): the next use tries again, rather
                    # than go on with a store missing what the caller holds.
                    if self._conn is not None:
                        self._conn.close()
                    self._conn, self._lost = None, reason
                    raise
            return reason

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One committed write transaction (``BEGIN IMMEDIATE`` queues behind other writers).

        The file is checked before (:meth:`ensure_current`) and after: a write that went
        to a file deleted meanwhile raises, so that nothing lost is ever acknowledged.
        """
        with self._lock:
            self.ensure_current()
            self._thaw()
            with self._use(writing=True) as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    raise
            if file_identity(self.path) != self._identity:
                raise StoreError(
                    f"the ownit store {self.path} was deleted or replaced during a write;"
                    " it is not sure to be recorded: try again (ownit recreates the store)"
                )

    def _thaw(self) -> None:
        """A store opened read-only because it could not be written (its folder read-only,
        its disk full) is opened again for writing when that has changed: a process that
        lives long (the language server) must not refuse claims once space is freed."""
        frozen = self._conn
        if not isinstance(frozen, FrozenConnection):
            return
        try:
            fresh = connect_valid(self.path, check=False)
        except (StoreError, Unreadable):
            return  # still not writable: the write fails and says why
        if isinstance(fresh, FrozenConnection):
            fresh.close()
            return
        frozen.close()
        self._conn = fresh

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one consistent snapshot."""
        with self._use() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("COMMIT")

    def data_version(self) -> int:
        """``PRAGMA data_version``: changes when *another* connection commits.

        Cheap enough to poll; a server compares it with the last value it saw to notice
        marks and claims written by the CLI, a hook or another editor.
        """
        with self._use() as conn:
            row = conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])
