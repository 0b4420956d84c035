"""A document opened as its stored regions' basis text (a file opened as it was left)
tracks them at their stored lines at once, exactly where re-anchoring would find them; a
document whose text differs, or a region whose stored lines are not all in the text,
takes the re-anchoring path (in a worker, with ``defer``). Real git repository, real store."""

from __future__ import annotations

from pathlib import Path

from ownit.core.fingerprint import fingerprint
from ownit.core.model import Region, Source
from ownit.core.reanchor import StoredGroup, reanchor_groups
from ownit.core.text import TextBuffer
from ownit.core.tracking import span_for_lines
from ownit.session import Session, path_to_uri

# Ends without a newline: a region holding the last line ends at the end of the text.
TEXT = "".join(f"line {n} = {n * n}\n" for n in range(30)) + "last = 0"
SPANS = [(2, 4), (5, 6), (5, 9), (20, 31), (29, 31)]


def _stored(git_repo: Path, spans: list[tuple[int, int]], basis: str) -> tuple[Session, str]:
    path = git_repo / "m.py"
    path.write_text(TEXT)
    session = Session()
    uri = path_to_uri(path)
    document = session.open(uri, TEXT, 1)
    assert document.context is not None and document.key is not None
    buffer = TextBuffer(basis)
    for index, (first, end) in enumerate(spans):
        region = Region(
            f"r{index}",
            document.key,
            first,
            end,
            "copilot",
            Source.INLINE_COMPLETION,
            1000.0 + index,
            fingerprint(buffer.contents(first, end)),
        )
        document.context.store.add_region(region, basis)
    session.close(uri)
    return session, uri


def test_the_text_its_regions_refer_to_installs_them_in_place(git_repo: Path) -> None:
    session, uri = _stored(git_repo, SPANS, TEXT)
    document = session.open(uri, TEXT, 2, defer=True)
    assert document.loading is None  # nothing to re-anchor, nothing left to a worker
    buffer = document.buffer
    found = {t.key: t for t in document.tracked.values()}
    assert sorted(found) == [f"r{index}" for index in range(len(SPANS))]
    # What re-anchoring says of the same regions against the same text: all unchanged.
    assert document.context is not None and document.key is not None
    states, _ = document.context.store.document_groups(document.key)[:2]
    (group,) = reanchor_groups([StoredGroup(TEXT, states)], TEXT, buffer.lines)
    assert not group.lost and {r.how for r in group.found} == {"unchanged"}
    for result in group.found:
        tracked = found[result.region_id]
        assert (tracked.region.first_line, tracked.region.end_line) == (
            result.first_line,
            result.end_line,
        )
        assert tracked.span == span_for_lines(buffer, result.first_line, result.end_line)
    # In text order, as the store's order gives them (equal starts: the shorter first).
    assert [t.key for t in document.tracked.values()] == ["r0", "r1", "r2", "r3", "r4"]


def test_another_text_takes_the_re_anchoring_path(git_repo: Path) -> None:
    session, uri = _stored(git_repo, SPANS, TEXT)
    edited = "# a new first line\n" + TEXT
    document = session.open(uri, edited, 2, defer=True)
    assert document.loading is not None  # left to a worker
    session.finish_loading(document, None)
    lines = {t.key: (t.region.first_line, t.region.end_line) for t in document.tracked.values()}
    assert lines == {f"r{i}": (first + 1, end + 1) for i, (first, end) in enumerate(SPANS)}


def test_stored_lines_past_the_text_take_the_re_anchoring_path(git_repo: Path) -> None:
    # The basis is longer than the document opened (same prefix): one region's stored
    # lines are not all in the text, so no region is taken in place.
    longer = TEXT + "\nextra = 1\nmore = 2\n"
    session, uri = _stored(git_repo, [(2, 4), (30, 32)], longer)
    document = session.open(uri, TEXT, 2, defer=True)
    assert document.loading is not None
    session.finish_loading(document, None)
    first = document.tracked.get("r0")
    assert first is not None and (first.region.first_line, first.region.end_line) == (2, 4)
