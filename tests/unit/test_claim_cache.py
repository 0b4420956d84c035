"""The claim index file (`claim_cache`): what it reads back answers exactly as the index
it was written from, and a file it did not write exactly is not used."""

from __future__ import annotations

import random
from pathlib import Path

from ownit.core import trailers as tr
from ownit.core.claim_index import CommitClaims, index_from
from ownit.git import claim_cache

PATHS = ("a.py", "dir/b.py", "c d.py")
FPS = ("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc")


def _entries(seed: int) -> list[CommitClaims]:
    rng = random.Random(seed)
    entries = []
    for order in range(200):
        if rng.random() < 0.5:
            continue
        claims = tuple(
            tr.ClaimLine(
                rng.choice(PATHS),
                first := rng.randint(1, 50),
                first + rng.randint(0, 9),
                rng.choice(FPS),
                rng.choice(("copilot", "claude-code:sonnet")),
                rng.choice((None, "dev@example.com")),
                rng.choice(("", "Checked against the tests by hand")),
            )
            for _ in range(rng.randint(0, 3))
        )
        tool = rng.choice((None, "", "copilot"))
        entries.append(
            CommitClaims(f"{order:040x}", order, claims, tool, "trailer" if tool else "")
        )
    return entries


def test_read_back_answers_as_the_index_it_was_written_from(tmp_path: Path) -> None:
    for seed in range(5):
        entries = _entries(seed)
        expected = index_from(entries)
        path = tmp_path / f"{seed}" / claim_cache.INDEX_FILE
        raw = {e.sha: claim_cache.to_raw(e) for e in entries}
        claim_cache.write(path, "f" * 40, "key", 200, raw)
        claim_cache._MEMO.clear()  # read the file, not the memory
        cached = claim_cache.read(path)
        assert cached is not None and (cached.head, cached.policy, cached.next) == (
            "f" * 40,
            "key",
            200,
        )
        index = cached.index()
        for order in range(201):
            sha = f"{order:040x}"
            assert index.commits.get(sha) == expected.commits.get(sha)
        for p in (*PATHS, "missing.py"):
            assert index.claims_for_path(p) == expected.claims_for_path(p)
            for fp in FPS:
                for after in (-1, 0, 50, 120, 199):
                    assert index.find_owner(p, fp, after) == expected.find_owner(p, fp, after)


def test_a_file_it_did_not_write_exactly_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / claim_cache.INDEX_FILE
    entries = _entries(1)
    claim_cache.write(path, "f" * 40, "key", 200, {e.sha: claim_cache.to_raw(e) for e in entries})
    good = path.read_bytes()
    header = claim_cache._HEADER
    flipped = bytearray(good)
    flipped[header + 10] ^= 0xFF
    other_python = bytearray(good)
    other_python[len(claim_cache._MAGIC) + 2] ^= 1
    for bad in (b"", b"{}", good[:header], bytes(flipped), bytes(other_python), good + b"x"):
        path.write_bytes(bad)
        claim_cache._MEMO.clear()
        assert claim_cache.read(path) is None
    path.write_bytes(good)
    claim_cache._MEMO.clear()
    assert claim_cache.read(path) is not None
    assert claim_cache.read(tmp_path / "absent.bin") is None


def test_writing_removes_the_old_json_index(tmp_path: Path) -> None:
    old = tmp_path / claim_cache.OLD_INDEX_FILE
    old.write_text("{}")
    claim_cache.write(tmp_path / claim_cache.INDEX_FILE, "f" * 40, "key", 0, {})
    assert not old.exists()
