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

Where each part lives: :class:`Store` (this module) is what is stored, the regions,
claims, dismissals, events and basis snapshots; it is a :class:`StoreFile`
(``connection.py``: opening, recovery, transactions, the file's identity), which
connects through ``opening.py`` (valid, configured, migrated; the file's identity, its
lock, moving it aside), and writes and reads rows through ``rows.py``; what commits
carried is ``committed.py`` (:class:`CommitRecords`, a part of :class:`Store`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ownit.core.model import Claim, Dismissal, Region, RegionState, RegionStatus
from ownit.store.committed import CommitRecords
from ownit.store.errors import StoreError, StoreVersionError, UnknownRegionError
from ownit.store.rows import (
    DOCUMENT_COLUMNS,
    REGION_COLUMNS,
    StoreEvent,
    assemble,
    assemble_document,
    insert_claim,
    insert_dismissal,
    insert_event,
    insert_region,
    join_claims,
    new_region_id,
    snapshot_hash,
)

__all__ = [
    "Store",
    "StoreError",
    "StoreEvent",
    "StoreVersionError",
    "UnknownRegionError",
    "new_region_id",
    "snapshot_hash",
]


class Store(CommitRecords):
    """The ownit state database. Create with :meth:`Store.open`.

    Thread-safe: one lock serialises the use of the connection. Not fork-safe: open a new
    store in a child process.
    """

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
                insert_region(conn, region, basis, now)
                insert_event(conn, region.id, "added", str(region.source), now)
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
            insert_event(conn, region_id, kind, detail, now)

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
                    insert_event(conn, region_id, "moved", f"{path} -> {new_path}", now)
                done += 1
            self._drop_unreferenced(conn, old)
        return done

    def add_event(self, region_id: str, kind: str, detail: str) -> None:
        """Record an event that changes no column (e.g. ``reanchored`` of an active region)."""
        with self._write() as conn:
            try:
                insert_event(conn, region_id, kind, detail, time.time())
            except sqlite3.IntegrityError as exc:
                raise UnknownRegionError(f"no region with id {region_id!r}") from exc

    def events(self, region_id: str | None = None, *, kind: str | None = None) -> list[StoreEvent]:
        """Events, oldest first; of one region or of all, of one kind or of every kind."""
        where: list[str] = []
        args: list[Any] = []
        if region_id is not None:
            where.append("region_id = ?")
            args.append(region_id)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = "SELECT id, region_id, kind, detail, at FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._use() as conn:
            rows = conn.execute(sql + " ORDER BY id", args).fetchall()
        return [StoreEvent(int(r[0]), r[1], r[2], r[3], float(r[4])) for r in rows]

    # ------------------------------------------------------------------ claims

    def add_claim(self, claim: Claim) -> None:
        """Record a claim; it is committed (durable) when this returns. Latest wins."""
        with self._write() as conn:
            try:
                insert_claim(conn, claim)
            except sqlite3.IntegrityError as exc:
                raise UnknownRegionError(f"no region with id {claim.region_id!r}") from exc

    def add_dismissal(self, dismissal: Dismissal) -> None:
        """Record that a person said the region is not AI-written. Latest wins."""
        with self._write() as conn:
            try:
                insert_dismissal(conn, dismissal)
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
                    insert_region(conn, region, basis, now)
                    insert_event(conn, region.id, "restored", "the store was recreated", now)
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
                        insert_claim(conn, claim)
                        claims += 1
                dismissal = state.dismissal
                if dismissal is not None:
                    known = conn.execute(
                        "SELECT 1 FROM dismissals WHERE region_id = ? AND created_at = ?"
                        " AND by = ?",
                        (dismissal.region_id, dismissal.created_at, dismissal.by),
                    ).fetchone()
                    if known is None:
                        insert_dismissal(conn, dismissal)
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
                f"SELECT {REGION_COLUMNS} FROM regions r{cond}"
                " ORDER BY r.path, r.first_line, r.end_line, r.created_at, r.id",
                args,
            ).fetchall()
            claims, dismissals = _claims_and_dismissals(conn, cond, args)
        return assemble(regions, claims, dismissals)

    def document_regions(
        self, path: str, *, include_inactive: bool = False
    ) -> tuple[list[RegionState], dict[str, str], dict[str, str]]:
        """What ``region_states(path)`` and ``region_bases(path)`` return, read at once
        (each distinct basis text once)."""
        states, groups, texts = self.document_groups(path, include_inactive=include_inactive)
        basis_of = {
            state.region.id: digest for digest, group in groups if digest for state in group
        }
        return states, basis_of, texts

    def document_groups(
        self, path: str, *, include_inactive: bool = False
    ) -> tuple[list[RegionState], list[tuple[str | None, list[RegionState]]], dict[str, str]]:
        """The didOpen of a document: its regions (ordered as ``region_states`` orders
        them), the same grouped by the digest of the text their lines refer to, and those
        texts (digest -> text). One query for the regions, one for the texts."""
        cond = " WHERE r.path = ?" + ("" if include_inactive else " AND r.status = 'active'")
        args = (path,)
        with self._read() as conn:
            # Row by row, not fetchall: what a row holds but its region keeps (the parts
            # regions share) is freed before the next is read, so the memory of ten
            # thousand rows is never held at once (nor left behind, fragmented).
            rows = conn.execute(
                f"SELECT {DOCUMENT_COLUMNS} FROM regions r{cond}"
                " ORDER BY r.first_line, r.end_line, r.created_at, r.id",
                args,
            )
            states, groups = assemble_document(rows, path)
            claims, dismissals = _claims_and_dismissals(conn, cond, args, len(states))
            join_claims(states, claims, dismissals)
            digests = [digest for digest, _ in groups if digest is not None]
            texts = (
                conn.execute(
                    "SELECT hash, text FROM snapshots WHERE hash IN"
                    f" ({', '.join(['?'] * len(digests))})",
                    digests,
                ).fetchall()
                if digests
                else []
            )
        return states, groups, {str(h): str(t) for h, t in texts}

    def region_state(self, region_id: str) -> RegionState | None:
        """One region (whatever its status) with its claims and dismissal, or ``None``."""
        with self._read() as conn:
            regions = conn.execute(
                f"SELECT {REGION_COLUMNS} FROM regions WHERE id = ?", (region_id,)
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
        states = assemble(regions, claims, dismissals)
        return states[0]


def _claims_and_dismissals(
    conn: sqlite3.Connection, cond: str, args: Sequence[object], regions: int = -1
) -> tuple[list[Any], list[Any]]:
    """The claims and dismissals of the regions ``cond`` selects (``r`` is the regions
    table), oldest first: what ``assemble`` joins to the region rows.

    ``regions``: how many regions ``cond`` selects, when known. A table holding fewer rows
    than that is read whole, each row's region looked up (``CROSS JOIN`` keeps SQLite to
    that order), instead of looking up every selected region in it: the usual case of a
    document with thousands of regions and a store with few claims or dismissals."""
    join = {
        table: "CROSS JOIN" if 0 <= _rows_at_most(conn, table) < regions else "JOIN"
        for table in ("claims", "dismissals")
    }
    claims = conn.execute(
        "SELECT c.region_id, c.owner_name, c.owner_email, c.rationale, c.fingerprint,"
        f" c.created_at, c.purpose FROM claims c {join['claims']} regions r"
        f" ON r.id = c.region_id{cond} ORDER BY c.created_at, c.id",
        args,
    ).fetchall()
    dismissals = conn.execute(
        "SELECT d.region_id, d.by, d.reason, d.created_at"
        f" FROM dismissals d {join['dismissals']} regions r ON r.id = d.region_id{cond}"
        " ORDER BY d.created_at, d.id",
        args,
    ).fetchall()
    return claims, dismissals


def _rows_at_most(conn: sqlite3.Connection, table: str) -> int:
    """An upper bound of the rows of ``table`` (its largest id: ids only grow), at once."""
    row = conn.execute(f"SELECT max(id) FROM {table}").fetchone()
    return int(row[0]) if row and row[0] is not None else 0
