"""The store's table of claims commits carried (schema 3): filled when an older store is
upgraded in place (every row it had kept), written with each commit record, asked by
region; a store made fresh after a salvage has it too, and the hooks work on both."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ownit.core.model import Claim, Region, Source
from ownit.git.repo import find_repository, store_path
from ownit.store import Store
from ownit.store.opening import statements
from ownit.store.schema import _V1, _V2, APPLICATION_ID, SCHEMA_VERSION
from tests.integration import test_hooks as h

repo = h.repo
git = h.git

FP = "0a1b2c3d4e5f"


def _version_2_store(path: Path, details: list[str]) -> None:
    """A store as an ownit of schema 2 left it: a region, its claim, commit records."""
    conn = sqlite3.connect(path)
    for script in (_V1, _V2):
        for statement in statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    for region in ("r1", "r2"):
        conn.execute(
            f"INSERT INTO regions VALUES ('{region}', 'a.py', 0, 2, 'copilot', NULL, 'manual',"
            f" 0.9, 1.0, '{FP}', 'active', NULL, NULL, 1.0)"
        )
    conn.execute(
        "INSERT INTO claims (region_id, owner_name, owner_email, rationale, fingerprint,"
        f" created_at, purpose) VALUES ('r1', 'Dev', 'dev@example.com', 'why', '{FP}', 2.5, '')"
    )
    for at, detail in enumerate(details):
        conn.execute(
            "INSERT INTO events (region_id, kind, detail, at) VALUES ('r1', 'committed', ?, ?)",
            (detail, float(at)),
        )
    conn.execute("INSERT INTO events (region_id, kind, detail, at) VALUES ('r2', 'added', '', 0)")
    conn.commit()
    conn.close()


def _piece(region: str, owned: bool, at: float | None) -> dict[str, object]:
    return {"region": region, "owned": owned, "claim_at": at, "claim_fp": FP if at else None}


def test_an_old_store_upgrades_in_place_with_its_commit_records_as_rows(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    records = [
        json.dumps(
            {"commit": "c1", "pieces": [_piece("r1", True, 2.5), _piece("r2", False, None)]}
        ),
        json.dumps({"commit": "c2", "pieces": [_piece("r2", True, 7.25)]}),
        "not json",  # a record that cannot be read gives no row and stops nothing
        json.dumps({"commit": "c3", "pieces": [{"owned": True, "claim_at": 9.0}]}),  # no fp
    ]
    _version_2_store(path, records)
    with Store.open(path) as store:
        assert store.committed_claims() == {("r1", FP, 2.5), ("r2", FP, 7.25)}
        assert store.committed_claims(["r2"]) == {("r2", FP, 7.25)}
        assert store.committed_claims([]) == set()
        # nothing lost: regions, claims and every event as they were
        assert [s.region.id for s in store.region_states()] == ["r1", "r2"]
        assert [s.claim.rationale if s.claim else None for s in store.region_states()] == [
            "why",
            None,
        ]
        assert [e.detail for e in store.events(kind="committed")] == records
        assert len(store.events()) == 5
        store.add_commit_record("r2", json.dumps({"pieces": [_piece("r2", True, 8.0)]}))
        assert store.committed_claims(["r2"]) == {("r2", FP, 7.25), ("r2", FP, 8.0)}
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    check.close()


def test_many_regions_are_asked_in_chunks(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state.db") as store:
        ids = []
        for index in range(1_200):
            region = Region(f"r{index:04d}", "a.py", 0, 1, "copilot", Source.MANUAL, 1.0, FP)
            store.add_region(region, "x\n")
            ids.append(region.id)
        pieces = [_piece(region_id, True, 3.0) for region_id in ids]
        store.add_commit_record(ids[0], json.dumps({"pieces": pieces}))
        assert len(store.committed_claims(ids)) == 1_200
        assert store.committed_claims(ids[1_100:]) == {(i, FP, 3.0) for i in ids[1_100:]}


def test_a_commit_carries_a_claim_once_on_an_upgraded_and_on_a_salvaged_store(
    repo: Path, env: dict[str, str]
) -> None:
    """A claim made after its code was committed travels with the next commit, and with
    that one only: the row written with the record says so to the commit after."""
    h.add_ai_file(repo, env, claim=False)
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Add f")
    found = find_repository(repo, refresh=True)
    assert found is not None
    store_file = store_path(found)
    with Store.open(store_file) as store:
        [state] = store.region_states()
        store.add_claim(
            Claim(
                state.region.id,
                "Dev Name",
                "dev@example.com",
                h.RATIONALE,
                state.region.fingerprint,
                5.0,
            )
        )
    git(repo, env, "commit", "-q", "--allow-empty", "-m", "Own f")
    assert any(t.startswith("AI-Owned: ai.py:1-4 ") for t in h.head_trailers(repo, env))
    git(repo, env, "commit", "-q", "--allow-empty", "-m", "Something else")
    assert not [t for t in h.head_trailers(repo, env) if t.startswith("AI-")]
    with Store.open(store_file) as store:
        assert (state.region.id, state.region.fingerprint, 5.0) in store.committed_claims()
    # A store that had to be moved aside: the fresh one (what could be read of the old)
    # has the table, and the hooks go on.
    store_file.write_bytes(b"garbage, not a database" * 100)
    (repo / "ai.py").write_text((repo / "ai.py").read_text() + "def g():\n    return 2\n")
    h.mark(repo, "ai.py", 6, 7)
    git(repo, env, "add", "ai.py")
    git(repo, env, "commit", "-q", "-m", "Add g")
    assert any(t.startswith("AI-Unowned: ai.py:6-7 ") for t in h.head_trailers(repo, env))
    with Store.open(store_file) as store:
        assert store.committed_claims() == set()
