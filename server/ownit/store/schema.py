"""The store's schema and its migrations (docs/store.md).

The database identifies itself with ``PRAGMA application_id`` (:data:`APPLICATION_ID`)
and records its schema version in ``PRAGMA user_version``. ``MIGRATIONS[i]`` brings a
database from version ``i`` to ``i + 1``; version 0 is an empty file.

Rules for changing the schema:

- Never edit a migration that has shipped; append a new one. :data:`SCHEMA_VERSION` is
  ``len(MIGRATIONS)``.
- A change that an older ownit could misread (a new column it would ignore incorrectly, a
  new ``status`` value, a new meaning of an existing column) needs a new version: an older
  ownit refuses to open a database newer than it knows (see ``StoreVersionError``).
"""

from __future__ import annotations

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

MIGRATIONS: tuple[str, ...] = (_V1, _V2)

SCHEMA_VERSION = len(MIGRATIONS)
