"""core/html_text: repository text shown in HTML as the text it is."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from ownit.core.html_text import esc, shorten, visible


def test_markup_characters_are_escaped() -> None:
    assert esc('<script>alert("x")</script>') == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )
    assert esc("\"><img src=x onerror='y'>") == "&quot;&gt;&lt;img src=x onerror=&#x27;y&#x27;&gt;"
    assert esc("a & b") == "a &amp; b"


def test_invisible_and_reordering_characters_become_visible() -> None:
    assert visible("gnp.exe\u202e") == "gnp.exe\\u202e"
    assert visible("a\x1b[2Jb\x00c\x7fd\x85") == "a\\x1b[2Jb\\x00c\\x7fd\\x85"
    assert visible("one\ntwo\rthree\tfour") == "one\\ntwo\\rthree\\tfour"
    assert visible("line\u2028sep\u2066iso") == "line\\u2028sep\\u2066iso"
    assert visible("bad byte \udcff and lone \ud800") == "bad byte \\xff and lone \\ud800"
    assert visible("\uffff") == "\\uffff"
    kept = "naïve café — 日本語 \u00a0 ok"
    assert visible(kept) == kept


def test_shorten_keeps_both_ends() -> None:
    assert shorten("src/very/long/path/file.py", 12) == "src/v…ile.py"
    assert len(shorten("x" * 500, 30)) == 30
    assert shorten("short", 30) == "short"
    assert shorten("abc", 1) == "…" and shorten("abc", 0) == ""
    assert esc("<" * 40, 5) == "&lt;&lt;…&lt;&lt;", "cut before escaping: no half entity"


@given(st.text())
def test_any_text_is_well_formed_xml_and_reads_back(text: str) -> None:
    escaped = esc(text)
    root = ET.fromstring(f'<t a="{escaped}">{escaped}</t>')
    assert (root.text or "") == visible(text)
    assert root.get("a") == visible(text)
    assert html.unescape(escaped) == visible(text)
