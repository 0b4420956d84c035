"""The per-line claim lookup of blame (a commit's claims over a line, the later owner of
a piece of code) against the naive one it replaced, kept here as the reference model:
random claim sets (overlapping, co-owned, superseded, invalid) give the same verdict for
every line, with the in-memory index and the stored one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from ownit.core import provenance as pv
from ownit.core import trailers as tr
from ownit.core.claim_index import ClaimIndex, CommitClaims, InvalidWhy, SpanIndex, all_valid
from ownit.core.fingerprint import fingerprint, normalize_line
from ownit.core.line_provenance import BlameLine, Verdict
from ownit.core.window_finder import WindowFinder
from ownit.git import claim_cache

Owner = tuple[CommitClaims, tr.ClaimLine] | None


def naive_find_owner(
    index: ClaimIndex, path: str, fp: str, after: int, names: Sequence[str], invalid: InvalidWhy
) -> Owner:
    """The lookup before: every claim of every commit, the latest valid owned match."""
    best: Owner = None
    for name in dict.fromkeys((path, *names)):
        for entry in index.commits.values():
            if entry.order <= after:
                continue
            for claim in entry.claims:
                if (
                    claim.owned
                    and claim.path == name
                    and claim.fingerprint == fp
                    and not invalid(entry.sha, claim)
                ):
                    if best is None or entry.order > best[0].order:
                        best = (entry, claim)
                    break
    return best


def naive_verdicts(
    lines: Sequence[BlameLine], index: ClaimIndex, path: str, invalid: InvalidWhy
) -> list[Verdict]:
    """Each line judged on its own: every claim of its commit scanned, every located
    claim looked at, the owner found by a scan of every commit."""
    offset = lines[0].line - 1
    windows = WindowFinder([normalize_line(bl.text) for bl in lines], normalized=True)
    names = tuple(dict.fromkeys([path, *(bl.orig_path for bl in lines if bl.orig_path)]))
    written = {(bl.commit, bl.orig_path, bl.orig_line): bl.line - 1 for bl in lines}
    located = []
    for name in names:
        for entry, claim in index.claims_for_path(name):
            at = written.get((entry.sha, claim.path, claim.first))
            where = pv._located(claim, offset, windows, at, None)
            if where is not None:
                located.append((where[0], where[1], entry, claim))
    located.sort(key=lambda item: -item[2].order)

    def owner(p: str, fp: str, after: int) -> Owner:
        return naive_find_owner(index, p, fp, after, names, invalid)

    out = []
    for bl in lines:
        entry = index.commits.get(bl.commit)
        inside = tuple(
            i
            for i, c in enumerate(entry.claims if entry else ())
            if c.path == bl.orig_path and c.first <= bl.orig_line <= c.last
        )
        out.append(pv._resolve_line(bl, entry, inside, located, owner, invalid))
    return out


@given(st.lists(st.tuples(st.integers(-3, 40), st.integers(-3, 40)), max_size=60), st.data())
def test_span_index_holds_what_a_scan_finds(spans: list[tuple[int, int]], data: st.DataObject):
    index = SpanIndex(spans)
    for line in range(-5, 45):
        expected = tuple(i for i, (a, b) in enumerate(spans) if a <= line <= b)
        assert index.holding(line) == expected


TEXT = [f"x{i} = {i % 5}" for i in range(12)]  # repeated lines: the same code twice
PATHS = ("a.py", "old.py")
EMAILS = ("dev@example.com", "ann@example.com", "bob@example.com", None)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[CommitClaims], list[BlameLine], set[tuple]]:
    commits = []
    for order in range(draw(st.integers(1, 4))):
        claims = []
        for _ in range(draw(st.integers(0, 12))):
            first = draw(st.integers(1, 12))
            last = draw(st.integers(first - 1, 13))
            real = fingerprint(TEXT[first - 1 : last])
            fp = draw(st.sampled_from([real, real, "0123456789ab"]))
            owned = draw(st.booleans())
            email = draw(st.sampled_from(EMAILS)) if owned else None
            claims.append(
                tr.ClaimLine(
                    draw(st.sampled_from(PATHS)),
                    first,
                    last,
                    fp,
                    "copilot",
                    email,
                    "why" if owned else "",
                )
            )
        ai = draw(st.sampled_from([None, "", "claude-code"]))
        commits.append(CommitClaims(f"{order:040x}", order, tuple(claims), ai_tool=ai))
    lines = []
    for n, text in enumerate(TEXT, 1):
        entry = draw(st.sampled_from([*commits, None]))
        sha = entry.sha if entry else "f" * 40
        lines.append(
            BlameLine(n, sha, draw(st.integers(1, 12)), draw(st.sampled_from(PATHS)), text)
        )
    bad = {
        (entry.sha, at)
        for entry in commits
        for at in range(len(entry.claims))
        if draw(st.integers(0, 3)) == 0
    }
    return commits, lines, bad


def _judge(commits: list[CommitClaims], bad: set[tuple]) -> Callable[[str, tr.ClaimLine], str]:
    by_id = {(e.sha, id(c)): at for e in commits for at, c in enumerate(e.claims)}
    return lambda sha, claim: "forged" if (sha, by_id[(sha, id(claim))]) in bad else ""


@settings(max_examples=300, deadline=None)
@given(histories())
def test_verdicts_match_the_naive_lookup(history) -> None:
    commits, lines, bad = history
    memory = pv.index_from(commits)
    raw = {e.sha: claim_cache.to_raw(e) for e in commits}
    stored = claim_cache.StoredClaimIndex(raw, claim_cache.path_table(raw))
    for invalid in (all_valid, _judge(commits, bad)):
        expected = naive_verdicts(lines, memory, "a.py", invalid)
        assert pv.verdicts(lines, memory, "a.py", invalid) == expected
        stored_invalid = (
            invalid if invalid is all_valid else _judge(list(stored.commits.values()), bad)
        )
        assert pv.verdicts(lines, stored, "a.py", stored_invalid) == expected
        for entry in commits:
            for claim in entry.claims:
                for after in (-1, *range(len(commits))):
                    want = naive_find_owner(
                        memory, claim.path, claim.fingerprint, after, PATHS, invalid
                    )
                    assert (
                        memory.find_owner(
                            claim.path, claim.fingerprint, after, aliases=PATHS, invalid=invalid
                        )
                        == want
                    )
