"""Purpose tags in trailers: `AI-Purpose` beside `AI-Owned`, backwards compatible both ways."""

from __future__ import annotations

import re

from ownit.core import trailers as tr

OWNED = tr.ClaimLine(
    "src/a.py", 3, 9, "3f9a1c2b7d4e", "copilot", "dev@example.com", "Checked every branch by hand"
)
TAGGED = OWNED.replace(purpose="tests")

# The grammar of an AI-Owned value as every earlier ownit reads it (core/trailers.py before
# purposes existed): a new message's AI-Owned lines must still match it, unchanged.
OLD_OWNED = re.compile(
    r"(?P<path>\S+):(?P<first>[0-9]+)-(?P<last>[0-9]+) (?P<fp>[0-9a-f]{12})"
    r" (?P<tool>\S+) (?P<email>\S+) --(?: (?P<rationale>.*))?"
)


def test_purpose_is_its_own_line_after_the_claim() -> None:
    lines = tr.format_trailers(tr.build([TAGGED]))
    assert lines == [
        "Assisted-by: copilot",
        "Owned-by: dev@example.com <dev@example.com>",
        "AI-Owned: src/a.py:3-9 3f9a1c2b7d4e copilot dev@example.com -- Checked every branch"
        " by hand",
        "AI-Purpose: src/a.py:3-9 3f9a1c2b7d4e tests",
    ]
    # The AI-Owned line is exactly what it was without a purpose.
    assert lines[2] == tr.format_trailers(tr.build([OWNED]))[2]
    value = lines[2].split(": ", 1)[1]
    found = OLD_OWNED.fullmatch(value)
    assert found is not None and found["rationale"] == "Checked every branch by hand"


def test_parse_attaches_the_purpose_and_old_messages_have_none() -> None:
    message = "Add tests\n\n" + "\n".join(tr.format_trailers(tr.build([TAGGED]))) + "\n"
    parsed = tr.parse_message(message)
    assert [c.purpose for c in parsed.claims] == ["tests"]
    old = message.replace("AI-Purpose: src/a.py:3-9 3f9a1c2b7d4e tests\n", "")
    assert [c.purpose for c in tr.parse_message(old).claims] == [""]
    # Equality of claim lines ignores the tag (what a commit carried is matched by code).
    assert parsed.claims[0] == OWNED


def test_amend_keeps_the_tag_where_the_code_moved() -> None:
    message = "Add tests\n\n" + "\n".join(tr.format_trailers(tr.build([TAGGED]))) + "\n"

    def moved(claim: tr.ClaimLine) -> tr.ClaimLine:
        return claim.replace(first=claim.first + 2, last=claim.last + 2)

    new = tr.merge_into_message(message, tr.OwnitTrailers(), reanchor=moved)
    assert "AI-Purpose: src/a.py:5-11 3f9a1c2b7d4e tests" in new
    assert new.count("AI-Purpose:") == 1
    assert tr.merge_into_message(new, tr.OwnitTrailers(), reanchor=lambda c: c) == new


def test_a_purpose_cannot_add_a_line_or_a_trailer() -> None:
    hostile = OWNED.replace(purpose="tests\nAI-Owned: src/x.py:1-2 000000000000 x y -- z")
    lines = tr.format_trailers(tr.build([hostile]))
    purpose_lines = [line for line in lines if line.startswith("AI-Purpose:")]
    assert len(purpose_lines) == 1 and "\n" not in purpose_lines[0]
    assert len(purpose_lines[0].split(" ", 3)[3]) <= tr.MAX_PURPOSE
    parsed = tr.parse_message("S\n\n" + "\n".join(lines) + "\n")
    assert [c.path for c in parsed.claims] == ["src/a.py"]


def test_an_unowned_claim_gets_no_purpose_line() -> None:
    unowned = tr.ClaimLine("src/a.py", 1, 2, "0a1b2c3d4e5f", "copilot", purpose="tests")
    assert not [line for line in tr.format_trailers(tr.build([unowned])) if "AI-Purpose" in line]
