"""Conversion between LSP positions (client code units) and core positions (code points).

This is the only module that knows about position encodings. pygls's PositionCodec counts
units per character; the clamping rules are LSP's: a column past the end of a line means
the end of the line, a line past the end of the document means the end of the document,
and a column that falls inside a character (half a surrogate pair, part of a UTF-8
sequence) moves to the start of that character.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ownit.core.findings import Finding
from ownit.core.model import Severity
from ownit.core.text import Pos, TextBuffer, content_length

if TYPE_CHECKING:
    from ownit.core.policy import PolicyProblem

JsonDict = dict[str, Any]

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

# Keyed by the wire value ("utf-8", …): str() of a PositionEncodingKind member is its name
# ("PositionEncodingKind.Utf8"), so a plain string from the wire would never match it.
_CODECS: dict[str, PositionCodec] = {
    encoding.value: PositionCodec(encoding) for encoding in (UTF8, UTF16, UTF32)
}


def codec(encoding: str | None) -> PositionCodec:
    if isinstance(encoding, types.PositionEncodingKind):
        encoding = encoding.value
    return _CODECS.get(encoding or UTF16.value, _CODECS[UTF16.value])


def _units(text: str, encoding: str | None) -> int:
    """Length of ``text`` in the client's code units (ASCII: the same in every encoding)."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    return int(codec(encoding).client_num_units(text))


def to_core_position(buffer: TextBuffer, line: int, character: int, encoding: str | None) -> Pos:
    """A client position in ``encoding`` units as a clamped code-point position."""
    if line < 0:
        return Pos(0, 0)
    character = max(character, 0)
    if line >= buffer.line_count():
        return buffer.clamp(Pos(line, 0))
    text = buffer.lines[line]
    length = content_length(text)
    if encoding == UTF32 or text.isascii():
        return Pos(line, min(character, length))
    units = codec(encoding).impl
    consumed = 0
    for index in range(length):
        width = units.code_units_for_char(text[index])
        if consumed + width > character:
            return Pos(line, index)
        consumed += width
    return Pos(line, length)


def to_client_position(buffer: TextBuffer, pos: Pos, encoding: str | None) -> types.Position:
    """A core position as a client position in ``encoding`` units."""
    pos = buffer.clamp(pos)
    return types.Position(
        line=pos.line, character=_units(buffer.lines[pos.line][: pos.col], encoding)
    )


def to_core_range(
    buffer: TextBuffer, lsp_range: types.Range, encoding: str | None
) -> tuple[Pos, Pos]:
    start = to_core_position(buffer, lsp_range.start.line, lsp_range.start.character, encoding)
    end = to_core_position(buffer, lsp_range.end.line, lsp_range.end.character, encoding)
    return (start, end) if start <= end else (end, start)


def line_range_to_client(
    buffer: TextBuffer, first_line: int, end_line: int, encoding: str | None
) -> types.Range:
    """Lines ``first_line`` .. ``end_line - 1`` as a range from the first line's start to the
    last line's end (not the next line's start: editors then underline only those lines)."""
    last = max(first_line, min(end_line, buffer.line_count()) - 1)
    start = types.Position(line=min(first_line, buffer.line_count() - 1), character=0)
    end = to_client_position(buffer, Pos(last, content_length(buffer.lines[last])), encoding)
    return types.Range(start=start, end=end)


_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error.value,
    Severity.WARNING: types.DiagnosticSeverity.Warning.value,
    Severity.INFORMATION: types.DiagnosticSeverity.Information.value,
    Severity.HINT: types.DiagnosticSeverity.Hint.value,
}


def range_to_json(lsp_range: types.Range) -> dict[str, Any]:
    return {"start": _json_position(lsp_range.start), "end": _json_position(lsp_range.end)}


def finding_to_diagnostic(buffer: TextBuffer, finding: Finding, encoding: str | None) -> JsonDict:
    """A finding as the JSON of an LSP Diagnostic, from the first line's start to the last
    line's end (plain dicts: the keystroke path builds hundreds of these)."""
    count = buffer.line_count()
    last = max(finding.first_line, min(finding.end_line, count) - 1)
    text = buffer.lines[last]
    return {
        "range": {
            "start": {"line": min(finding.first_line, count - 1), "character": 0},
            "end": {"line": last, "character": _units(text[: content_length(text)], encoding)},
        },
        "severity": _SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning.value),
        "code": str(finding.code),
        "source": "ownit",
        "message": finding.message,
        "data": (
            {"regionId": finding.region_id, "evidence": finding.evidence}
            if finding.evidence
            else {"regionId": finding.region_id}
        ),
    }


_JSON_STRINGS: dict[str, str] = {}


def _json_string(text: str) -> str:
    """``json.dumps(text)``, remembered: many regions share a message, code and tool."""
    encoded = _JSON_STRINGS.get(text)
    if encoded is None:
        if len(_JSON_STRINGS) > 4096:
            _JSON_STRINGS.clear()
        encoded = _JSON_STRINGS[text] = json.dumps(text)
    return encoded


def finding_to_json(buffer: TextBuffer, finding: Finding, encoding: str | None) -> str:
    """``json.dumps(finding_to_diagnostic(...))``, the same text, written without building
    the dictionary (the didOpen of ten thousand regions writes ten thousand of these)."""
    first, last = shown_lines(buffer, finding.first_line, finding.end_line)
    return (
        f'{{"range": {{"start": {{"line": {first}, "character": 0}}, "end": {{"line": {last}'
        + diagnostic_tail(buffer, last, finding.region_id, diagnostic_template(finding), encoding)
    )


def shown_lines(buffer: TextBuffer, first_line: int, end_line: int) -> tuple[int, int]:
    """The first and last line a diagnostic of lines ``first_line .. end_line - 1`` shows
    (clamped to the document)."""
    count = len(buffer.lines)
    return min(first_line, count - 1), max(first_line, min(end_line, count) - 1)


def diagnostic_template(finding: Finding) -> tuple[str, str]:
    """What a finding's JSON holds besides its lines, last line's length and region id:
    the text between that length and the id, and after the id. Regions alike in their
    finding share one (a publish of thousands makes it once)."""
    severity = _SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning.value)
    evidence = f', "evidence": {_json_id(finding.evidence)}' if finding.evidence else ""
    return (
        f'}}}}, "severity": {severity}, "code": {_json_string(str(finding.code))}, '
        f'"source": "ownit", "message": {_json_string(finding.message)}, '
        '"data": {"regionId": ',
        f"{evidence}}}}}",
    )


def diagnostic_tail(
    buffer: TextBuffer, last: int, region_id: str, template: tuple[str, str], encoding: str | None
) -> str:
    """A diagnostic's JSON after its last line's number (``finding_to_json`` is the
    range's start and that number, then this)."""
    return tail_text(line_end_units(buffer, last, encoding), region_id, template)


def line_end_units(buffer: TextBuffer, line: int, encoding: str | None) -> int:
    """Where ``line`` ends, in the client's code units (a diagnostic's end character)."""
    # (a line's text holds no \r or \n but its terminator)
    content = buffer.lines[line].rstrip("\r\n")
    if encoding == UTF32 or content.isascii():
        return len(content)
    return int(codec(encoding).client_num_units(content))


def tail_text(units: int, region_id: str, template: tuple[str, str]) -> str:
    """``diagnostic_tail`` of a last line ending at ``units``."""
    middle, end = template
    return f', "character": {units}{middle}{_json_id(region_id)}{end}'


_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]*")


def _json_id(region_id: str) -> str:
    """``json.dumps(region_id)``; ids as ownit makes them need no escaping at all."""
    if (region_id.isascii() and region_id.isalnum()) or _PLAIN_ID.fullmatch(region_id):
        return f'"{region_id}"'
    return json.dumps(region_id)


def policy_problem_to_diagnostic(
    buffer: TextBuffer, problem: PolicyProblem, encoding: str | None
) -> JsonDict:
    """A problem in `.ownit.yaml` at its line and column (1-based, code points)."""
    start = Pos(problem.line - 1, problem.column - 1)
    if problem.end_line is not None and problem.end_column is not None:
        end = Pos(problem.end_line - 1, problem.end_column - 1)
    else:
        end = Pos(start.line, content_length(buffer.lines[buffer.clamp(start).line]))
    if end <= start:
        end = Pos(start.line, start.col + 1)
    return {
        "range": {
            "start": _json_position(to_client_position(buffer, start, encoding)),
            "end": _json_position(to_client_position(buffer, end, encoding)),
        },
        "severity": types.DiagnosticSeverity.Error.value,
        "code": "policy-error",
        "source": "ownit",
        "message": problem.message,
    }


def _json_position(position: types.Position) -> dict[str, int]:
    return {"line": position.line, "character": position.character}
