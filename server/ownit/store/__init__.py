"""SQLite persistence of regions, claims, dismissals and events (docs/store.md)."""

from ownit.store.schema import SCHEMA_VERSION
from ownit.store.store import (
    Store,
    StoreError,
    StoreEvent,
    StoreVersionError,
    UnknownRegionError,
    new_region_id,
    snapshot_hash,
)

__all__ = [
    "SCHEMA_VERSION",
    "Store",
    "StoreError",
    "StoreEvent",
    "StoreVersionError",
    "UnknownRegionError",
    "new_region_id",
    "snapshot_hash",
]
