"""Agent payloads → the exact lines the agent wrote (ownit.agents, pure)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownit.agents import edits, install, payloads, trace
from ownit.agents.edits import Hunk, Replacement

FIXTURES = Path(__file__).parent.parent / "fixtures" / "agents"
APP = (
    "import os\n\ndef total(items):\n    return sum(items)\n\n\n"
    "def main():\n    print(total([1, 2]))\n"
)


def fixture(name: str, root: str = "/repo") -> bytes:
    return (FIXTURES / name).read_text().replace("{root}", root).encode()


# ------------------------------------------------------------------ replacements
def test_edit_records_only_changed_lines_not_context() -> None:
    new = APP.replace(
        "    return sum(items)\n", "    if not items:\n        return 0\n    return sum(items)\n"
    )
    rep = Replacement(
        "def total(items):\n    return sum(items)\n",
        "def total(items):\n    if not items:\n        return 0\n    return sum(items)\n",
    )
    assert edits.lines_from_replacements([rep], new).ranges() == [(3, 5)]
    assert edits.lines_from_replacements([rep], new, APP).ranges() == [(3, 5)]


def test_partial_line_edit_records_that_line() -> None:
    new = APP.replace("[1, 2]", "[1, 2, 3]")
    written = edits.lines_from_replacements([Replacement("[1, 2]", "[1, 2, 3]")], new)
    assert written.ranges() == [(7, 8)]


def test_ambiguous_new_text_records_nothing_and_says_so() -> None:
    old = "y = 3\nx = 1\n"
    new = "y = 3\ny = 3\n"  # the agent replaced the second line; the first was there
    rep = Replacement("x = 1\n", "y = 3\n")
    written = edits.lines_from_replacements([rep], new)
    assert written.lines == set() and "occurs 2 times" in written.notes[0]
    # with the original file the place is known exactly
    written = edits.lines_from_replacements([rep], new, old)
    assert written.ranges() == [(1, 2)] and written.notes == []


def test_replace_all_with_original_records_every_occurrence() -> None:
    old = "a = f(1)\nb = 2\nc = f(3)\n"
    new = "a = g(1)\nb = 2\nc = g(3)\n"
    written = edits.lines_from_replacements([Replacement("f(", "g(", True)], new, old)
    assert written.ranges() == [(0, 1), (2, 3)]


def test_replace_all_without_original_is_refused_when_ambiguous() -> None:
    new = "a = g(1)\nb = 2\nc = g(3)\n"
    written = edits.lines_from_replacements([Replacement("f(", "g(", True)], new)
    assert written.lines == set() and written.notes


def test_multiple_occurrences_of_old_text_with_original_refuse_a_non_replace_all() -> None:
    old = "x\nx\n"
    written = edits.lines_from_replacements([Replacement("x", "y")], "y\nx\n", old)
    # replaying is impossible (old text not unique): falls back to the unique new text
    assert written.ranges() == [(0, 1)]


def test_crlf_file_with_lf_strings() -> None:
    text = "a\r\nb\r\nnew1\r\nnew2\r\nc\r\n"
    written = edits.lines_from_replacements([Replacement("b\n", "b\nnew1\nnew2\n")], text)
    assert written.ranges() == [(2, 4)]
    original = "a\r\nb\r\nc\r\n"
    assert edits.lines_from_replacements(
        [Replacement("b\n", "b\nnew1\nnew2\n")], text, original
    ).ranges() == [(2, 4)]


def test_edits_at_file_start_and_end() -> None:
    text = "# header\nbody\ntail\n# footer"
    reps = [Replacement("body", "# header\nbody"), Replacement("tail\n", "tail\n# footer")]
    written = edits.lines_from_replacements(reps, text, "body\ntail\n")
    assert written.ranges() == [(0, 1), (3, 4)]
    written = edits.lines_from_replacements(reps, text)
    assert written.ranges() == [(0, 1), (3, 4)]


def test_multiedit_later_edit_rewrites_earlier_one() -> None:
    original = "a\nb\n"
    reps = [Replacement("a\n", "a\nx\n"), Replacement("x\n", "y\n")]
    assert edits.lines_from_replacements(reps, "a\ny\nb\n", original).ranges() == [(1, 2)]


def test_deletion_records_nothing() -> None:
    assert (
        edits.lines_from_replacements([Replacement("b\n", "")], "a\nc\n", "a\nb\nc\n").lines
        == set()
    )


# ------------------------------------------------------------------ writes, patches
def test_write_over_existing_file_records_only_changed_lines() -> None:
    new = APP.replace("import os\n", "import os\nimport re\n").replace("[1, 2]", "[3]")
    written = edits.lines_from_write(new, new, APP)
    assert written.ranges() == [(1, 2), (8, 9)]


def test_write_of_new_file_records_all_lines() -> None:
    assert edits.lines_from_write("a\n\nb\n", "a\n\nb\n", None).ranges() == [(0, 3)]


def test_patch_gives_exact_lines_and_is_checked() -> None:
    text = "a\nb\nb\nc\n"
    hunk = Hunk(2, (" b", "+b", " c"))
    assert edits.lines_from_patch([hunk], text) == {2}
    assert edits.lines_from_patch([hunk], "a\nb\nX\nc\n") is None  # file changed since


# ------------------------------------------------------------------------ payloads
def test_claude_code_fixtures() -> None:
    cp = payloads.parse("claude-code", fixture("claude_code_edit.json"))
    assert cp.session == "abc123-session" and cp.changes[0].path == "/repo/src/app.py"
    new = APP.replace(
        "    return sum(items)\n", "    if not items:\n        return 0\n    return sum(items)\n"
    )
    assert cp.changes[0].hunks is not None
    assert edits.lines_from_patch(cp.changes[0].hunks, new) == {3, 4}
    multi = payloads.parse("claude-code", fixture("claude_code_multiedit.json")).changes[0]
    after = APP.replace("import os\n", "import os\nimport sys\n").replace(
        "return sum(items)", "return float(sum(items))"
    )
    assert edits.lines_from_replacements(multi.replacements, after, multi.original).ranges() == [
        (1, 2),
        (4, 5),
    ]
    write = payloads.parse("claude-code", fixture("claude_code_write.json")).changes[0]
    assert write.is_write and write.hunks is None
    assert payloads.parse("claude-code", fixture("claude_code_read.json")).ignored


def test_cursor_and_copilot_fixtures() -> None:
    cursor = payloads.parse("cursor", fixture("cursor_after_file_edit.json"))
    assert cursor.model == "claude-sonnet-4" and cursor.session == "conv-7f3a"
    assert cursor.cwd == "/repo"
    copilot = payloads.parse("copilot", fixture("copilot_post_tool_use.json"))
    assert copilot.changes[0].replacements == [
        Replacement("import os\n", "import os\nimport json\n")
    ]
    assert payloads.parse("copilot", fixture("copilot_post_tool_use_bash.json")).ignored


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"[]",
        b'"x"',
        b"\xff\xfe",
        b'{"tool_name": "Edit"}',
        b'{"tool_name": "Edit", "tool_input": {"file_path": 3}}',
        b'{"tool_name": "MultiEdit", "tool_input": {"file_path": "a", "edits": [1]}}',
    ],
)
def test_malformed_payloads_raise_payload_error(raw: bytes) -> None:
    with pytest.raises(payloads.PayloadError):
        payloads.parse("claude-code", raw)


# ----------------------------------------------------------------- settings files
def test_install_keeps_user_formatting_and_uninstall_restores_bytes() -> None:
    text = (
        '{\n    "permissions": {"allow": ["Bash(ls)"]},\n'
        '    "hooks": {"Stop": [{"hooks": []}]}\n}\n'
    )
    data = json.loads(text)
    before = json.loads(text)
    assert (
        install.add_entry("claude-code", data, "ownit checkpoint --agent claude-code")
        == "installed"
    )
    added = install.edit_text(text, before, data)
    assert added is not None and '"permissions": {"allow": ["Bash(ls)"]},' in added
    assert (
        install.add_entry("claude-code", json.loads(added), "ownit checkpoint --agent claude-code")
        == "unchanged"
    )
    removed_data = json.loads(added)
    assert install.remove_entry("claude-code", removed_data)
    assert install.edit_text(added, json.loads(added), removed_data) == text


def test_hook_command_falls_back_to_python() -> None:
    command = install.hook_command("cursor", "/opt/py dir/python")
    assert "exec ownit checkpoint --agent cursor" in command
    assert "'/opt/py dir/python' -m ownit checkpoint --agent cursor" in command
    assert install.is_ownit_command(command, "cursor")
    assert not install.is_ownit_command(command, "cursor2")


# ------------------------------------------------------------------------ agent trace
def test_trace_ranges_and_hashes() -> None:
    record = json.loads((FIXTURES / "agent_trace.jsonl").read_text().splitlines()[0])
    ranges = trace.ai_ranges(record)
    assert [(r.first, r.stop, r.tool) for r in ranges] == [(3, 5, "cursor")]
    lines = ["a", "b", "c"]
    digest = "sha256:" + __import__("hashlib").sha256(b"b\nc").hexdigest()
    assert trace.locate(lines, 0, 2, digest) == (1, 3)
    assert trace.murmur3_32(b"hello") == 0x248BFA47
    assert trace.hash_matches(f"murmur3:{trace.murmur3_32(b'b'):08x}", ["b\n"])
