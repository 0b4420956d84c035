"""The store's schema and its migrations (docs/store.md).

The database identifies itself with ``PRAGMA application_id`` (:data:`APPLICATION_ID`)
and records its schema version in ``PRAGMA user_version``. ``MIGRATIONS[i]`` brings a
database from version ``i`` to ``i + 1``; version 0 is an empty file.

Rules for changing the schema:

- Never edit a migration that has shipped; append a new one. :data:`SCHEMA_VERSION` is
  ``len(MIGRATIONS)``. A migration is SQL text, or a function of the connection for what
  SQL cannot say portably (rows made from the JSON of events); it runs in the migrating
  transaction either way.
- A change that an older ownit could misread (a new column it would ignore incorrectly, a
  new ``status`` value, a new meaning of an existing column) needs a new version: an older
  ownit refuses to open a database newer than it knows (see ``StoreVersionError``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

    Migration = str | Callable[[sqlite3.Connection], None]

# "OWNI" in ASCII: tells an ownit store apart from any other SQLite file.
APPLICATION_ID = 0x4F574E49

_V1 = """
CREATE TABLE snapshots (
    hash        TEXT PRIMARY KEY,          -- SHA-256 hex of the UTF-8 text
    text        TEXT NOT NULL,
    created_at  REAL NOT NULL
);

CREATE TABLE regions (
    id          TEXT PRIMARY KEY,
    path        TEXT NOT NULL,
    first_line  INTEGER NOT NULL CHECK (first_line >= 0),
    end_line    INTEGER NOT NULL CHECK (end_line >= first_line),
    tool        TEXT NOT NULL,
    model       TEXT,
    source      TEXT NOT NULL,
    confidence  REAL NOT NULL,
    created_at  REAL NOT NULL,
    fingerprint TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed', 'lost')),
    session     TEXT,
    basis       TEXT REFERENCES snapshots (hash),  -- the text first_line/end_line refer to
    updated_at  REAL NOT NULL
);
CREATE INDEX regions_by_path ON regions (path, status);
CREATE INDEX regions_by_basis ON regions (basis);

CREATE TABLE claims (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    region_id   TEXT NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    owner_name  TEXT NOT NULL,
    owner_email TEXT NOT NULL,
    rationale   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE INDEX claims_by_region ON claims (region_id, created_at, id);

CREATE TABLE dismissals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    region_id   TEXT NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    by          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE INDEX dismissals_by_region ON dismissals (region_id, created_at, id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    region_id   TEXT NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,             -- added, removed, lost, reanchored, restored, ...
    detail      TEXT NOT NULL,
    at          REAL NOT NULL
);
CREATE INDEX events_by_region ON events (region_id, id);
"""

# Version 2: a claim's purpose tag (`ownit claim --purpose tests`); "" when none was given.
# An older ownit would drop the tag when it rewrites claims, so it must not open the file.
_V2 = """
ALTER TABLE claims ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
"""

# Version 3: which claims a commit already carried, one row per claim (region, the claim's
# fingerprint and time), written with each commit's ``committed`` event. The hooks looked
# this up by parsing every commit record of the store's history on every commit. Filled
# from those records when a store is upgraded. An older ownit would record commits without
# these rows (their claims would be carried again), so it must not open the file.
_V3_TABLE = """
CREATE TABLE committed_claims (
    region_id   TEXT NOT NULL,
    claim_fp    TEXT NOT NULL,             -- the claim's fingerprint (of the whole region)
    claim_at    REAL NOT NULL,             -- the claim's created_at
    PRIMARY KEY (region_id, claim_fp, claim_at)
) WITHOUT ROWID;
"""

COMMITTED_EVENT = "committed"  # the kind of event that records what a commit carried


def committed_rows(region_id: str, detail: str) -> list[tuple[str, str, float]]:
    """The committed-claims rows of one ``committed`` event (its JSON ``detail``): each
    owned piece with a claim; none from a detail that cannot be read."""
    import json

    try:
        pieces = json.loads(detail).get("pieces", [])
        return [
            (str(piece.get("region", region_id)), str(piece["claim_fp"]), float(piece["claim_at"]))
            for piece in pieces
            if piece.get("owned") and piece.get("claim_at") is not None
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return []


def _v3(conn: sqlite3.Connection) -> None:
    conn.execute(_V3_TABLE)
    events = conn.execute("SELECT region_id, detail FROM events WHERE kind = ?", (COMMITTED_EVENT,))
    for region_id, detail in events.fetchall():
        conn.executemany(
            "INSERT OR IGNORE INTO committed_claims VALUES (?, ?, ?)",
            committed_rows(str(region_id), str(detail)),
        )


MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _v3)

SCHEMA_VERSION = len(MIGRATIONS)
