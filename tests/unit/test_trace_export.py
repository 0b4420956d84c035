"""Agent Trace records built from ownit's ranges: grouped per tool, model and session,
content hashes that `ownit import agent-trace` finds again, valid against the spec's schema."""

from __future__ import annotations

import json
import uuid
from itertools import count
from pathlib import Path

import jsonschema

from ownit.agents.trace import ai_ranges, hash_matches, locate
from ownit.core.trace_export import ExportRange, build_records, content_hash, split_tool

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "fixtures" / "agent-trace" / "trace-record.schema.json"
    ).read_text()
)
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
LINES = ("def f(x):   ", "    return x * 2", "")


def ids() -> object:
    numbers = count(1)
    return lambda: str(uuid.UUID(int=next(numbers), version=4))


def build(ranges: list[ExportRange], revision: str | None = "a" * 40) -> list[dict[str, object]]:
    return build_records(
        ranges,
        revision=revision,
        timestamp="2026-01-25T10:00:00Z",
        new_id=ids(),  # type: ignore[arg-type]
        exporter="ownit test",
        scope="test",
    )


def test_content_hash_is_found_again_by_the_importer() -> None:
    digest = content_hash(LINES)
    assert digest.startswith("sha256:") and len(digest) == 7 + 64
    assert hash_matches(digest, LINES)
    assert hash_matches(digest, [line.rstrip() + "\n" for line in LINES]), "terminators ignored"
    moved = ["# header", "", *LINES]
    assert locate(moved, 0, 3, digest) == (2, 5)


def test_records_group_by_tool_model_and_session() -> None:
    records = build(
        [
            ExportRange("src/b.py", 10, 12, LINES, "copilot", "gpt-4.1"),
            ExportRange(
                "src/a.py", 5, 7, LINES, "claude-code", "claude-opus-4-5", "https://x.test/c/1"
            ),
            ExportRange(
                "src/a.py", 1, 3, LINES, "claude-code", "claude-opus-4-5", "https://x.test/c/1"
            ),
            ExportRange("src/a.py", 20, 22, LINES, "claude-code", None, "session-42"),
        ]
    )
    assert [r["tool"] for r in records] == [
        {"name": "claude-code", "version": "unknown"},
        {"name": "copilot", "version": "unknown"},
    ]
    claude = records[0]
    assert claude["vcs"] == {"type": "git", "revision": "a" * 40}
    files = claude["files"]
    assert [f["path"] for f in files] == ["src/a.py"]
    conversations = files[0]["conversations"]
    assert conversations[0] == {
        "contributor": {"type": "ai"},
        "ranges": [{"start_line": 20, "end_line": 22, "content_hash": content_hash(LINES)}],
    }, "a session that is not a URI is left out"
    assert conversations[1]["url"] == "https://x.test/c/1"
    assert conversations[1]["contributor"] == {"type": "ai", "model_id": "claude-opus-4-5"}
    assert [r["start_line"] for r in conversations[1]["ranges"]] == [1, 5]
    for record in records:
        VALIDATOR.validate(record)


def test_the_importer_reads_what_the_builder_writes() -> None:
    records = build([ExportRange("a.py", 2, 4, LINES, "cursor", "gpt-5", "https://x.test/1")])
    (item,) = ai_ranges(records[0])
    assert (item.path, item.first, item.stop, item.tool, item.model) == (
        "a.py",
        1,
        4,
        "cursor",
        "gpt-5",
    )
    assert item.conversation == "https://x.test/1"
    assert item.content_hash == content_hash(LINES)


def test_working_tree_records_have_no_vcs_and_validate() -> None:
    (record,) = build([ExportRange("a.py", 1, 1, ("x",), "manual")], revision=None)
    assert "vcs" not in record
    VALIDATOR.validate(record)


def test_split_tool() -> None:
    assert split_tool("claude-code:claude-sonnet-5") == ("claude-code", "claude-sonnet-5")
    assert split_tool("copilot") == ("copilot", None)
    assert split_tool(":m") == ("unknown", "m")


def test_the_schema_refuses_what_the_spec_refuses() -> None:
    (record,) = build([ExportRange("a.py", 1, 1, ("x",), "manual")])
    for broken in (
        {**record, "version": "0.1.0"},
        {**record, "id": "not-a-uuid"},
        {**record, "timestamp": "2026-01-25 10:00:00"},
        {**record, "tool": {"name": "x"}},
        {**record, "extra": 1},
    ):
        assert not VALIDATOR.is_valid(broken), broken
