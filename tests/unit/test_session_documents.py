"""session/documents.py: revision bookkeeping (one touch) and overlap of lines."""

from __future__ import annotations

from ownit.core.model import Region, RegionState, Source
from ownit.core.text import Pos, TextBuffer
from ownit.core.tracking import span_for_lines
from ownit.session import Document, Tracked


def _tracked(buffer: TextBuffer, rid: str, first: int, end: int) -> Tracked:
    region = Region(rid, "a.py", first, end, "tool", Source.MANUAL, 0.0, "fp")
    return Tracked(RegionState(region), span_for_lines(buffer, first, end))


def test_region_overlaps_is_half_open() -> None:
    region = Region("r", "a.py", 2, 5, "tool", Source.MANUAL, 0.0, "fp")
    assert region.overlaps(4, 6) and region.overlaps(0, 3) and region.overlaps(3, 4)
    assert not region.overlaps(5, 9) and not region.overlaps(0, 2)


def test_touch_bumps_the_document_and_the_regions_named() -> None:
    buffer = TextBuffer("a\nb\nc\nd\n")
    document = Document("file:///a.py", 1, buffer)
    one, two = _tracked(buffer, "r1", 0, 1), _tracked(buffer, "r2", 2, 3)
    document.tracked.add_all([one, two])
    document.touch()
    document.touch(one)
    assert (document.revision, one.revision, two.revision) == (2, 1, 0)


def test_regions_at_and_an_edit_that_deletes_a_region() -> None:
    from ownit.session.documents import apply_edits

    buffer = TextBuffer("a\nb\nc\nd\n")
    document = Document("file:///a.py", 1, buffer)
    one, two = _tracked(buffer, "r1", 0, 1), _tracked(buffer, "r2", 2, 3)
    document.tracked.add_all([one, two])
    assert document.regions_at(1, 2) == [two]
    assert document.find("r1") is one and document.find("nope") is None
    removed = apply_edits(document, [(Pos(0, 0), Pos(1, 0), "")])  # delete line "a"
    assert removed == [one]
    assert (two.region.first_line, two.region.end_line) == (1, 2)
    assert document.positions_dirty and one.revision == 1
