"""core/attribution: which lines a commit's trailers make AI (exact groups vs commit-level
attribution), under the built-in default policy."""

from __future__ import annotations

from ownit.core import attribution
from ownit.core.commit_message import AiCommitDetector
from ownit.core.policy import default_policy

CLAIM = "AI-Owned: a.py:1-4 3f9a1c2b7d4e copilot dev@example.com -- Checked by hand, tested"
UNOWNED = "AI-Unowned: a.py:1-4 3f9a1c2b7d4e copilot"
CLAUDE = "Co-authored-by: Claude <noreply@anthropic.com>"


def detect(message: str, author: str = "Dev") -> str | None:
    found = AiCommitDetector(default_policy()).match(message, author, "dev@example.com")
    return None if found is None else found.pattern


def test_groups_leave_the_subject_out() -> None:
    message = "Subject\nsecond line\n\nbody\n\n  \nA: b\nC: d\n"
    assert attribution.groups(message) == [["second line"], ["body"], ["A: b", "C: d"]]


def test_exact_needs_the_marker_and_a_claim_line() -> None:
    assert attribution.is_exact(["Assisted-by: copilot", CLAIM, "AI-Lines: exact"])
    assert attribution.is_exact(["    " + UNOWNED, "    AI-Lines: exact"])  # merge --squash
    assert attribution.is_exact([UNOWNED, "ai-lines: exact"])  # keys in any case
    assert not attribution.is_exact(["Assisted-by: copilot", "AI-Lines: exact"])
    assert not attribution.is_exact([CLAIM])
    assert not attribution.is_exact([CLAIM, "AI-Lines: Exact"])
    assert not attribution.is_exact([CLAIM, "AI-Lines: exact please"])
    assert not attribution.is_exact([CLAIM, "AI-Lines: all"])
    # A claim line must have ownit's grammar.
    assert not attribution.is_exact(["AI-Owned: whatever", "AI-Lines: exact"])


def test_assisted_by_in_an_exact_group_is_not_commit_level() -> None:
    exact = f"Add\n\nAssisted-by: copilot\n{CLAIM}\nAI-Lines: exact\n"
    assert detect(exact) is None
    assert detect(exact.replace("AI-Lines: exact\n", "")) == "assisted-by trailer"
    # A co-author in the same group: the group is ownit's statement of what is AI.
    assert detect(f"Add\n\n{CLAUDE}\n{CLAIM}\nAI-Lines: exact\n") is None


def test_attribution_outside_the_exact_group_still_counts() -> None:
    squash = f"Squash (#3)\n\n* one\n\n{CLAIM}\nAI-Lines: exact\n\n* two\n\n{CLAUDE}\n"
    assert detect(squash) == "claude co-author"
    assert attribution.exact_anywhere(squash)
    assert "Claude" in attribution.commit_level_text(squash)
    assert CLAIM not in attribution.commit_level_text(squash)


def test_an_ai_author_counts_unless_the_trailer_block_is_exact() -> None:
    author = "Dev (aider)"
    assert detect("Add\n", author) == "aider author"
    assert detect(f"Add\n\n{UNOWNED}\nAI-Lines: exact\n", author) is None
    # The exact group is not the trailer block: the author still counts.
    body_only = f"Add\n\n{UNOWNED}\nAI-Lines: exact\n\nSigned-off-by: Dev <dev@example.com>\n"
    assert detect(body_only, author) == "aider author"


def test_no_marker_costs_nothing() -> None:
    message = f"Add\n\n{CLAUDE}\n"
    assert attribution.commit_level_text(message) is message
    assert attribution.people_count(message)
