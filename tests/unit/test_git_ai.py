"""The git-ai authorship log parser (Git AI Standard v3.0.0), written against the published
format: attestations, the `---` divider, the JSON metadata with sessions, legacy prompts and
known humans; every malformed note a clear GitAiError, never another exception."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.core.git_ai import Author, GitAiError, parse_note, parse_ranges

METADATA = {
    "schema_version": "authorship/3.0.0",
    "git_ai_version": "1.4.5",
    "base_commit_sha": "7734793b756b3921c88db5375a8c156e9532447b",
    "prompts": {
        "abcd1234abcd1234": {
            "agent_id": {"tool": "cursor", "id": "old_session_id", "model": "gpt-4"},
            "human_author": "Developer <dev@example.com>",
            "total_additions": 50,
            "total_deletions": 0,
            "accepted_lines": 50,
            "overriden_lines": 0,
        }
    },
    "humans": {"h_31dce776f88375": {"author": "Developer <dev@example.com>"}},
    "sessions": {
        "s_c9883b05a2487d": {
            "agent_id": {"tool": "claude", "id": "conv_abc123", "model": "claude-sonnet-4-5"},
            "human_author": "dev@example.com",
        }
    },
}
ATTESTATIONS = (
    "src/main.rs\n"
    "  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20\n"
    "  s_c9883b05a2487d::t_a1b2c3d4e5f678 25,30-35\n"
    "  h_31dce776f88375 42-50\n"
    '"src/my file.rs"\n'
    "  abcd1234abcd1234 1-50\n"
)


def note(attestations: str = ATTESTATIONS, metadata: object = METADATA) -> str:
    body = metadata if isinstance(metadata, str) else json.dumps(metadata, indent=2)
    return f"{attestations}---\n{body}\n"


def test_a_mixed_note() -> None:
    log = parse_note(note())
    assert log.schema_version == "authorship/3.0.0"
    assert log.base_commit == "7734793b756b3921c88db5375a8c156e9532447b"
    assert [(a.path, a.key, a.ranges) for a in log.attestations] == [
        ("src/main.rs", "s_c9883b05a2487d::t_9f8e7d6c5b4a32", ((1, 10), (15, 20))),
        ("src/main.rs", "s_c9883b05a2487d::t_a1b2c3d4e5f678", ((25, 25), (30, 35))),
        ("src/main.rs", "h_31dce776f88375", ((42, 50),)),
        ("src/my file.rs", "abcd1234abcd1234", ((1, 50),)),
    ]
    session = log.author_of("s_c9883b05a2487d::t_9f8e7d6c5b4a32")
    assert session == Author(
        "ai", "claude-code", "claude-sonnet-4-5", "conv_abc123", "dev@example.com"
    )
    assert log.author_of("abcd1234abcd1234") == Author(
        "ai", "cursor", "gpt-4", "old_session_id", "Developer <dev@example.com>"
    )
    assert log.author_of("h_31dce776f88375") == Author("human", human="Developer <dev@example.com>")
    assert log.author_of("s_ffffffffffffff::t_00000000000000") is None


def test_older_notes_without_sessions_or_humans() -> None:
    metadata = {k: v for k, v in METADATA.items() if k not in ("sessions", "humans")}
    log = parse_note(note("src/lib.rs\n  abcd1234abcd1234 3\n", metadata))
    assert log.author_of("abcd1234abcd1234") is not None
    assert log.attestations[0].ranges == ((3, 3),)


def test_crlf_and_an_empty_attestation_section() -> None:
    log = parse_note(note().replace("\n", "\r\n"))
    assert len(log.attestations) == 4
    assert parse_note(note("")).attestations == ()


def test_ranges() -> None:
    assert parse_ranges("1,2,19-222,300") == ((1, 1), (2, 2), (19, 222), (300, 300))
    for bad in ("", "0", "5-3", "1, 2", "1-", "-4", "a", "1--2", "1,,2", "99999999999"):
        with pytest.raises(GitAiError):
            parse_ranges(bad)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("src/a.py\n  k 1\n", "no `---` line"),
        (note("  abcd1234abcd1234 1\n"), "line 1: an attestation before any file path"),
        (note("a.py\n   abcd 1\n"), "line 2: an attestation must be indented by two spaces"),
        (note("a.py\n\tabcd 1\n"), "line 2: an attestation must be indented by two spaces"),
        (note("a.py\n  abcd\n"), "line 2: expected `  <key> <line ranges>`"),
        (note("a.py\n  ab$cd 1\n"), "line 2: expected"),
        (note("a.py\n  abcd 3-1\n"), "line 2: bad line range '3-1'"),
        (note('"a b.py\n  abcd 1\n'), "line 1: a quoted file path without its closing quote"),
        (note(metadata="{not json"), "metadata is not valid JSON"),
        (note(metadata="[1, 2]"), "metadata is not a JSON object"),
        (note(metadata={"prompts": {}}), "metadata has no schema_version"),
        (note(metadata={**METADATA, "schema_version": "authorship/2.0.0"}), "not one this ownit"),
        (note(metadata={**METADATA, "prompts": []}), "'prompts' is not an object"),
        (note(metadata={"schema_version": "authorship/3.0.0"}), "'prompts' is missing"),
        (note(metadata={**METADATA, "sessions": {"s_x": {"agent_id": "claude"}}}), "agent_id"),
        (note(metadata={**METADATA, "sessions": {"s_x": 3}}), "is not an object"),
        (note(metadata="[" * 100_000), "metadata is not valid JSON"),
    ],
)
def test_malformed_notes_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(GitAiError, match=None) as raised:
        parse_note(text)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@given(st.text(max_size=400))
def test_any_text_parses_or_is_a_git_ai_error(text: str) -> None:
    with contextlib.suppress(GitAiError):
        parse_note(text)


@given(st.text(alphabet="ab.py/ \n-,0123456789_s:th{}[]\"'", max_size=300))
def test_note_like_text_parses_or_is_a_git_ai_error(body: str) -> None:
    with contextlib.suppress(GitAiError):
        parse_note(body + "\n---\n" + json.dumps(METADATA))
