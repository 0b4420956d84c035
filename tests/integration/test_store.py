"""The SQLite store on real files: schema, API, recovery, durability, concurrency."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from ownit.core.fingerprint import fingerprint
from ownit.core.model import Claim, Dismissal, Ownership, Region, RegionStatus, Source
from ownit.store import (
    SCHEMA_VERSION,
    Store,
    StoreError,
    StoreVersionError,
    UnknownRegionError,
    new_region_id,
    snapshot_hash,
)
from ownit.store.schema import APPLICATION_ID

TEXT = "def f():\n    return 1\n\ndef g():\n    return 2\n"


def make_region(path: str = "src/a.py", first: int = 0, end: int = 2, **kw: object) -> Region:
    lines = TEXT.splitlines()[first:end]
    fields: dict[str, object] = {
        "id": new_region_id(),
        "path": path,
        "first_line": first,
        "end_line": end,
        "tool": "copilot",
        "source": Source.INLINE_COMPLETION,
        "created_at": 1_700_000_000.0,
        "fingerprint": fingerprint(lines),
        "confidence": 0.95,
    }
    fields.update(kw)
    return Region(**fields)  # type: ignore[arg-type]


def make_claim(region: Region, rationale: str = "checked the bounds and the error path") -> Claim:
    return Claim(
        region_id=region.id,
        owner_name="Dev",
        owner_email="dev@example.com",
        rationale=rationale,
        fingerprint=region.fingerprint,
        created_at=1_700_000_100.0,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "git" / "ownit" / "state.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store.open(db) as s:
        yield s


# ----------------------------------------------------------------------- opening


def test_open_creates_parents_and_configures(db: Path) -> None:
    with Store.open(db) as store:
        assert db.is_file()
        assert store.recovered_from is None and store.recovery_message is None
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"regions", "claims", "dismissals", "snapshots", "events"} <= tables
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "regions_by_path" in indexes
    finally:
        conn.close()


def test_connection_settings(store: Store) -> None:
    conn = store._connection()
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_reopen_keeps_data(db: Path) -> None:
    region = make_region()
    with Store.open(db) as store:
        store.add_region(region, TEXT)
        store.add_claim(make_claim(region))
    with Store.open(db) as store:
        state = store.region_state(region.id)
        assert state is not None
        assert state.region == region
        assert state.claim == make_claim(region)
        assert store.basis_text(region.id) == TEXT
        assert store.recovered_from is None


def test_empty_file_is_initialised_without_recovery(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"")
    with Store.open(db) as store:
        assert store.recovered_from is None
        store.add_region(make_region(), TEXT)
        assert len(store.region_states()) == 1
    assert not list(db.parent.glob("*.unreadable-*"))


def _assert_recovered(store: Store, db: Path, original: bytes) -> None:
    aside = store.recovered_from
    assert aside is not None
    assert aside.parent == db.parent
    assert aside.name.startswith("state.db.unreadable-") and aside.name.endswith("Z")
    assert aside.read_bytes() == original
    assert store.recovery_message is not None
    assert str(aside) in store.recovery_message
    assert str(db) in store.recovery_message
    # The fresh store works.
    region = make_region()
    store.add_region(region, TEXT)
    store.add_claim(make_claim(region))
    assert store.region_state(region.id) is not None


def test_garbage_file_is_moved_aside(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = os.urandom(8192)
    db.write_bytes(garbage)
    with Store.open(db) as store:
        _assert_recovered(store, db, garbage)


def test_garbage_with_stale_wal_and_shm_moves_them_too(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = b"this is not a database at all" * 300
    db.write_bytes(garbage)
    Path(f"{db}-wal").write_bytes(b"junk wal")
    Path(f"{db}-shm").write_bytes(b"junk shm")
    with Store.open(db) as store:
        _assert_recovered(store, db, garbage)
        aside = store.recovered_from
        assert aside is not None
        assert Path(f"{aside}-wal").read_bytes() == b"junk wal"
        # The -shm is only an index SQLite rebuilds (a read-only probe may rewrite it).
        assert Path(f"{aside}-shm").exists()


def _real_db_bytes(db: Path, regions: int = 300) -> bytes:
    with Store.open(db) as store:
        for i in range(regions):
            region = make_region(path=f"src/file_{i}.py")
            store.add_region(region, TEXT + f"# file {i}\n" * 20)
            claim = make_claim(region, f"rationale number {i} long enough to count")
            store.add_claim(claim.replace(purpose=f"purpose-{i}"))
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    return db.read_bytes()


@pytest.mark.parametrize(("keep", "some_kept"), [(0.5, True), (0.1, False), (0.9, True)])
def test_truncated_database_is_moved_aside_keeping_what_can_be_read(
    db: Path, keep: float, some_kept: bool
) -> None:
    data = _real_db_bytes(db)
    assert len(data) > 8 * 4096
    truncated = data[: int(len(data) * keep)]
    db.write_bytes(truncated)
    with Store.open(db) as store:
        regions, claims, dismissals = store.salvaged
        assert (regions > 0) is some_kept
        kept = store.region_states()
        assert len(kept) == regions and dismissals == 0
        for state in kept:  # only whole rows: each region with its own claim, or none
            number = int(state.region.path.removeprefix("src/file_").removesuffix(".py"))
            region = state.region
            assert (region.first_line, region.end_line, region.tool) == (0, 2, "copilot")
            assert region.fingerprint == fingerprint(TEXT.splitlines()[0:2])
            assert store.basis_text(state.region.id) in (None, TEXT + f"# file {number}\n" * 20)
            for claim in state.history:
                assert claim.rationale == f"rationale number {number} long enough to count"
                assert claim.purpose == f"purpose-{number}"  # a salvaged claim keeps its tag
        assert sum(len(s.history) for s in kept) == claims
        assert store.recovery_message is not None
        if some_kept:
            assert f"{regions} region(s), {claims} claim(s)" in store.recovery_message
        else:
            assert "a new, empty store was created" in store.recovery_message
        _assert_recovered(store, db, truncated)


def test_truncated_inside_header_is_moved_aside(db: Path) -> None:
    data = _real_db_bytes(db, regions=1)
    db.write_bytes(data[:60])
    with Store.open(db) as store:
        _assert_recovered(store, db, data[:60])


def test_overwritten_pages_are_moved_aside(db: Path) -> None:
    data = bytearray(_real_db_bytes(db))
    page = 4096
    data[3 * page : 6 * page] = os.urandom(3 * page)
    db.write_bytes(bytes(data))
    with Store.open(db) as store:
        _assert_recovered(store, db, bytes(data))


def test_foreign_sqlite_database_is_moved_aside(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.commit()
    conn.close()
    original = db.read_bytes()
    with Store.open(db) as store:
        _assert_recovered(store, db, original)
        assert store.recovery_message is not None
        assert "not an ownit store" in store.recovery_message


def test_newer_schema_is_refused_and_left_untouched(db: Path) -> None:
    with Store.open(db) as store:
        store.add_region(make_region(), TEXT)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreVersionError, match="newer ownit") as info:
        Store.open(db)
    assert "left untouched" in str(info.value)
    assert db.read_bytes() == before
    assert not list(db.parent.glob("*.unreadable-*"))


def test_directory_in_place_of_the_file_is_a_clear_error(db: Path) -> None:
    db.mkdir(parents=True)
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(db)
    assert db.is_dir()


def test_parent_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "ownit"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="ownit is a file, not a folder; move it away"):
        Store.open(blocker / "state.db")


def test_second_recovery_in_the_same_second_gets_its_own_name(db: Path) -> None:
    db.parent.mkdir(parents=True)
    asides = []
    for content in (b"first garbage" * 100, b"second garbage" * 100):
        db.write_bytes(content)
        with Store.open(db) as store:
            assert store.recovered_from is not None
            asides.append(store.recovered_from)
            assert store.recovered_from.read_bytes() == content
    assert asides[0] != asides[1]


def test_many_processes_opening_one_garbage_file_move_it_aside_once(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = os.urandom(20000)
    db.write_bytes(garbage)
    script = """
        import sys
        from pathlib import Path
        from ownit.store import Store
        sys.stdin.readline()
        store = Store.open(Path(sys.argv[1]))
        print(store.recovered_from or "-")
        store.close()
    """
    outputs = _run_together(script, [[str(db)] for _ in range(6)])
    moved = [line for line in outputs if line != "-"]
    assert len(moved) == 1
    assert Path(moved[0]).read_bytes() == garbage
    assert len(list(db.parent.glob("state.db.unreadable-*[!lm]"))) == 1


def test_closed_store_says_so(db: Path) -> None:
    store = Store.open(db)
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        store.region_states()


# ------------------------------------------------------------- file deleted or replaced


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def test_a_write_after_the_file_was_deleted_recreates_it_first(db: Path) -> None:
    region = make_region()
    told: list[str] = []
    with Store.open(db) as store:
        store.add_region(region, TEXT)
        held = store.region_states()

        def write_back(again: Store, reason: str) -> None:
            told.append(reason)
            again.restore([(state, TEXT) for state in held])

        store.on_recreated = write_back
        _remove(db)
        store.add_claim(make_claim(region))
        assert told == ["deleted"]
        assert store.ensure_current() is None  # the new file is the one in use now
    with Store.open(db) as fresh:
        state = fresh.region_state(region.id)
        assert state is not None and state.claim == make_claim(region)
        assert fresh.basis_text(region.id) == TEXT


def test_a_file_replaced_under_the_store_is_noticed(db: Path, tmp_path: Path) -> None:
    with Store.open(db) as store:
        store.add_region(make_region(), TEXT)
        other = tmp_path / "other.db"
        with Store.open(other) as replacement:
            replacement.add_region(make_region(path="other.py"), TEXT)
        _remove(db)
        other.rename(db)
        assert store.ensure_current() == "replaced by another file"
        assert [s.region.path for s in store.region_states()] == ["other.py"]


def test_when_no_new_store_can_be_made_every_write_says_why(db: Path) -> None:
    store = Store.open(db)
    region = make_region()
    store.add_region(region, TEXT)
    shutil.rmtree(db.parent)  # the whole folder (with the store's lock file) goes
    db.parent.write_text("a file where the folder was")
    with pytest.raises(StoreError, match="was deleted while ownit had it open") as info:
        store.add_claim(make_claim(region))
    assert "is a file, not a folder; move it away" in str(info.value)
    with pytest.raises(StoreError, match="no new one can be made"):
        store.region_states()
    db.parent.unlink()
    store.add_region(region, TEXT)  # the way is clear again: a new file, and the write
    assert [s.region.id for s in store.region_states()] == [region.id]
    store.close()


# ----------------------------------------------------------------------- regions


def test_region_round_trip_and_filters(store: Store) -> None:
    a = make_region("src/a.py", 0, 2, model="gpt-5", session="s1")
    b = make_region("src/a.py", 3, 5, source=Source.AGENT_HOOK, tool="claude-code")
    c = make_region("src/b.py", 0, 1)
    for r in (b, a, c):
        store.add_region(r, TEXT)
    assert [s.region for s in store.region_states("src/a.py")] == [a, b]
    assert [s.region.id for s in store.region_states()] == [a.id, b.id, c.id]
    assert store.region_states("nope.py") == []
    got = store.region_state(a.id)
    assert got is not None and got.region.model == "gpt-5" and got.region.session == "s1"
    assert got.ownership is Ownership.UNOWNED
    assert store.region_state("missing") is None


def test_document_regions_reads_what_region_states_and_region_bases_read(store: Store) -> None:
    a = make_region("src/a.py", 0, 2, model="gpt-5", session="s1")
    b = make_region("src/a.py", 3, 5, tool="claude-code")
    gone = make_region("src/a.py", 1, 2)
    c = make_region("src/b.py", 0, 1)
    no_basis = make_region("src/a.py", 2, 3)
    for r in (b, a, gone, c):
        store.add_region(r, TEXT)
    store.add_region(no_basis, None)
    store.add_claim(make_claim(a))
    store.add_claim(make_claim(a, "read it again after the second change"))
    store.add_dismissal(Dismissal(b.id, "dev@example.com", "a person wrote it", 1_700_000_200.0))
    store.set_status(gone.id, RegionStatus.REMOVED, "deleted")
    store.update_positions("src/a.py", [(b.id, 4, 6, b.fingerprint)], "# header\n" + TEXT)
    for inactive in (False, True):
        states, basis_of, texts = store.document_regions("src/a.py", include_inactive=inactive)
        assert states == store.region_states("src/a.py", include_inactive=inactive)
        assert (basis_of, texts) == store.region_bases("src/a.py", include_inactive=inactive)
        assert len(texts) == 2 and no_basis.id not in basis_of
    states, _, _ = store.document_regions("src/a.py")
    # The strings many regions repeat are one object each, as the rows come back.
    assert states[0].region.path is states[1].region.path
    assert store.document_regions("nope.py") == ([], {}, {})


def test_duplicate_region_id_is_refused(store: Store) -> None:
    region = make_region()
    store.add_region(region, TEXT)
    with pytest.raises(ValueError, match="already exists"):
        store.add_region(region, TEXT)
    assert len(store.region_states()) == 1


def test_new_region_ids_are_short_hex_and_distinct() -> None:
    ids = {new_region_id() for _ in range(10000)}
    assert len(ids) == 10000
    assert all(len(i) == 12 and set(i) <= set("0123456789abcdef") for i in ids)


def test_update_positions_moves_regions_and_basis(store: Store) -> None:
    a, b = make_region(first=0, end=2), make_region(first=3, end=5)
    other = make_region(path="src/other.py")
    for r in (a, b, other):
        store.add_region(r, TEXT)
    new_text = "# header\n" + TEXT
    store.update_positions(
        "src/a.py",
        [(a.id, 1, 3, a.fingerprint), (b.id, 4, 6, "000000000000"), (other.id, 9, 9, "x")],
        new_text,
    )
    sa, sb, so = (store.region_state(r.id) for r in (a, b, other))
    assert sa is not None and (sa.region.first_line, sa.region.end_line) == (1, 3)
    assert sb is not None and sb.region.fingerprint == "000000000000"
    # Another path's region is not touched by an update for this path.
    assert so is not None and (so.region.first_line, so.region.end_line) == (0, 2)
    assert store.basis_text(a.id) == new_text
    assert store.basis_text(other.id) == TEXT


def test_update_positions_skips_unknown_ids_and_validates_ranges(store: Store) -> None:
    a = make_region()
    store.add_region(a, TEXT)
    store.update_positions("src/a.py", [("gone", 1, 2, "x"), (a.id, 2, 4, "fp")], TEXT)
    state = store.region_state(a.id)
    assert state is not None and state.region.first_line == 2
    with pytest.raises(ValueError, match="invalid line range"):
        store.update_positions("src/a.py", [(a.id, 5, 4, "fp")], TEXT)
    store.update_positions("src/a.py", [], TEXT)  # nothing to do


def test_basis_none_clears_it(store: Store) -> None:
    a = make_region()
    store.add_region(a, None)
    assert store.basis_text(a.id) is None
    store.update_positions("src/a.py", [(a.id, 0, 2, a.fingerprint)], TEXT)
    assert store.basis_text(a.id) == TEXT
    store.update_positions("src/a.py", [(a.id, 0, 2, a.fingerprint)], None)
    assert store.basis_text(a.id) is None


def _snapshot_hashes(store: Store) -> set[str]:
    return {r[0] for r in store._connection().execute("SELECT hash FROM snapshots")}


def test_snapshots_are_shared_and_collected(store: Store) -> None:
    a, b = make_region(first=0, end=2), make_region(first=3, end=5)
    store.add_region(a, TEXT)
    store.add_region(b, TEXT)
    assert _snapshot_hashes(store) == {snapshot_hash(TEXT)}
    v2 = TEXT + "# v2\n"
    store.update_positions("src/a.py", [(a.id, 0, 2, a.fingerprint)], v2)
    # b still refers to TEXT: both kept.
    assert _snapshot_hashes(store) == {snapshot_hash(TEXT), snapshot_hash(v2)}
    store.update_positions("src/a.py", [(b.id, 3, 5, b.fingerprint)], v2)
    assert _snapshot_hashes(store) == {snapshot_hash(v2)}
    # A stray unreferenced snapshot is swept by gc_snapshots.
    store._connection().execute(
        "INSERT INTO snapshots (hash, text, created_at) VALUES ('orphan', 'x', 0)"
    )
    assert store.gc_snapshots() == 1
    assert _snapshot_hashes(store) == {snapshot_hash(v2)}


def test_status_changes_are_recorded_as_events(store: Store) -> None:
    a = make_region()
    store.add_region(a, TEXT)
    store.set_status(a.id, RegionStatus.LOST, "not found after the file changed")
    assert store.region_states("src/a.py") == []
    inactive = store.region_states("src/a.py", include_inactive=True)
    assert [s.region.status for s in inactive] == [RegionStatus.LOST]
    store.set_status(a.id, RegionStatus.ACTIVE, "found by fingerprint at line 12")
    store.set_status(a.id, RegionStatus.REMOVED, "all its text was deleted")
    store.set_status(a.id, RegionStatus.ACTIVE, "undo")
    store.add_event(a.id, "reanchored", "moved by a line diff")
    kinds = [(e.kind, e.detail) for e in store.events(a.id)]
    assert kinds == [
        ("added", "inline-completion"),
        ("lost", "not found after the file changed"),
        ("reanchored", "found by fingerprint at line 12"),
        ("removed", "all its text was deleted"),
        ("restored", "undo"),
        ("reanchored", "moved by a line diff"),
    ]
    assert all(e.region_id == a.id for e in store.events())
    reanchored = [e.detail for e in store.events(kind="reanchored")]
    assert reanchored == ["found by fingerprint at line 12", "moved by a line diff"]
    assert [e.detail for e in store.events(a.id, kind="lost")] == [
        "not found after the file changed"
    ]
    assert store.events("missing", kind="lost") == []
    with pytest.raises(UnknownRegionError):
        store.set_status("missing", RegionStatus.LOST, "x")
    with pytest.raises(UnknownRegionError):
        store.add_event("missing", "lost", "x")


# ----------------------------------------------------------------------- claims


def test_claims_history_latest_wins_and_staleness(store: Store) -> None:
    a = make_region()
    store.add_region(a, TEXT)
    first = make_claim(a, "first rationale, long enough to pass")
    second = Claim(
        a.id, "Other", "o@example.com", "second look: fixed the edge case", "f" * 12, 5e9
    )
    store.add_claim(first)
    state = store.region_state(a.id)
    assert state is not None and state.claim == first and state.ownership is Ownership.OWNED
    store.add_claim(second)
    state = store.region_state(a.id)
    assert state is not None
    assert state.claim == second
    assert state.history == (first, second)
    assert state.ownership is Ownership.STALE  # its fingerprint is not the region's
    # The same answer through region_states.
    (listed,) = store.region_states("src/a.py")
    assert listed.claim == second and listed.history == (first, second)


def test_claim_on_unknown_region_is_refused(store: Store) -> None:
    with pytest.raises(UnknownRegionError, match="missing"):
        store.add_claim(make_claim(make_region(id="missing")))
    with pytest.raises(UnknownRegionError):
        store.add_dismissal(Dismissal("missing", "Dev <d@x>", "generated by a macro", 0.0))


def test_dismissal(store: Store) -> None:
    a = make_region()
    store.add_region(a, TEXT)
    store.add_dismissal(Dismissal(a.id, "Dev <d@example.com>", "I typed this myself", 1.0))
    store.add_dismissal(Dismissal(a.id, "Dev <d@example.com>", "pasted from our docs", 2.0))
    state = store.region_state(a.id)
    assert state is not None and state.dismissal is not None
    assert state.dismissal.reason == "pasted from our docs"
    assert state.ownership is Ownership.DISMISSED


def test_unicode_and_odd_text_round_trip(store: Store) -> None:
    text = "x = '😀'\r\nÿ = 1\n\x00tail"
    a = make_region(path="dir with space/ü.py", tool="claude-code", model="claude-sonnet-5")
    store.add_region(a, text)
    store.add_claim(make_claim(a, "handles 😀 and NUL \x00 correctly, checked"))
    assert store.basis_text(a.id) == text
    state = store.region_state(a.id)
    assert state is not None and state.claim is not None
    assert state.claim.rationale == "handles 😀 and NUL \x00 correctly, checked"
    assert store.region_states("dir with space/ü.py")[0].region.path == "dir with space/ü.py"


def test_claim_is_durable_when_add_claim_returns(db: Path) -> None:
    a = make_region()
    with Store.open(db) as writer, Store.open(db) as reader:
        writer.add_region(a, TEXT)
        seen = reader.data_version()
        writer.add_claim(make_claim(a))
        # Visible at once from another connection, and data_version says something changed.
        state = reader.region_state(a.id)
        assert state is not None and state.claim == make_claim(a)
        assert reader.data_version() != seen
        raw = sqlite3.connect(db)
        try:
            assert raw.execute("SELECT count(*) FROM claims").fetchone()[0] == 1
        finally:
            raw.close()


def test_claim_survives_the_writer_being_killed(db: Path) -> None:
    a = make_region()
    with Store.open(db) as store:
        store.add_region(a, TEXT)
    script = f"""
        import os, signal, sys
        from pathlib import Path
        from ownit.core.model import Claim
        from ownit.store import Store
        store = Store.open(Path(sys.argv[1]))
        claim = Claim({a.id!r}, "Dev", "d@x.org", "killed right after this", "fp", 1.0)
        store.add_claim(claim)
        os.kill(os.getpid(), signal.SIGKILL)
    """
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), str(db)], capture_output=True, text=True
    )
    assert proc.returncode == -9, proc.stderr
    with Store.open(db) as store:
        state = store.region_state(a.id)
        assert state is not None and state.claim is not None
        assert state.claim.rationale == "killed right after this"


def test_data_version_ignores_own_writes_and_notices_others(db: Path) -> None:
    with Store.open(db) as mine, Store.open(db) as theirs:
        before = mine.data_version()
        mine.add_region(make_region(), TEXT)
        assert mine.data_version() == before
        theirs.add_region(make_region(), TEXT)
        assert mine.data_version() != before


# ----------------------------------------------------------------------- concurrency


def _run_together(script: str, arg_lists: list[list[str]]) -> list[str]:
    """Start one process per argument list, release them at once, return their output."""
    outputs: list[str] = []
    with ExitStack() as stack:
        started = []
        for args in arg_lists:
            out = stack.enter_context(tempfile.TemporaryFile("w+"))
            err = stack.enter_context(tempfile.TemporaryFile("w+"))
            proc = subprocess.Popen(
                [sys.executable, "-c", textwrap.dedent(script), *args],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
                text=True,
            )
            started.append((proc, out, err))
        for proc, _, _ in started:  # every process waits on stdin: this is the starting gun
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.close()
        for proc, out, err in started:
            proc.wait()
            out.seek(0)
            err.seek(0)
            assert proc.returncode == 0, err.read()
            outputs.extend(out.read().split())
    return outputs


def test_processes_writing_claims_at_once_lose_none(db: Path) -> None:
    regions = [make_region(first=i % 4, end=i % 4 + 1) for i in range(4)]
    with Store.open(db) as store:
        for r in regions:
            store.add_region(r, TEXT)
    ids = ",".join(r.id for r in regions)
    per_process, processes = 40, 8
    script = """
        import sys
        from pathlib import Path
        from ownit.core.model import Claim, Dismissal, Region, Source
        from ownit.store import Store, new_region_id
        db, worker = Path(sys.argv[1]), sys.argv[2]
        ids, count = sys.argv[3].split(","), int(sys.argv[4])
        store = Store.open(db)
        sys.stdin.readline()
        for i in range(count):
            rid = ids[i % len(ids)]
            store.add_claim(Claim(rid, "W" + worker, worker + "@example.com",
                                  f"worker {worker} claim {i}", "fp", float(i)))
            if i % 10 == 0:
                new = Region(new_region_id(), "src/" + worker + ".py", i, i + 1, "copilot",
                             Source.CHAT_EDIT, 0.0, "fp")
                store.add_region(new, "text of " + worker + str(i))
                store.update_positions(new.path, [(new.id, i + 1, i + 2, "fp2")], "moved " + str(i))
                store.add_dismissal(Dismissal(new.id, worker, "not ai", 0.0))
        store.close()
        print("ok")
    """
    outputs = _run_together(
        script, [[str(db), str(w), ids, str(per_process)] for w in range(processes)]
    )
    assert outputs == ["ok"] * processes
    with Store.open(db) as store:
        history = [c for s in store.region_states() for c in s.history]
        assert len(history) == per_process * processes
        assert {c.rationale for c in history} == {
            f"worker {w} claim {i}" for w in range(processes) for i in range(per_process)
        }
        added = store.region_states(include_inactive=True)
        assert len(added) == len(regions) + processes * (per_process // 10)
        assert all(s.dismissal is not None for s in added if s.region.path != "src/a.py")
        # Only the snapshots still referred to remain.
        referenced = {
            r[0] for r in store._connection().execute("SELECT DISTINCT basis FROM regions")
        }
        assert _snapshot_hashes(store) == referenced


def test_processes_creating_a_fresh_store_at_once(db: Path) -> None:
    script = """
        import sys
        from pathlib import Path
        from ownit.core.model import Region, Source
        from ownit.store import Store, new_region_id
        sys.stdin.readline()
        store = Store.open(Path(sys.argv[1]))
        assert store.recovered_from is None, store.recovery_message
        region = Region(new_region_id(), "a.py", 0, 1, "copilot", Source.MANUAL, 0.0, "fp")
        store.add_region(region, "x")
        store.close()
        print("ok")
    """
    outputs = _run_together(script, [[str(db)] for _ in range(8)])
    assert outputs == ["ok"] * 8
    with Store.open(db) as store:
        assert len(store.region_states()) == 8
    assert not list(db.parent.glob("*.unreadable-*"))
