"""The keystroke path writes diagnostics as text directly: the same JSON as serializing
the diagnostic's dictionary, for any region, text and position encoding."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownit.core.findings import Finding, FindingCode
from ownit.core.model import Severity
from ownit.core.text import TextBuffer
from ownit.lsp.convert import (
    diagnostic_tail,
    diagnostic_template,
    finding_to_diagnostic,
    finding_to_json,
    shown_lines,
)

lines = st.lists(st.sampled_from(["a", "é", "😋", "\t", "x y", '"', "\\", "\u2028"]), max_size=5)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32", None])
@settings(max_examples=150, deadline=None)
@given(
    text=st.lists(lines.map("".join), min_size=1, max_size=6).map("\n".join),
    first=st.integers(0, 7),
    size=st.integers(1, 4),
    code=st.sampled_from(list(FindingCode)),
    severity=st.sampled_from([s for s in Severity if s is not Severity.OFF]),
    message=st.text(max_size=20),
    region_id=st.one_of(
        st.text(max_size=8), st.from_regex(r"[A-Za-z0-9_.:-]{0,12}", fullmatch=True)
    ),
    evidence=st.sampled_from(["", "exact", "corroborated", "inferred"]),
)
def test_finding_json_is_the_dictionary_serialized(
    encoding: str | None,
    text: str,
    first: int,
    size: int,
    code: FindingCode,
    severity: Severity,
    message: str,
    region_id: str,
    evidence: str,
) -> None:
    buffer = TextBuffer(text)
    first = min(first, buffer.line_count() - 1)  # regions lie within their document
    finding = Finding(region_id, first, first + size, code, severity, message, evidence)
    expected = json.dumps(finding_to_diagnostic(buffer, finding, encoding))
    assert finding_to_json(buffer, finding, encoding) == expected


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
@settings(max_examples=100, deadline=None)
@given(
    text=st.lists(lines.map("".join), min_size=1, max_size=6).map("\n".join),
    first=st.integers(0, 7),
    size=st.integers(1, 4),
    message=st.text(max_size=20),
    ids=st.lists(st.text(max_size=8), min_size=1, max_size=3),
)
def test_one_template_serves_regions_alike(
    encoding: str, text: str, first: int, size: int, message: str, ids: list[str]
) -> None:
    """A publish makes a finding's template once for the regions alike in it: each
    region's JSON from it is what serializing its own finding gives."""
    buffer = TextBuffer(text)
    like = Finding("x", 0, 1, FindingCode.UNOWNED_AI, Severity.WARNING, message, "exact")
    template = diagnostic_template(like)
    for offset, region_id in enumerate(ids):
        start = min(first + offset, buffer.line_count() - 1)
        finding = Finding(
            region_id, start, start + size, like.code, like.severity, message, "exact"
        )
        shown_first, last = shown_lines(buffer, start, start + size)
        made = (
            f'{{"range": {{"start": {{"line": {shown_first}, "character": 0}}, "end": '
            f'{{"line": {last}' + diagnostic_tail(buffer, last, region_id, template, encoding)
        )
        assert made == json.dumps(finding_to_diagnostic(buffer, finding, encoding))
