"""Which claims commits already carried: the ``committed`` event of each commit (what it
carried, per piece) and, written in the same transaction, one ``committed_claims`` row per
claim it carried (schema version 3), so that a hook asks for the claims of the regions it
commits instead of parsing every commit record of the store's history (docs/store.md)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

from ownit.store.connection import StoreFile
from ownit.store.errors import UnknownRegionError
from ownit.store.rows import insert_event
from ownit.store.schema import COMMITTED_EVENT, committed_rows

# ``(region id, claim fingerprint, claim time)`` of a claim a commit carried.
CommittedClaim = tuple[str, str, float]

# Region ids per query: SQLite allows 999 parameters at least.
_IDS_PER_QUERY = 500


class CommitRecords(StoreFile):
    """The commit records of a store (a part of :class:`ownit.store.Store`)."""

    def add_commit_record(self, region_id: str, detail: str) -> None:
        """Record what one commit carried: its ``committed`` event (JSON ``detail``, on
        region ``region_id``) and the claims it names, in one transaction."""
        with self._write() as conn:
            try:
                insert_event(conn, region_id, COMMITTED_EVENT, detail, time.time())
            except sqlite3.IntegrityError as exc:
                raise UnknownRegionError(f"no region with id {region_id!r}") from exc
            conn.executemany(
                "INSERT OR IGNORE INTO committed_claims VALUES (?, ?, ?)",
                committed_rows(region_id, detail),
            )

    def committed_claims(self, region_ids: Iterable[str] | None = None) -> set[CommittedClaim]:
        """The claims commits carried; of the regions ``region_ids`` only, when given."""
        sql = "SELECT region_id, claim_fp, claim_at FROM committed_claims"
        found: set[CommittedClaim] = set()
        with self._use() as conn:
            if region_ids is None:
                rows = conn.execute(sql).fetchall()
                return {(str(r[0]), str(r[1]), float(r[2])) for r in rows}
            ids = sorted(set(region_ids))
            for at in range(0, len(ids), _IDS_PER_QUERY):
                chunk = ids[at : at + _IDS_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                rows = conn.execute(f"{sql} WHERE region_id IN ({marks})", chunk).fetchall()
                found.update((str(r[0]), str(r[1]), float(r[2])) for r in rows)
        return found
