"""A tracked region keeps no span while it covers whole lines (its span is read from its
line numbers) and keeps one once an edit gives it another shape. Either way it must move
exactly as the reference model says (tests/tracking_model.py), through the session's own
edit path (``apply_edits``: the region index, lazy line moves, fingerprints), in every
encoding's text (CRLF, lone CR, non-BMP characters come from the model's pieces)."""

from __future__ import annotations

import tests.unit.test_tracking_properties as properties
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.tracking_model import SETTINGS, check, small_texts, start

from ownit.core.fingerprint import fingerprint
from ownit.core.model import Region, RegionState, Source
from ownit.core.text import Pos, TextBuffer
from ownit.core.tracking import Span, line_range, span_for_lines
from ownit.session.documents import Document, Tracked, apply_edits


def _tracked(buffer: TextBuffer, key: str, first: int, end: int) -> Tracked:
    span = span_for_lines(buffer, first, end)
    first, end = line_range(span)  # (a region over the empty last line has one line less)
    region = Region(
        key,
        "f.py",
        first,
        end,
        "copilot",
        Source.AGENT_HOOK,
        0.0,
        fingerprint(buffer.contents(first, end)),
    )
    # As didOpen installs them: no span at all unless the region ends at the text's end.
    return Tracked(RegionState(region), span if span.end.col else None)


def test_whole_lines_keep_no_span_until_cut() -> None:
    buffer = TextBuffer("a\nb\nc\nd")
    tracked = _tracked(buffer, "r", 1, 3)
    assert tracked._span is None and tracked.span == Span(Pos(1, 0), Pos(3, 0))
    tracked.shift(2)
    assert tracked._span is None and tracked.span == Span(Pos(3, 0), Pos(5, 0))
    tracked.place(Span(Pos(3, 1), Pos(5, 0)))  # its head cut off: the span is kept
    assert tracked._span == Span(Pos(3, 1), Pos(5, 0))
    assert (tracked.region.first_line, tracked.region.end_line) == (3, 5)
    tracked.place(Span(Pos(3, 0), Pos(4, 0)))  # whole lines again
    assert tracked._span is None and tracked.region.end_line == 4
    last = _tracked(buffer, "z", 2, 4)  # ends at the end of the text, not at a next line
    assert last.span == Span(Pos(2, 0), Pos(3, 1))


@settings(SETTINGS, max_examples=300)
@given(initial=properties.documents_with_many_regions(), data=st.data())
def test_lazily_spanned_regions_follow_any_edit_sequence(
    initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    text, regions = initial
    buffer, _spans, doc = start(text, regions)
    document = Document(uri="untitled:lazy", version=1, buffer=buffer)
    items: list[Tracked] = []
    for region, (first, end) in enumerate(regions):
        if not doc.region_offsets(region):
            doc.gone.add(region)  # on the empty last line: nothing to track
            continue
        items.append(_tracked(buffer, f"r{region}", first, end))
    document.tracked.add_all(items)

    for _ in range(data.draw(st.integers(1, 10), label="edits")):
        p1, p2 = sorted([properties.core_position(data, doc), properties.core_position(data, doc)])
        new_text = data.draw(
            st.one_of(small_texts, st.sampled_from(["\n", "\n\n", "x\n", "\r\n", "\r"])),
            label="new",
        )
        a = doc.offset(p1.line, p1.col, properties.CODE_POINTS)
        b = doc.offset(p2.line, p2.col, properties.CODE_POINTS)
        doc.replace(a, b, new_text, range(len(regions)))
        apply_edits(document, [(p1, p2, new_text)])
        if data.draw(st.booleans(), label="read"):
            tracked = [document.tracked.get(f"r{region}") for region in range(len(regions))]
            check(buffer, [None if t is None else t.span for t in tracked], doc)
            for t in tracked:
                if t is None:
                    continue
                region = t.region
                assert (region.first_line, region.end_line) == line_range(t.span)
                assert region.fingerprint == fingerprint(
                    buffer.contents(region.first_line, region.end_line)
                )
                # No span kept exactly when it is the region's whole lines.
                assert (t._span is None) == (t.span.start.col == 0 == t.span.end.col)
    tracked = [document.tracked.get(f"r{region}") for region in range(len(regions))]
    check(buffer, [None if t is None else t.span for t in tracked], doc)
