"""The store's rows and Python objects: region ids, snapshot hashes, the statements that
insert a region, claim, dismissal or event, and rows read back as :class:`RegionState`.
Every writer of the store (a new mark, a write-back after the file was lost, a salvage)
inserts through these, so a row is written one way only."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable
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
from ownit.core.record import Record, set_field

REGION_COLUMNS = (
    "id, path, first_line, end_line, tool, model, source, confidence, created_at,"
    " fingerprint, status, session"
)


class StoreEvent(Record):
    """Something that happened to a region: ``added``, ``removed``, ``lost``, ``reanchored``…"""

    __slots__ = ("at", "detail", "id", "kind", "region_id")
    _fields = ("id", "region_id", "kind", "detail", "at")  # (repr in this order)
    id: int
    region_id: str
    kind: str
    detail: str
    at: float

    def __init__(self, id: int, region_id: str, kind: str, detail: str, at: float) -> None:
        set_field(self, "id", id)
        set_field(self, "region_id", region_id)
        set_field(self, "kind", kind)
        set_field(self, "detail", detail)
        set_field(self, "at", at)


def new_region_id() -> str:
    """A fresh region id: 12 random hex digits (48 bits from :func:`os.urandom`, what
    :mod:`secrets` reads, without importing it and :mod:`random` on every hook).

    Collisions are astronomically unlikely, and :meth:`Store.add_region` refuses a
    duplicate id rather than overwrite, so one can never silently replace another.
    """
    return os.urandom(6).hex()


def snapshot_hash(text: str) -> str:
    """The content hash a basis snapshot is stored under."""
    import hashlib  # (only when a basis is written: hashlib loads OpenSSL, ≈ 2.5 ms of a hook)

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def insert_region(conn: sqlite3.Connection, region: Region, basis: str | None, now: float) -> None:
    conn.execute(
        f"INSERT INTO regions ({REGION_COLUMNS}, basis, updated_at)"
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


def insert_claim(conn: sqlite3.Connection, claim: Claim) -> None:
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


def insert_dismissal(conn: sqlite3.Connection, dismissal: Dismissal) -> None:
    conn.execute(
        "INSERT INTO dismissals (region_id, by, reason, created_at) VALUES (?, ?, ?, ?)",
        (dismissal.region_id, dismissal.by, dismissal.reason, dismissal.created_at),
    )


def insert_event(
    conn: sqlite3.Connection, region_id: str, kind: str, detail: str, at: float
) -> None:
    conn.execute(
        "INSERT INTO events (region_id, kind, detail, at) VALUES (?, ?, ?, ?)",
        (region_id, kind, detail, at),
    )


_STATUSES = {str(status): status for status in RegionStatus}
_SOURCES = {str(source): source for source in Source}


def _source(value: str) -> Source:
    try:
        return Source(value)
    except ValueError:
        # Only a newer writer can produce this; degrade to the least certain source.
        return Source.HEURISTIC


# A document's regions as its didOpen reads them: what most regions share (path .. basis)
# last, so that one slice of a row is the key of its shared part.
# (Not the path: the one a document's read asks for.)
DOCUMENT_COLUMNS = (
    "id, first_line, end_line, created_at, fingerprint,"
    " tool, model, source, confidence, status, session, basis"
)

# (tool, model, source, confidence, status, session, basis digest)
_Shared = tuple[str, "str | None", Source, float, RegionStatus, "str | None", "str | None"]


def _shared(part: tuple[Any, ...]) -> _Shared:
    tool, model, source_text, confidence, status, session, basis = part
    source = _SOURCES.get(source_text) or _source(source_text)
    return (
        sys.intern(str(tool)),
        None if model is None else sys.intern(str(model)),
        source,
        float(confidence) if confidence is not None else CONFIDENCE[source],
        _STATUSES.get(status) or RegionStatus(status),
        None if session is None else sys.intern(str(session)),
        None if basis is None else str(basis),
    )


def assemble_document(
    rows: Iterable[Any], path: str
) -> tuple[list[RegionState], list[tuple[str | None, list[RegionState]]]]:
    """Rows of :data:`DOCUMENT_COLUMNS` (regions of ``path``) as one :class:`RegionState`
    each (claims and dismissals not yet joined: ``join_claims``), in row order and
    grouped by the digest of the text their lines refer to (groups in order of first
    appearance). What regions share (tool, model, source, confidence, status, session)
    is one object each, made once per distinct combination, not once per row."""
    path = sys.intern(path)
    shared: dict[tuple[Any, ...], _Shared] = {}
    groups: dict[str | None, list[RegionState]] = {}
    states: list[RegionState] = []
    for r in rows:
        part = r[5:]
        known = shared.get(part)
        if known is None:
            known = shared[part] = _shared(part)
        tool, model, source, confidence, status, session, basis = known
        state = RegionState(
            Region(
                r[0],
                path,
                int(r[1]),
                int(r[2]),
                tool,
                source,
                float(r[3]),
                r[4],
                model,
                confidence,
                status,
                session,
            )
        )
        states.append(state)
        group = groups.get(basis)
        if group is None:
            group = groups[basis] = []
        group.append(state)
    return states, list(groups.items())


def join_claims(states: list[RegionState], claims: list[Any], dismissals: list[Any]) -> None:
    """Give each state its claims (rows oldest first: the last is the latest) and its
    latest dismissal."""
    if not claims and not dismissals:
        return
    by_id = {state.region.id: state for state in states}
    for c in claims:
        state = by_id.get(c[0])
        if state is not None:
            claim = Claim(c[0], c[1], c[2], c[3], c[4], float(c[5]), str(c[6] or ""))
            state.history = (*state.history, claim)
            state.claim = claim
    for d in dismissals:
        state = by_id.get(d[0])
        if state is not None:
            state.dismissal = Dismissal(d[0], d[1], d[2], float(d[3]))


def assemble(regions: list[Any], claims: list[Any], dismissals: list[Any]) -> list[RegionState]:
    """Region rows (:data:`REGION_COLUMNS`), claim rows and dismissal rows, oldest first,
    as one :class:`RegionState` per region: its latest claim, claim history and latest
    dismissal."""
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
    result = list(states.values())
    join_claims(result, claims, dismissals)
    return result
