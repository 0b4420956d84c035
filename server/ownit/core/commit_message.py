"""What a commit message says about AI: its claim lines, wherever the message holds them
(:func:`message_claims`), and whether the commit is AI-assisted at commit level
(:class:`AiCommitDetector`). Pure."""

from __future__ import annotations

import re

from ownit.core import attribution
from ownit.core import trailers as tr
from ownit.core.policy import AiCommitMatch, Policy

_CLAIM_LINE = re.compile(r"^[ \t]*(AI-Owned|AI-Unowned): (\S.*)$", re.IGNORECASE | re.MULTILINE)


def message_claims(message: str) -> tuple[tr.ClaimLine, ...]:
    """Every claim line (``AI-Owned`` / ``AI-Unowned``) a commit message holds: in its
    trailer block and in its body, where server-side squash merges put them (sometimes
    indented); never on the subject line. As ``trailers.parse_message`` reads them, with
    indentation allowed."""
    start = message.find("\n")
    if start < 0:
        return ()
    found: list[tr.ClaimLine] = []
    for match in _CLAIM_LINE.finditer(message, start + 1):
        item = tr.parse_trailer(match.group(1), match.group(2).rstrip())
        if isinstance(item, tr.ClaimLine):
            found.append(item)
    return tuple(tr.dedupe_claims(found))


class AiCommitDetector:
    """Whether a commit is AI-assisted at commit level: :meth:`Policy.ai_commit_match`
    on what lies outside the message's exact trailer groups, and on its people unless its
    trailer block is exact (:mod:`ownit.core.attribution`). Answers are remembered by the
    commit's people and the part of its message the patterns can match
    (:meth:`Policy.ai_commit_evidence`), so commits that differ only elsewhere are
    matched once."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._seen: dict[tuple[str, tuple[str, str, str, str]], AiCommitMatch | None] = {}

    def match(
        self,
        message: str,
        author_name: str = "",
        author_email: str = "",
        committer_name: str = "",
        committer_email: str = "",
    ) -> AiCommitMatch | None:
        people = (author_name, author_email, committer_name, committer_email)
        if not attribution.people_count(message):
            people = ("", "", "", "")
        memo = (self.policy.ai_commit_evidence(attribution.commit_level_text(message)), people)
        if memo not in self._seen:
            self._seen[memo] = self.policy.ai_commit_match(memo[0], *people)
        return self._seen[memo]


def may_hold_claims(message: str) -> bool:
    """A cheap test before :func:`message_claims`: could the message hold an ownit line?"""
    lowered = message.lower()
    return "ai-owned:" in lowered or "ai-unowned:" in lowered
