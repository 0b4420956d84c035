"""Messages that quote paths are printed as one line, control characters escaped."""

from __future__ import annotations

from ownit.core.printable import escape_controls


def test_control_characters_are_escaped_and_the_rest_kept() -> None:
    path = "/repo/ré\x1b[2K\nno problems found\t/state.db"
    shown = escape_controls(f"cannot open the ownit store {path}: read-only")
    assert "\n" not in shown and "\x1b" not in shown and "\t" not in shown
    assert shown == (
        "cannot open the ownit store /repo/ré\\x1b[2K\\nno problems found\\t/state.db: read-only"
    )


def test_plain_text_is_unchanged() -> None:
    text = "ownit: the disk is full; free some space on the disk holding /x and try again"
    assert escape_controls(text) == text
