"""SQLite persistence of regions, claims, dismissals and events (docs/store.md).

One :class:`Store` wraps one connection. Several processes (editors' servers, git hooks,
the CLI) share the same file: WAL lets readers run beside a writer, every write is one
``BEGIN IMMEDIATE`` transaction committed before the method returns, and the busy
timeout makes writers queue instead of failing.

Opening never loses data silently:

- a file that is not a readable ownit database (garbage, truncated or corrupt, another
  program's SQLite file) is moved aside to ``state.db.unreadable-<UTC timestamp>`` (with
  its ``-wal``/``-shm``) and a fresh store is created, holding what could still be read
  from the old one (``store/salvage.py``); :attr:`Store.recovered_from`,
  :attr:`Store.salvaged` and :attr:`Store.recovery_message` say so;
- an empty file is simply initialised (it holds nothing to lose);
- a database written by a *newer* ownit (a schema version we do not know) is left
  untouched and :class:`StoreVersionError` is raised: moving it aside would hide the newer
  tool's claims from it, and an older hook or CLI must not do that to a running newer
  editor;
- a path we cannot use at all (a directory, a file in place of its folder, no
  permission, a full disk) raises :class:`StoreError` with a sentence that names the file
  and what to do (``store/errors.py``); a store in a read-only folder is still read.

And writing never loses data silently: before each write the file at the path is checked
to be the one the connection has open (:meth:`Store.ensure_current`). One deleted or
replaced meanwhile is reopened at the path and the caller writes back what it holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from ownit.core.model import (
    CONFIDENCE,
    Claim,
    Dismissal,
    Region,
    RegionState,
    RegionStatus,
    Source,
)
from ownit.store.errors import (
    StoreError,
    StoreVersionError,
    UnknownRegionError,
    blocking_file,
    explain_os,
    explain_sqlite,
    is_busy,
    sqlite_error_name,
)
from ownit.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "Store",
    "StoreError",
    "StoreEvent",
    "StoreVersionError",
    "UnknownRegionError",
    "new_region_id",
    "snapshot_hash",
]

BUSY_TIMEOUT_S = 10.0

_REGION_COLUMNS = (
    "id, path, first_line, end_line, tool, model, source, confidence, created_at,"
    " fingerprint, status, session"
)

# SQLite result codes (primary code = extended code & 0xFF) meaning "this file is not a
# usable database": its content is broken, not our access to it.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class _Unreadable(Exception):
    """Internal: the file is not a readable ownit database (it will be moved aside)."""


@dataclass(frozen=True, slots=True)
class StoreEvent:
    """Something that happened to a region: ``added``, ``removed``, ``lost``, ``reanchored``…"""

    id: int
    region_id: str
    kind: str
    detail: str
    at: float


def new_region_id() -> str:
    """A fresh region id: 12 random hex digits (48 bits from :func:`os.urandom`, what
    :mod:`secrets` reads, without importing it and :mod:`random` on every hook).

    Collisions are astronomically unlikely, and :meth:`Store.add_region` refuses a
    duplicate id rather than overwrite, so one can never silently replace another.
    """
    return os.urandom(6).hex()


def snapshot_hash(text: str) -> str:
    """The content hash a basis snapshot is stored under."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _source(value: str) -> Source:
    try:
        return Source(value)
    except ValueError:
        # Only a newer writer can produce this; degrade to the least certain source.
        return Source.HEURISTIC


def _is_unreadable(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    message = str(exc).lower()
    return "not a database" in message or "malformed" in message


class Store:
    """The ownit state database. Create with :meth:`Store.open`.

    Thread-safe: one lock serialises the use of the connection. Not fork-safe: open a new
    store in a child process.
    """

    path: Path
    recovered_from: Path | None
    recovery_message: str | None
    # Called (under the store's lock, before the write that noticed) when the file was
    # deleted or replaced under this open store and a fresh one took its place; the
    # argument says which happened. The session writes back what it holds in memory.
    on_recreated: Callable[[Store, str], None] | None

    def __init__(self, conn: sqlite3.Connection, path: Path, *, check: bool = True) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        self._check = check
        self._identity = _file_identity(path)
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
    def open(cls, path: Path, *, check: bool = True) -> Store:
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
        blocker = blocking_file(path)
        if blocker is not None:
            raise StoreError(
                f"cannot open the ownit store {path}: {blocker} is a file, not a folder;"
                " move it away (ownit will create the folder and a fresh store there)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(explain_os(path, exc, "cannot create the folder for")) from exc
        try:
            return cls(_connect_valid(path, check=check), path, check=check)
        except _Unreadable as first:
            return cls._recover(path, str(first), check=check)

    @classmethod
    def _recover(cls, path: Path, reason: str, *, check: bool = True) -> Store:
        # Another process may be recovering the same file right now: take a lock, look
        # again, and move aside only what is still unreadable.
        with _file_lock(path):
            try:
                return cls(_connect_valid(path, locked=True), path, check=check)
            except _Unreadable as again:
                reason = str(again)
            aside = _move_aside(path)
            try:
                store = cls(_connect_valid(path, locked=True), path, check=check)
            except _Unreadable as exc:  # pragma: no cover - a fresh file is always valid
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

    def _salvage(self, aside: Path) -> tuple[int, int, int]:
        """Copy into this (fresh) store what the moved-aside file still holds."""
        from ownit.store.salvage import readable_states

        states = readable_states(aside)
        if not states:
            return 0, 0, 0
        try:
            return self.restore(states)
        except (StoreError, ValueError):
            return 0, 0, 0

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        with self._lock:
            self._lost = None
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
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
        if _is_unreadable(exc):
            return (
                f"the ownit store {self.path} is damaged ({exc}); run `ownit status` to move"
                " it aside and start a fresh one"
            )
        doing = "cannot record in" if writing else "cannot read"
        explained = explain_sqlite(self.path, exc, doing)
        if explained is not None:
            return explained
        return f"{doing} the ownit store {self.path}: {exc}"

    # ------------------------------------------------------------- identity

    def ensure_current(self) -> str | None:
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
                now = _file_identity(self.path)
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
                fresh = Store.open(self.path, check=self._check)
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
            if _file_identity(self.path) != self._identity:
                raise StoreError(
                    f"the ownit store {self.path} was deleted or replaced during a write;"
                    " it is not sure to be recorded: try again (ownit recreates the store)"
                )

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

    # ------------------------------------------------------------------ snapshots

    def _put_snapshot(self, conn: sqlite3.Connection, text: str | None) -> str | None:
        if text is None:
            return None
        last_text, digest = self._last_hashed
        if text is not last_text:
            digest = snapshot_hash(text)
            self._last_hashed = (text, digest)
        conn.execute(
            "INSERT OR IGNORE INTO snapshots (hash, text, created_at) VALUES (?, ?, ?)",
            (digest, text, time.time()),
        )
        return digest

    @staticmethod
    def _drop_unreferenced(conn: sqlite3.Connection, hashes: set[str]) -> None:
        for digest in hashes:
            conn.execute(
                "DELETE FROM snapshots WHERE hash = ?"
                " AND NOT EXISTS (SELECT 1 FROM regions WHERE basis = ?)",
                (digest, digest),
            )

    def gc_snapshots(self) -> int:
        """Delete every snapshot no region refers to; returns how many went.

        Writes already collect the snapshots they stop using; this sweeps anything left.
        """
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM snapshots WHERE hash NOT IN"
                " (SELECT basis FROM regions WHERE basis IS NOT NULL)"
            )
            return cur.rowcount

    def basis_text(self, region_id: str) -> str | None:
        """The text the region's stored line numbers refer to, if it was recorded."""
        with self._use() as conn:
            row = conn.execute(
                "SELECT s.text FROM regions r JOIN snapshots s ON s.hash = r.basis WHERE r.id = ?",
                (region_id,),
            ).fetchone()
        return None if row is None else str(row[0])

    def region_bases(
        self, path: str, *, include_inactive: bool = False
    ) -> tuple[dict[str, str], dict[str, str]]:
        """The texts the regions of ``path`` refer to, read at once: ``(region id -> basis
        hash, basis hash -> text)``, each distinct text once (a region without a recorded
        basis is not listed). A document's regions usually share one or two texts."""
        cond = "" if include_inactive else " AND status = 'active'"
        with self._read() as conn:
            bases = conn.execute(
                f"SELECT id, basis FROM regions WHERE path = ? AND basis IS NOT NULL{cond}",
                (path,),
            ).fetchall()
            texts = conn.execute(
                "SELECT hash, text FROM snapshots WHERE hash IN"
                f" (SELECT DISTINCT basis FROM regions WHERE path = ?{cond})",
                (path,),
            ).fetchall()
        return {str(r[0]): str(r[1]) for r in bases}, {str(h): str(t) for h, t in texts}

    # ------------------------------------------------------------------ regions

    def add_region(self, region: Region, basis_text: str | None) -> None:
        """Record a new region; ``basis_text`` is the file text its lines refer to.

        Raises :class:`ValueError` if a region with that id already exists.
        """
        now = time.time()
        try:
            with self._write() as conn:
                basis = self._put_snapshot(conn, basis_text)
                conn.execute(
                    f"INSERT INTO regions ({_REGION_COLUMNS}, basis, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        region.id,
                        region.path,
                        region.first_line,
                        region.end_line,
                        region.tool,
                        region.model,
                        str(region.source),
                        region.confidence,
                        region.created_at,
                        region.fingerprint,
                        str(region.status),
                        region.session,
                        basis,
                        now,
                    ),
                )
                _insert_event(conn, region.id, "added", str(region.source), now)
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
                raise ValueError(f"a region with id {region.id!r} already exists") from exc
            raise ValueError(f"invalid region {region.id!r}: {exc}") from exc

    def update_positions(
        self,
        path: str,
        positions: Sequence[tuple[str, int, int, str]],
        basis_text: str | None,
    ) -> None:
        """Move regions of ``path`` in one transaction.

        ``positions`` holds ``(region_id, first_line, end_line, fingerprint)``; every
        listed region's basis becomes ``basis_text`` (``None``: the text is not known).
        Ids that are unknown or belong to another path are skipped: another process may
        have written this store since the caller read it, and one stale id must not lose
        the others' positions. Snapshots no longer referenced are deleted.
        """
        if not positions:
            return
        for region_id, first, end, _ in positions:
            if first < 0 or end < first:
                raise ValueError(f"invalid line range {first}..{end} for region {region_id!r}")
        self._reposition(path, path, positions, basis_text)

    def set_status(self, region_id: str, status: RegionStatus, detail: str) -> None:
        """Change a region's status and record why as an event.

        The event's kind is the new status (``removed``, ``lost``), or for a region that
        becomes active again ``reanchored`` (it was lost) or ``restored`` (it was removed).
        """
        status = RegionStatus(status)
        now = time.time()
        with self._write() as conn:
            row = conn.execute("SELECT status FROM regions WHERE id = ?", (region_id,)).fetchone()
            if row is None:
                raise UnknownRegionError(f"no region with id {region_id!r}")
            kind = str(status)
            if status is RegionStatus.ACTIVE:
                kind = {"lost": "reanchored", "removed": "restored"}.get(row[0], "active")
            conn.execute(
                "UPDATE regions SET status = ?, updated_at = ? WHERE id = ?",
                (str(status), now, region_id),
            )
            _insert_event(conn, region_id, kind, detail, now)

    def move_regions(
        self,
        old_path: str,
        new_path: str,
        positions: Sequence[tuple[str, int, int, str]],
        basis_text: str | None,
    ) -> int:
        """Move regions of ``old_path`` to ``new_path`` (the file was renamed or moved), at
        their new ``(region_id, first_line, end_line, fingerprint)``; one transaction, a
        ``moved`` event each. Ids not on ``old_path`` are skipped; returns how many moved."""
        return self._reposition(old_path, new_path, positions, basis_text)

    def _reposition(
        self,
        path: str,
        new_path: str,
        positions: Sequence[tuple[str, int, int, str]],
        basis_text: str | None,
    ) -> int:
        """Set lines, fingerprint and basis (and the path, recording a ``moved`` event
        when it changes) of the listed regions of ``path``; returns how many were found."""
        now = time.time()
        done = 0
        with self._write() as conn:
            basis = self._put_snapshot(conn, basis_text)
            old: set[str] = set()
            for region_id, first, end, fp in positions:
                row = conn.execute(
                    "SELECT basis FROM regions WHERE id = ? AND path = ?", (region_id, path)
                ).fetchone()
                if row is None:
                    continue
                if row[0] is not None and row[0] != basis:
                    old.add(row[0])
                conn.execute(
                    "UPDATE regions SET path = ?, first_line = ?, end_line = ?, fingerprint = ?,"
                    " basis = ?, updated_at = ? WHERE id = ?",
                    (new_path, first, end, fp, basis, now, region_id),
                )
                if new_path != path:
                    _insert_event(conn, region_id, "moved", f"{path} -> {new_path}", now)
                done += 1
            self._drop_unreferenced(conn, old)
        return done

    def add_event(self, region_id: str, kind: str, detail: str) -> None:
        """Record an event that changes no column (e.g. ``reanchored`` of an active region)."""
        with self._write() as conn:
            try:
                _insert_event(conn, region_id, kind, detail, time.time())
            except sqlite3.IntegrityError as exc:
                raise UnknownRegionError(f"no region with id {region_id!r}") from exc

    def events(self, region_id: str | None = None) -> list[StoreEvent]:
        """Events, oldest first; of one region or of all."""
        sql = "SELECT id, region_id, kind, detail, at FROM events"
        args: tuple[Any, ...] = ()
        if region_id is not None:
            sql += " WHERE region_id = ?"
            args = (region_id,)
        with self._use() as conn:
            rows = conn.execute(sql + " ORDER BY id", args).fetchall()
        return [StoreEvent(int(r[0]), r[1], r[2], r[3], float(r[4])) for r in rows]

    # ------------------------------------------------------------------ claims

    def add_claim(self, claim: Claim) -> None:
        """Record a claim; it is committed (durable) when this returns. Latest wins."""
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO claims (region_id, owner_name, owner_email, rationale,"
                    " fingerprint, created_at, purpose) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        claim.region_id,
                        claim.owner_name,
                        claim.owner_email,
                        claim.rationale,
                        claim.fingerprint,
                        claim.created_at,
                        claim.purpose,
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise UnknownRegionError(f"no region with id {claim.region_id!r}") from exc

    def add_dismissal(self, dismissal: Dismissal) -> None:
        """Record that a person said the region is not AI-written. Latest wins."""
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO dismissals (region_id, by, reason, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (dismissal.region_id, dismissal.by, dismissal.reason, dismissal.created_at),
                )
            except sqlite3.IntegrityError as exc:
                raise UnknownRegionError(f"no region with id {dismissal.region_id!r}") from exc

    def restore(self, held: Sequence[tuple[RegionState, str | None]]) -> tuple[int, int, int]:
        """Write back regions known elsewhere (an open editor's memory), each with the text
        its lines refer to, after the file was lost: a region missing here is added, one
        present takes these positions; claims and dismissals missing here are added.
        One transaction; returns how many regions, claims and dismissals were written."""
        now = time.time()
        regions = claims = dismissals = 0
        with self._write() as conn:
            for state, basis_text in held:
                region = state.region
                basis = self._put_snapshot(conn, basis_text)
                row = conn.execute("SELECT 1 FROM regions WHERE id = ?", (region.id,)).fetchone()
                if row is None:
                    conn.execute(
                        f"INSERT INTO regions ({_REGION_COLUMNS}, basis, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            region.id,
                            region.path,
                            region.first_line,
                            region.end_line,
                            region.tool,
                            region.model,
                            str(region.source),
                            region.confidence,
                            region.created_at,
                            region.fingerprint,
                            str(region.status),
                            region.session,
                            basis,
                            now,
                        ),
                    )
                    _insert_event(conn, region.id, "restored", "the store was recreated", now)
                else:
                    conn.execute(
                        "UPDATE regions SET first_line = ?, end_line = ?, fingerprint = ?,"
                        " basis = ?, updated_at = ? WHERE id = ?",
                        (
                            region.first_line,
                            region.end_line,
                            region.fingerprint,
                            basis,
                            now,
                            region.id,
                        ),
                    )
                regions += 1
                for claim in (*state.history, *((state.claim,) if state.claim else ())):
                    known = conn.execute(
                        "SELECT 1 FROM claims WHERE region_id = ? AND created_at = ?"
                        " AND owner_email = ? AND fingerprint = ?",
                        (claim.region_id, claim.created_at, claim.owner_email, claim.fingerprint),
                    ).fetchone()
                    if known is None:
                        conn.execute(
                            "INSERT INTO claims (region_id, owner_name, owner_email, rationale,"
                            " fingerprint, created_at, purpose) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (
                                claim.region_id,
                                claim.owner_name,
                                claim.owner_email,
                                claim.rationale,
                                claim.fingerprint,
                                claim.created_at,
                                claim.purpose,
                            ),
                        )
                        claims += 1
                dismissal = state.dismissal
                if dismissal is not None:
                    known = conn.execute(
                        "SELECT 1 FROM dismissals WHERE region_id = ? AND created_at = ?"
                        " AND by = ?",
                        (dismissal.region_id, dismissal.created_at, dismissal.by),
                    ).fetchone()
                    if known is None:
                        conn.execute(
                            "INSERT INTO dismissals (region_id, by, reason, created_at)"
                            " VALUES (?, ?, ?, ?)",
                            (
                                dismissal.region_id,
                                dismissal.by,
                                dismissal.reason,
                                dismissal.created_at,
                            ),
                        )
                        dismissals += 1
        return regions, claims, dismissals

    # ------------------------------------------------------------------ reading

    def active_paths(self) -> list[str]:
        """Every path that has an active region."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT DISTINCT path FROM regions WHERE status = ? ORDER BY path",
                (str(RegionStatus.ACTIVE),),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def region_states(
        self, path: str | None = None, *, include_inactive: bool = False
    ) -> list[RegionState]:
        """Regions (of ``path``, or all) with their latest claim, claim history and
        latest dismissal, ordered by path then position."""
        where: list[str] = []
        args: list[Any] = []
        if path is not None:
            where.append("r.path = ?")
            args.append(path)
        if not include_inactive:
            where.append("r.status = 'active'")
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        with self._read() as conn:
            regions = conn.execute(
                f"SELECT {_REGION_COLUMNS} FROM regions r{cond}"
                " ORDER BY r.path, r.first_line, r.end_line, r.created_at, r.id",
                args,
            ).fetchall()
            claims = conn.execute(
                "SELECT c.region_id, c.owner_name, c.owner_email, c.rationale, c.fingerprint,"
                f" c.created_at, c.purpose FROM claims c JOIN regions r ON r.id = c.region_id{cond}"
                " ORDER BY c.created_at, c.id",
                args,
            ).fetchall()
            dismissals = conn.execute(
                "SELECT d.region_id, d.by, d.reason, d.created_at"
                f" FROM dismissals d JOIN regions r ON r.id = d.region_id{cond}"
                " ORDER BY d.created_at, d.id",
                args,
            ).fetchall()
        return _assemble(regions, claims, dismissals)

    def document_regions(
        self, path: str, *, include_inactive: bool = False
    ) -> tuple[list[RegionState], dict[str, str], dict[str, str]]:
        """What ``region_states(path)`` and ``region_bases(path)`` return, read at once
        (the didOpen of a document: its regions and their basis hashes come back in one
        query, each distinct basis text once)."""
        cond = " WHERE r.path = ?" + ("" if include_inactive else " AND r.status = 'active'")
        args = (path,)
        with self._read() as conn:
            regions = conn.execute(
                f"SELECT {_REGION_COLUMNS}, basis FROM regions r{cond}"
                " ORDER BY r.path, r.first_line, r.end_line, r.created_at, r.id",
                args,
            ).fetchall()
            claims = conn.execute(
                "SELECT c.region_id, c.owner_name, c.owner_email, c.rationale, c.fingerprint,"
                f" c.created_at, c.purpose FROM claims c JOIN regions r ON r.id = c.region_id{cond}"
                " ORDER BY c.created_at, c.id",
                args,
            ).fetchall()
            dismissals = conn.execute(
                "SELECT d.region_id, d.by, d.reason, d.created_at"
                f" FROM dismissals d JOIN regions r ON r.id = d.region_id{cond}"
                " ORDER BY d.created_at, d.id",
                args,
            ).fetchall()
            texts = conn.execute(
                "SELECT hash, text FROM snapshots WHERE hash IN"
                f" (SELECT DISTINCT r.basis FROM regions r{cond})",
                args,
            ).fetchall()
        basis_of = {str(r[0]): str(r[12]) for r in regions if r[12] is not None}
        return (
            _assemble(regions, claims, dismissals),
            basis_of,
            {str(h): str(t) for h, t in texts},
        )

    def region_state(self, region_id: str) -> RegionState | None:
        """One region (whatever its status) with its claims and dismissal, or ``None``."""
        with self._read() as conn:
            regions = conn.execute(
                f"SELECT {_REGION_COLUMNS} FROM regions WHERE id = ?", (region_id,)
            ).fetchall()
            if not regions:
                return None
            claims = conn.execute(
                "SELECT region_id, owner_name, owner_email, rationale, fingerprint, created_at,"
                " purpose FROM claims WHERE region_id = ? ORDER BY created_at, id",
                (region_id,),
            ).fetchall()
            dismissals = conn.execute(
                "SELECT region_id, by, reason, created_at FROM dismissals"
                " WHERE region_id = ? ORDER BY created_at, id",
                (region_id,),
            ).fetchall()
        states = _assemble(regions, claims, dismissals)
        return states[0]


# ---------------------------------------------------------------------- helpers


def _insert_event(
    conn: sqlite3.Connection, region_id: str, kind: str, detail: str, at: float
) -> None:
    conn.execute(
        "INSERT INTO events (region_id, kind, detail, at) VALUES (?, ?, ?, ?)",
        (region_id, kind, detail, at),
    )


_STATUSES = {str(status): status for status in RegionStatus}
_SOURCES = {str(source): source for source in Source}


def _assemble(regions: list[Any], claims: list[Any], dismissals: list[Any]) -> list[RegionState]:
    states: dict[str, RegionState] = {}
    # One copy of the strings many regions repeat (path, tool, model, session), not one
    # per row as SQLite returns them.
    shared: dict[str, str] = {}
    for r in regions:
        source = _SOURCES.get(r[6]) or _source(r[6])
        confidence = r[7] if r[7] is not None else CONFIDENCE[source]
        model, session = r[5], r[11]
        region = Region(
            id=r[0],
            path=shared.setdefault(r[1], r[1]),
            first_line=int(r[2]),
            end_line=int(r[3]),
            tool=shared.setdefault(r[4], r[4]),
            model=model if model is None else shared.setdefault(model, model),
            source=source,
            confidence=float(confidence),
            created_at=float(r[8]),
            fingerprint=r[9],
            status=_STATUSES.get(r[10]) or RegionStatus(r[10]),
            session=session if session is None else shared.setdefault(session, session),
        )
        states[region.id] = RegionState(region=region)
    for c in claims:  # oldest first, so the last one seen is the latest
        state = states.get(c[0])
        if state is not None:
            claim = Claim(c[0], c[1], c[2], c[3], c[4], float(c[5]), str(c[6] or ""))
            state.history = (*state.history, claim)
            state.claim = claim
    for d in dismissals:
        state = states.get(d[0])
        if state is not None:
            state.dismissal = Dismissal(d[0], d[1], d[2], float(d[3]))
    return list(states.values())


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements (``executescript`` would commit midway)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def _file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file at ``path`` now (None: there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _connect_valid(path: Path, *, locked: bool = False, check: bool = True) -> sqlite3.Connection:
    """Connect, check that the file is an ownit database, migrate it; or raise.

    Raises :class:`_Unreadable` if the content is not a usable ownit database,
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
        if isinstance(cause, sqlite3.Error) and _folder_read_only(path, cause):
            frozen = _connect_frozen(path, check=check)
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


def _connect_frozen(path: Path, *, check: bool) -> sqlite3.Connection | None:
    """A read-only connection to a store whose folder is read-only, or None.

    SQLite cannot create the ``-shm`` it needs there, so it cannot even read; but with
    no ``-wal`` holding changes nobody can be writing this file either (a writer needs
    that folder too), so reading it as immutable is exact. Every write then fails with
    a message saying the folder is read-only.
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None  # changes not yet in the file: only SQLite with a -shm may read them
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return None
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
        if _is_unreadable(exc):
            raise _Unreadable(str(exc)) from exc
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
                raise _Unreadable("integrity check failed: " + found)
        app_id, version = _identity(conn)
        if version > SCHEMA_VERSION and app_id == APPLICATION_ID:
            raise StoreVersionError(_too_new(path, version))
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and _has_tables(conn)):
            raise _Unreadable("it is a SQLite database, but not an ownit store")
        if not _is_wal(conn) or version < SCHEMA_VERSION or app_id != APPLICATION_ID:
            # Creating or upgrading: one process at a time. Two connections switching a
            # fresh file to WAL at once can deadlock, and SQLite then answers "locked"
            # at once instead of waiting.
            with contextlib.nullcontext() if locked else _file_lock(path):
                if not _is_wal(conn):
                    _set_wal(conn)
                _migrate(conn, path)
        # Durability on power loss as well as on a crash: a claim must survive both.
        conn.execute("PRAGMA synchronous = FULL")
        # A small page cache: every process keeps one connection open for its lifetime
        # (the language server for hours) and reads little; 512 KiB is plenty.
        conn.execute("PRAGMA cache_size = -512")
    except sqlite3.Error as exc:
        if _is_unreadable(exc):
            raise _Unreadable(str(exc)) from exc
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
            raise _Unreadable("it is a SQLite database, but not an ownit store")
        if version > SCHEMA_VERSION:
            raise StoreVersionError(_too_new(path, version))
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _utc_stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def _move_aside(path: Path) -> Path:
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
def _file_lock(path: Path) -> Iterator[None]:
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
