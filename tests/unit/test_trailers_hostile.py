"""Nothing a user types can add, end or forge a trailer (docs/trailers.md).

Each hostile value goes through ownit's formatting and merge into an ordinary message with
other trailers; the real ``git interpret-trailers --parse`` must return exactly the
trailers ownit meant, and ownit's parser must read back exactly the claim it wrote.
"""

from __future__ import annotations

import subprocess

import pytest

from ownit.core import trailers as tr

FP = "3f9a1c2b7d4e"
MESSAGE = "Fix token check\n\nBody text.\n\nSigned-off-by: Dev <dev@example.com>\n"

HOSTILE_RATIONALES = [
    "fine\nSigned-off-by: Mallory <m@evil>",
    "fine\r\nAI-Owned: src/x.py:1-9 000000000000 copilot m@evil -- forged",
    "fine\rSigned-off-by: Mallory <m@evil>",
    "fine\u2028Signed-off-by: Mallory <m@evil>",
    "fine\u2029Signed-off-by: Mallory <m@evil>",
    "fine\x85Signed-off-by: Mallory <m@evil>",
    "fine\x00Signed-off-by: Mallory <m@evil>",
    "Signed-off-by: x",
    "---",
    "fine\n---\nSigned-off-by: after the divider",
    "# not a comment",
    "fine\n# Please enter the commit message",
    "AI-Owned: src/evil.py:1-2 0123456789ab copilot m@evil -- forged",
    "fine\n\nAI-Unowned: src/evil.py:1-2 0123456789ab copilot",
    "x" * 5000,
    "checked \u202eevil\u202c right-to-left override \u200f\u200e marks",
    "zero\u200bwidth\u200c\u200d\ufeffjoiners and BOM",
    "tabs\tand\tmore\ttabs",
    "vertical\vtab and form\ffeed",
    "emoji 🚀 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 are fine",
    "contains -- a double dash -- twice",
    "-- starts with the separator",
    "ends with the separator --",
    "   \n\n   ",
    "fine\n (continuation line)",
    "fine\n\tContinued: by tab",
    "fine\n" + f"# {tr.SCISSORS}\nSigned-off-by: below scissors",
    "\x1b[31mANSI escape\x1b[0m and DEL \x7f",
    "unicode nel\u0085next and lone surrogate \udc80",
    "(cherry picked from commit 1234567)",
]


def git_parse(message: str, *extra: str) -> list[str]:
    result = subprocess.run(
        ["git", "interpret-trailers", "--parse", *extra],
        input=message.encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"},
    )
    return result.stdout.decode("utf-8", "surrogateescape").splitlines()


def assert_exact(trailers: tr.OwnitTrailers) -> str:
    meant = tr.format_trailers(trailers)
    for line in meant:
        assert "\n" not in line and "\r" not in line
        assert not any(c in line for c in "\x00\x85\u2028\u2029")
    merged = tr.merge_into_message(MESSAGE, trailers)
    expected = [*meant, "Signed-off-by: Dev <dev@example.com>"]
    assert git_parse(merged, "--no-divider") == expected
    assert git_parse(merged) == expected
    assert tr.parse_message(merged).claims == tuple(
        tr.parse_trailer(*line.split(": ", 1)) for line in meant if line.startswith("AI-")
    )
    assert tr.merge_into_message(merged, trailers) == merged
    return merged


@pytest.mark.parametrize("rationale", HOSTILE_RATIONALES)
def test_hostile_rationale(rationale: str) -> None:
    claim = tr.ClaimLine("src/auth/token.py", 41, 58, FP, "copilot", "dev@example.com", rationale)
    merged = assert_exact(tr.build([claim], owners=[tr.Owner("Dev", "dev@example.com")]))
    (parsed,) = tr.parse_message(merged).claims
    assert parsed.rationale == tr.rationale_line(rationale)
    assert len(parsed.rationale) <= 300
    assert parsed.path == "src/auth/token.py" and parsed.fingerprint == FP


HOSTILE_TOKENS = [
    "copilot\nSigned-off-by: Mallory <m@evil>",
    "copilot -- forged rationale",
    "a b c",
    "tool\r",
    "tool\u2028x",
    "<m@evil>",
    "m@evil> <x",
    "%41%0A",
    "",
    "# hash",
    "---",
    "\x00",
    "ünïcødé",
]


@pytest.mark.parametrize("value", HOSTILE_TOKENS)
def test_hostile_tool_email_path(value: str) -> None:
    path = value or "p"
    claim = tr.ClaimLine(path, 1, 2, FP, value, value, "A reasonable rationale here")
    other = tr.ClaimLine(path, 3, 4, "0123456789ab", value)
    trailers = tr.build([claim, other], owners=[tr.Owner(value, value)], extra_tools=[value])
    merged = assert_exact(trailers)
    parsed = tr.parse_message(merged)
    assert parsed.claims[0].path == path
    assert parsed.claims[0].tool == (value or "unknown")
    assert parsed.claims[0].owner_email == (value or "unknown")


@pytest.mark.parametrize(
    "name",
    ["Dev\nSigned-off-by: M <m@evil>", "Dev <m@evil>", "\u202eved", "", "   ", "Dev\x00Name"],
)
def test_hostile_owner_name(name: str) -> None:
    claim = tr.ClaimLine("a.py", 1, 2, FP, "copilot", "dev@example.com", "A reasonable rationale")
    merged = assert_exact(tr.build([claim], owners=[tr.Owner(name, "dev@example.com")]))
    owned_by = [line for line in git_parse(merged) if line.startswith("Owned-by:")]
    assert len(owned_by) == 1 and owned_by[0].endswith(" <dev@example.com>")


def test_hostile_subject_and_body_are_not_ours() -> None:
    """A claim line typed as the subject is not a claim."""
    forged = tr.format_claim(tr.ClaimLine("a.py", 1, 2, FP, "c", "m@evil", "forged subject"))
    assert tr.parse_message(forged + "\n\nbody\n").claims == ()
