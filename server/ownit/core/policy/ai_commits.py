"""What marks a commit as AI-assisted: ``ai_commit_patterns`` entries and matching a
commit against them (docs/policy.md, "AI-assisted commits")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ownit.core.policy.keys import AiField
from ownit.core.policy.patterns import MAX_MATCH_INPUT
from ownit.core.record import Record, set_field

if TYPE_CHECKING:
    from ownit.core.policy.patterns import Matcher

# How sure a pattern's match is that an AI tool wrote the commit's code.
CORROBORATED = "corroborated"  # the tool writes it when it wrote code (a co-author, a bot)
WEAK = "weak"  # the tool also writes it on commits with no AI code in them
AI_EVIDENCE = (CORROBORATED, WEAK)


class AiCommitPattern(Record):
    """What marks a commit as AI-assisted.

    ``field`` is ``trailer`` (the value of every ``<trailer>: value`` line of the message),
    ``message`` (every line of the message), ``subject`` (its first line),
    ``author_name``, ``author_email``, ``committer_name`` or ``committer_email``.
    ``tool`` names the tool; ``read`` (one of ``tool_model.READERS``) says how the
    matched value names the model, or the tool too. ``evidence`` is ``corroborated`` or
    ``weak`` (see :data:`AI_EVIDENCE`).
    """

    __slots__ = ("evidence", "field", "match", "name", "read", "tool", "trailer")
    name: str
    field: AiField
    match: Matcher
    trailer: str | None
    tool: str | None
    read: str | None
    evidence: str

    def __init__(
        self,
        name: str,
        field: AiField,
        match: Matcher,
        trailer: str | None = None,
        tool: str | None = None,
        read: str | None = None,
        evidence: str = CORROBORATED,
    ) -> None:
        set_field(self, "name", name)
        set_field(self, "field", field)
        set_field(self, "match", match)
        set_field(self, "trailer", trailer)
        set_field(self, "tool", tool)
        set_field(self, "read", read)
        set_field(self, "evidence", evidence)

    @property
    def looks_at(self) -> str:
        """What the pattern reads, in words: ``trailer Co-authored-by``, ``author name``."""
        if self.field == "trailer":
            return f"trailer {self.trailer}"
        return self.field.replace("_", " ")

    @property
    def identity(self) -> tuple[object, ...]:
        """Everything that decides what the pattern matches and says (cache keys)."""
        return (
            self.name,
            self.field,
            self.match.text,
            self.trailer,
            self.tool,
            self.read,
            self.evidence,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "field": self.field,
            "trailer": self.trailer,
            "match": self.match.text,
            "tool": self.tool,
            "read": self.read,
            "evidence": self.evidence,
        }


class AiCommitMatch(Record):
    __slots__ = ("evidence", "matched", "model", "pattern", "tool")
    pattern: str  # the pattern's name
    tool: str | None
    matched: str  # what matched: "Co-authored-by: Claude <noreply@anthropic.com>"
    model: str | None
    evidence: str  # the pattern's evidence class

    def __init__(
        self,
        pattern: str,
        tool: str | None,
        matched: str,
        model: str | None = None,
        evidence: str = CORROBORATED,
    ) -> None:
        set_field(self, "pattern", pattern)
        set_field(self, "tool", tool)
        set_field(self, "matched", matched)
        set_field(self, "model", model)
        set_field(self, "evidence", evidence)

    @property
    def attribution(self) -> str:
        """``tool:model``, the tool alone, or "" when the pattern names no tool."""
        if not self.tool:
            return ""
        return f"{self.tool}:{self.model}" if self.model else self.tool

    @property
    def reason(self) -> str:
        weak = ", weak evidence" if self.evidence == WEAK else ""
        return f"{self.matched} (matches ai_commit_patterns '{self.pattern}'{weak})"


def match_commit(
    patterns: Sequence[AiCommitPattern], message: str, people: Mapping[str, str]
) -> AiCommitMatch | None:
    """The entry of ``patterns`` the commit matches (``people``: ``author_name``,
    ``author_email``, ``committer_name``, ``committer_email``): the first ``corroborated``
    one in order, else the first ``weak`` one."""
    lines = [line[:MAX_MATCH_INPUT] for line in message.splitlines()]
    trailers = _trailer_lines(lines)
    weak: AiCommitMatch | None = None
    for pattern in patterns:
        found = _match_one(pattern, lines, trailers, people)
        if found is None:
            continue
        if found.evidence != WEAK:
            return found
        weak = weak or found
    return weak


class EvidenceReader(Record):
    """What of a commit message ``ai_commit_patterns`` look at, found in one scan:
    :meth:`evidence`."""

    __slots__ = ("line_patterns", "subject_patterns", "trailer_keys")
    trailer_keys: tuple[str, ...]  # casefolded
    line_patterns: tuple[Matcher, ...]  # of the ``message`` patterns
    subject_patterns: tuple[Matcher, ...]

    def __init__(self, patterns: Sequence[AiCommitPattern]) -> None:
        keys = tuple(dict.fromkeys((p.trailer or "").casefold() for p in patterns if p.trailer))
        set_field(self, "trailer_keys", keys)
        set_field(self, "line_patterns", tuple(p.match for p in patterns if p.field == "message"))
        subjects = tuple(p.match for p in patterns if p.field == "subject")
        set_field(self, "subject_patterns", subjects)

    def evidence(self, message: str) -> str:
        """The lines that start with a trailer key a pattern names (indented or not), the
        lines a ``message`` pattern matches, and the subject line when a ``subject``
        pattern matches it (else an empty first line); "" when there is none of these."""
        keys = self.trailer_keys
        folded = message.casefold()
        keyed = bool(keys) and any(key in folded for key in keys)
        line_patterns = self.line_patterns
        if not (keyed or line_patterns or self.subject_patterns):
            return ""
        kept: list[str] = []
        subject_kept = False
        for index, line in enumerate(message.splitlines()):
            capped = line[:MAX_MATCH_INPUT]
            if index == 0 and any(m.search(capped) for m in self.subject_patterns):
                kept.append(line)
                subject_kept = True
            elif (keyed and line.lstrip().casefold().startswith(keys)) or any(
                m.search(capped) for m in line_patterns
            ):
                kept.append(line)
        if not kept:
            return ""
        if not subject_kept and self.subject_patterns:
            kept.insert(0, "")  # the evidence's first line must not pass for a subject
        return "\n".join(kept)


# A trailer line: ``Key: value``; indented as ``git merge --squash`` indents the squashed
# commits' messages. Compiled on first use.
_TRAILER_SOURCE = r"^[ \t]*([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)\s*$"
_trailer: list[re.Pattern[str]] = []


def _trailer_lines(lines: Sequence[str]) -> list[tuple[str, str, str]]:
    if not _trailer:
        _trailer.append(re.compile(_TRAILER_SOURCE))
    match = _trailer[0].match
    found = []
    for line in lines:
        matched = match(line)
        if matched:
            found.append((matched.group(1), matched.group(2), line))
    return found


def _match_one(
    pattern: AiCommitPattern,
    lines: Sequence[str],
    trailers: Sequence[tuple[str, str, str]],
    people: Mapping[str, str],
) -> AiCommitMatch | None:
    """The first thing ``pattern`` matches in the commit, with the tool and model it names."""
    if pattern.field == "trailer":
        wanted = (pattern.trailer or "").casefold()
        for key, value, line in trailers:
            if key.casefold() == wanted and pattern.match.search(value):
                return _found(pattern, value, line.strip())
    elif pattern.field in ("message", "subject"):
        for line in lines[:1] if pattern.field == "subject" else lines:
            if pattern.match.search(line):
                return _found(pattern, line, line.strip())
    else:
        value = people[pattern.field]
        if value and pattern.match.search(value):
            label = pattern.field.replace("_", " ")
            return _found(pattern, value, f"{label} {value!r}")
    return None


def _found(pattern: AiCommitPattern, value: str, matched: str) -> AiCommitMatch:
    from ownit.core.policy import tool_model

    tool, model = tool_model.read(pattern.read, value, pattern.tool)
    return AiCommitMatch(pattern.name, tool, matched, model, pattern.evidence)
