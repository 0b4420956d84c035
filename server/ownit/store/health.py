"""A look at a store file that changes nothing (for `ownit doctor`).

:meth:`ownit.store.Store.open` repairs what it finds (it migrates an old schema and moves
an unreadable file aside); this reads the file through a read-only SQLite connection and
only reports: whether it is an ownit store, its schema version, whether SQLite's
``quick_check`` passes, and which moved-aside files lie beside it.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from ownit.store.schema import APPLICATION_ID, SCHEMA_VERSION

_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(slots=True)
class StoreHealth:
    path: Path
    exists: bool = False
    problem: str | None = None  # why the file is not a usable ownit store
    schema_version: int | None = None
    too_new: bool = False  # written by a newer ownit (left untouched by this one)
    moved_aside: list[Path] = field(default_factory=list)


def moved_aside(path: Path) -> list[Path]:
    """The ``state.db.unreadable-<stamp>`` files an earlier open set aside."""
    try:
        found = path.parent.glob(f"{path.name}.unreadable-*")
        return sorted(p for p in found if not p.name.endswith(("-wal", "-shm")))
    except OSError:
        return []


def _inspect(path: Path, health: StoreHealth) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        health.problem = f"cannot read it: {error.strerror or error}"
        return
    if not header:
        return  # empty: initialised on first use
    if not header.startswith(_SQLITE_MAGIC):
        health.problem = "it is not a SQLite database"
        return
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=2.0)
    except sqlite3.Error as error:
        health.problem = f"SQLite cannot open it: {error}"
        return
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
        if rows != ["ok"]:
            health.problem = "damaged: " + "; ".join(rows[:3])
            return
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as error:
        health.problem = f"damaged: {error}"
        return
    finally:
        conn.close()
    if app_id not in (0, APPLICATION_ID):
        health.problem = "it is another program's SQLite database, not an ownit store"
        return
    health.schema_version = version
    health.too_new = version > SCHEMA_VERSION


def inspect_store(path: Path) -> StoreHealth:
    health = StoreHealth(path, moved_aside=moved_aside(path))
    if path.is_dir():
        health.exists = True
        health.problem = "it is a directory, not a database file"
        return health
    if not path.exists():
        return health
    health.exists = True
    _inspect(path, health)
    return health
