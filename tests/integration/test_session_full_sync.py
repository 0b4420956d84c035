"""The session's full-text sync (``Session.replace_all``, what the server does for a client
that sends whole texts) moves its regions as the smallest single edit would, and keeps each
region's recorded lines equal to its tracked span's, checked against the reference model
(tests/tracking_model.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ownit.core.model import Region, RegionState, Source
from ownit.core.tracking import line_range
from ownit.session import Document, Session, Tracked
from tests.tracking_model import (
    SETTINGS,
    check,
    documents_with_regions,
    edited_texts,
    smallest_edit,
    start,
)


@SETTINGS
@given(initial=documents_with_regions(), data=st.data())
def test_full_sync_moves_regions_and_their_recorded_lines(
    initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    text, regions = initial
    buffer, spans, doc = start(text, regions)
    session = Session()
    document = Document(uri="untitled:full-sync", version=1, buffer=buffer)
    session.documents[document.uri] = document
    for region, span in enumerate(spans):
        if not doc.region_offsets(region):
            doc.gone.add(region)  # on the empty last line: nothing to track
            continue
        first, end = line_range(span)
        state = RegionState(
            Region(str(region), "f", first, end, "copilot", Source.MANUAL, 0.0, "0" * 12)
        )
        document.tracked[str(region)] = Tracked(state, span)

    for version in range(2, 2 + data.draw(st.integers(1, 4), label="syncs")):
        new = data.draw(edited_texts(doc.text), label="new text")
        a, b, middle = smallest_edit(doc.text, new)
        doc.replace(a, b, middle, range(len(regions)))
        session.replace_all(document.uri, version, new)
        assert document.buffer is buffer
        tracked = [document.tracked.get(str(region)) for region in range(len(regions))]
        check(buffer, [None if t is None else t.span for t in tracked], doc)
        for t in tracked:
            if t is not None:
                assert (t.region.first_line, t.region.end_line) == line_range(t.span)
