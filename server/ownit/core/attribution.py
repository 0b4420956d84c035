"""Which lines a commit's trailers make AI-written (docs/trailers.md). Pure.

Two kinds of statement can say that an AI wrote code in a commit:

- **exact**: a *trailer group* — a paragraph of the message, the subject line left out —
  that holds ownit's marker ``AI-Lines: exact`` and at least one ``AI-Owned`` /
  ``AI-Unowned`` line. ownit's hook wrote it from what it knew of every AI region: those
  claim lines are exactly the AI-written lines, and the rest of what the group speaks for
  is human. The group's own lines (its ``Assisted-by``, a ``Co-authored-by`` next to it)
  are not a commit-level attribution.
- **commit-level**: whatever the policy's ``ai_commit_patterns`` match outside exact
  groups — a co-author trailer, ``Assisted-by`` without the marker, and the commit's
  author, committer and subject line unless the message's last group (its trailer block)
  is exact. Such a commit's every added line counts as AI-written; lines a valid claim
  covers are owned (or committed unowned), the rest are reported.

A server-side squash merge keeps each squashed commit's group as its own paragraph, so an
exact group says nothing about a squashed commit that a co-author trailer marks.

Only ownit's form counts: ``AI-Lines: exact`` exactly (the key in any case, like ownit's
other keys; indented, as squash messages indent, or not). Nothing here trusts the marker
more than the claim lines it comes with: a marker without a claim line is no statement.
"""

from __future__ import annotations

import re

from ownit.core import trailers as tr

_LINE = re.compile(r"[ \t]*(?P<key>[A-Za-z-]+): (?P<value>\S.*)")


def _item(line: str) -> tr.Item | None:
    found = _LINE.fullmatch(line.rstrip())
    return None if found is None else tr.parse_trailer(found["key"], found["value"])


def groups(message: str) -> list[list[str]]:
    """The message's paragraphs (blank-line separated), its subject line left out."""
    lines = message.split("\n")[1:]
    out: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def is_exact(group: list[str]) -> bool:
    """The group holds ownit's ``AI-Lines: exact`` and at least one claim line."""
    marker = claim = False
    for line in group:
        item = _item(line)
        if isinstance(item, tr.LinesMarker):
            marker = marker or item.exact
        elif isinstance(item, tr.ClaimLine):
            claim = True
    return marker and claim


def may_be_exact(message: str) -> bool:
    """A cheap test first: could the message hold the marker?"""
    return "ai-lines:" in message.casefold()


def commit_level_text(message: str) -> str:
    """The message without its exact groups: what commit-level attribution is looked
    for in. The subject line stays, as an empty line when the trailer block is exact: like
    the author and committer, it speaks for the whole commit, which the block describes
    exactly (an ``aider: `` subject prefix says no more than aider's author name)."""
    if not may_be_exact(message):
        return message
    found = groups(message)
    subject = "" if found and is_exact(found[-1]) else message.split("\n", 1)[0]
    kept = [group for group in found if not is_exact(group)]
    return "\n\n".join([subject, *("\n".join(group) for group in kept)])


def people_count(message: str) -> bool:
    """Whether the commit's author and committer (and subject line, see
    :func:`commit_level_text`) may attribute it to an AI: yes unless the message's last
    group (its trailer block) is exact."""
    if not may_be_exact(message):
        return True
    found = groups(message)
    return not (found and is_exact(found[-1]))


def exact_anywhere(message: str) -> bool:
    """The message holds at least one exact group."""
    return may_be_exact(message) and any(is_exact(group) for group in groups(message))
