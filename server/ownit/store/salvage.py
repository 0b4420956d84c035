"""What can still be read from a store that was moved aside as unreadable.

A store cut short (a full disk, a copy that stopped) keeps most of its pages: SQLite
refuses the whole file because its header promises more pages than there are (and its
schema names root pages past the end), but the tables whose pages survived are intact.
:func:`readable_states` reads a *copy* of the moved-aside file (the evidence is never
changed) with the header's page count set aside, takes every row a table still yields
(scanning from both ends, so one bad page loses only its own rows), and keeps what is
whole: regions, with the text their lines refer to, and the claims and dismissals of
those regions. Events are not kept.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ownit.core.model import CONFIDENCE, Claim, Dismissal, Region, RegionState, RegionStatus, Source
from ownit.store.schema import APPLICATION_ID

_HEADER = 100
_MAGIC = b"SQLite format 3\x00"
_VERSION_VALID_FOR = slice(92, 96)  # the header's page count holds only when this matches


def readable_states(aside: Path) -> list[tuple[RegionState, str | None]]:
    """The regions (with claims, dismissal and basis text) still readable in ``aside``."""
    try:
        with open(aside, "rb") as f:
            header = f.read(_HEADER)
    except OSError:
        return []
    if len(header) < _HEADER or not header.startswith(_MAGIC):
        return []  # not SQLite at all: nothing to read
    with tempfile.TemporaryDirectory(prefix="ownit-salvage-") as tmp:
        copy = Path(tmp) / "copy.db"
        try:
            shutil.copyfile(aside, copy)
            wal = Path(f"{aside}-wal")
            if wal.is_file():
                shutil.copyfile(wal, f"{copy}-wal")
            with open(copy, "r+b") as f:
                f.seek(_VERSION_VALID_FOR.start)
                f.write(b"\xff\xff\xff\xff")  # SQLite then counts the pages there are
        except OSError:
            return []
        uri = "file:" + urllib.parse.quote(str(copy)) + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True)
        except sqlite3.Error:
            return []
        try:
            # Relaxes the schema's checks only: a table whose root page was cut off no
            # longer rejects the whole file (the connection is read-only regardless).
            conn.execute("PRAGMA writable_schema = ON")
            return _read(conn)
        except sqlite3.Error:
            return []
        finally:
            conn.close()


def _read(conn: sqlite3.Connection) -> list[tuple[RegionState, str | None]]:
    if int(conn.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
        return []  # another program's database: none of its rows are ours
    regions: dict[str, tuple[Region, str | None]] = {}
    for row in _rows(
        conn,
        "regions",
        "id, path, first_line, end_line, tool, model, source, confidence, created_at,"
        " fingerprint, status, session, basis",
    ):
        region = _region(row)
        if region is not None:
            regions[region.id] = (region, row[12] if isinstance(row[12], str) else None)
    texts = {
        str(row[0]): str(row[1])
        for row in _rows(conn, "snapshots", "hash, text")
        if isinstance(row[0], str) and isinstance(row[1], str)
    }
    claims: dict[str, list[Claim]] = {}
    columns = "region_id, owner_name, owner_email, rationale, fingerprint, created_at, id"
    # a store written before schema version 2 has no purpose column: read without it
    claim_rows = _rows(conn, "claims", columns + ", purpose") or _rows(conn, "claims", columns)
    for row in sorted(claim_rows, key=lambda r: (_number(r[5]), _number(r[6]))):
        claim = _claim(row)
        if claim is not None and claim.region_id in regions:
            claims.setdefault(claim.region_id, []).append(claim)
    dismissals: dict[str, Dismissal] = {}
    for row in sorted(
        _rows(conn, "dismissals", "region_id, by, reason, created_at, id"),
        key=lambda r: (_number(r[3]), _number(r[4])),
    ):
        dismissal = _dismissal(row)
        if dismissal is not None and dismissal.region_id in regions:
            dismissals[dismissal.region_id] = dismissal
    states = []
    for region_id, (region, basis) in regions.items():
        history = tuple(claims.get(region_id, ()))
        state = RegionState(
            region=region,
            claim=history[-1] if history else None,
            dismissal=dismissals.get(region_id),
            history=history,
        )
        states.append((state, texts.get(basis) if basis is not None else None))
    return states


def _rows(conn: sqlite3.Connection, table: str, columns: str) -> list[tuple[Any, ...]]:
    """Every row of ``table`` still readable: a scan from each end, each stopped by the
    first page it cannot read."""
    seen: dict[int, tuple[Any, ...]] = {}
    for order in ("ASC", "DESC"):
        for row in _scan(conn, f"SELECT rowid, {columns} FROM {table} ORDER BY rowid {order}"):
            seen.setdefault(int(row[0]), tuple(row[1:]))
    return list(seen.values())


def _scan(conn: sqlite3.Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    try:
        cursor = conn.execute(sql)
        while True:
            row = cursor.fetchone()
            if row is None:
                return
            yield tuple(row)
    except sqlite3.Error:
        return


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _region(row: tuple[Any, ...]) -> Region | None:
    try:
        source = Source(row[6])
        confidence = row[7] if isinstance(row[7], int | float) else CONFIDENCE[source]
        region = Region(
            id=str(row[0]),
            path=str(row[1]),
            first_line=int(row[2]),
            end_line=int(row[3]),
            tool=str(row[4]),
            model=row[5] if isinstance(row[5], str) else None,
            source=source,
            confidence=float(confidence),
            created_at=float(row[8]),
            fingerprint=str(row[9]),
            status=RegionStatus(row[10]),
            session=row[11] if isinstance(row[11], str) else None,
        )
    except (TypeError, ValueError):
        return None
    if not region.id or not region.path or not 0 <= region.first_line <= region.end_line:
        return None
    return region


def _claim(row: tuple[Any, ...]) -> Claim | None:
    if not all(isinstance(v, str) and v for v in row[:5]):
        return None
    if not isinstance(row[5], int | float):
        return None
    purpose = row[7] if len(row) > 7 and isinstance(row[7], str) else ""
    return Claim(row[0], row[1], row[2], row[3], row[4], float(row[5]), purpose)


def _dismissal(row: tuple[Any, ...]) -> Dismissal | None:
    if not all(isinstance(v, str) and v for v in row[:3]):
        return None
    if not isinstance(row[3], int | float):
        return None
    return Dismissal(row[0], row[1], row[2], float(row[3]))
