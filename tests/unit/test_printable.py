"""core/printable: what is escaped before repository data reaches a terminal or a CI log."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.core.printable import printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain/path.py", "plain/path.py"),
        ("é ü 日本 🙂", "é ü 日本 🙂"),
        ("\x1b[2K\nno problems found\n", "\\x1b[2K\\nno problems found\\n"),
        ("a\rb\tc", "a\\rb\\tc"),
        ("del\x7f c1\x9b[31m", "del\\x7f c1\\x9b[31m"),
        ("line\u2028sep\u2029", "line\\u2028sep\\u2029"),
        ("admin\u202e\u2066txt.exe", "admin\\u202e\\u2066txt.exe"),
        (b"caf\xe9".decode("utf-8", "surrogateescape"), "caf\\xe9"),
        ("back\\slash", "back\\slash"),
        ("\u00a0nbsp", "\u00a0nbsp"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_tabs_kept_when_asked() -> None:
    assert printable("\tx = 1\x1b", keep_tabs=True) == "\tx = 1\\x1b"


@given(st.text())
def test_nothing_left_that_moves_the_cursor_or_breaks_a_line(text: str) -> None:
    shown = printable(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "\u2028" not in shown and "\u2029" not in shown and "\u202e" not in shown
    assert len(shown.splitlines()) <= 1
    assert printable(shown) == shown  # escaping twice changes nothing more


def test_a_store_message_quoting_a_hostile_path_stays_one_line() -> None:
    path = "/repo/ré\x1b[2K\nno problems found\t/state.db"
    shown = printable(f"cannot open the ownit store {path}: read-only")
    assert shown == (
        "cannot open the ownit store /repo/ré\\x1b[2K\\nno problems found\\t/state.db: read-only"
    )


def test_printable_json_is_the_same_document_without_terminal_controls() -> None:
    import json

    from ownit.core.printable import printable_json

    data = {"path": "a\u202eb\x85c\x7f.py", "text": "数据 ok", "bytes": "x\udcff", "n": [1, 2]}
    text = printable_json(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(text) == data
    assert "\u202e" not in text and "\x85" not in text and "\x7f" not in text
    assert "\udcff" not in text and "数据 ok" in text and "\n" in text
    text.encode("utf-8")  # a lone surrogate would not encode: it is escaped
