"""What ownit says about a region: diagnostic findings, hover text, comment rationales."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ownit.core.model import Ownership, RegionState, Severity

if TYPE_CHECKING:
    from ownit.core.provenance import HistoryRun


class FindingCode(StrEnum):
    UNOWNED_AI = "unowned-ai"
    STALE_CLAIM = "stale-claim"
    HISTORY_UNOWNED = "history-unowned"


@dataclass(frozen=True, slots=True)
class Finding:
    region_id: str
    first_line: int
    end_line: int
    code: FindingCode
    severity: Severity
    message: str
    evidence: str = ""  # the lines' evidence class (core.model.Evidence value)


def format_age(seconds: float) -> str:
    """A short human age: 'just now', '3 min ago', '2 h ago', '5 days ago'."""
    seconds = max(0.0, seconds)
    if seconds < 45:
        return "just now"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min ago"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"{hours} h ago"
    days = round(seconds / 86400)
    return "1 day ago" if days == 1 else f"{days} days ago"


def finding_for(
    state: RegionState,
    now: float,
    severity: Severity = Severity.WARNING,
    rule: str | None = None,
    history_commit: str | None = None,
    history: HistoryRun | None = None,
) -> Finding | None:
    """The diagnostic a region deserves, or None when it is owned or dismissed.

    ``rule``: the rule that applies, as :meth:`EffectiveRule.rule_phrase` says it
    (``policy rule 'auth'``, ``built-in rule 'sensitive'; no .ownit.yaml``), ending the
    message; None when only the defaults apply. ``history_commit``: the region is known
    from history (the AI-assisted commit that introduced it), not from the store;
    unowned, it is a ``history-unowned`` hint.
    ``history``: that run, whose evidence (and scope) the message gives.
    """
    region = state.region
    ownership = state.ownership
    if severity is Severity.OFF or ownership in (Ownership.OWNED, Ownership.DISMISSED):
        return None
    age = format_age(now - region.created_at)
    if ownership is Ownership.STALE:
        assert state.claim is not None
        message = (
            f"AI-written ({region.tool_label}) — changed since {state.claim.owner_name} "
            "owned it; review it and own it again"
        )
        code = FindingCode.STALE_CLAIM
    elif history_commit is not None:
        if history is not None and history.scope == "commit":
            message = (
                f"added by an AI-assisted commit ({region.tool_label}, commit "
                f"{history_commit[:7]}; {history.evidence}, commit-level: its trailer "
                "attributes the whole commit, not these lines) — never owned; owning it "
                "records the claim with your next commit"
            )
        else:
            message = (
                f"AI-written ({region.tool_label}, commit {history_commit[:7]}) — never "
                "owned; owning it records the claim with your next commit"
            )
        code = FindingCode.HISTORY_UNOWNED
    else:
        message = f"AI-written ({region.tool_label}, {age}) — not yet owned"
        code = FindingCode.UNOWNED_AI
    if rule:  # what applies, as EffectiveRule.rule_phrase says it ("policy rule 'auth'")
        message += f" ({rule})"
    evidence = history.evidence if history is not None else region.evidence.value
    return Finding(region.id, region.first_line, region.end_line, code, severity, message, evidence)


_EVIDENCE_HOW = {
    "exact": "seen as it was written (agent hook, inline completion, chat edit, or marked"
    " by a person)",
    "corroborated": "from a commit's trailer or author naming an AI tool",
    "inferred": "a guess (a large single insertion with no other evidence)",
}


def hover_markdown(
    state: RegionState, now: float, rule: str | None = None, history: HistoryRun | None = None
) -> str:
    """The hover of a region; ``rule`` says what applies to the file (``policy rule
    'sensitive'``, ``built-in defaults; no .ownit.yaml``: EffectiveRule.rule_phrase);
    ``history``: the history run it stands for (lines known from commits, not the store),
    whose evidence and scope it says."""
    region = state.region
    if history is not None and history.scope == "commit":
        head = (
            f"**AI-assisted commit** `{history.commit[:10]}` (`{region.tool_label}`) added "
            f"lines {region.display_lines()}"
        )
    else:
        head = f"**AI-written** by `{region.tool_label}` — lines {region.display_lines()}"
    lines = [head, "", f"- source: {region.source} (confidence {region.confidence:.0%})"]
    if history is None:
        evidence = region.evidence.value
        lines.append(f"- evidence: **{evidence}** — {_EVIDENCE_HOW[evidence]}")
    elif history.scope == "commit":
        why = f" ({history.commit_reason})" if history.commit_reason else ""
        lines.append(
            f"- evidence: **{history.evidence}**, commit-level: the commit's trailer{why} "
            "attributes every line the commit added to an AI tool; it does not say that "
            "each of these lines was AI-written"
        )
    else:
        lines.append(
            f"- evidence: **{history.evidence}**, line-level: an `AI-Owned` / `AI-Unowned` "
            f"line of commit `{(history.claim_commit or history.commit)[:10]}` names these lines"
        )
    if region.created_at > 0:
        lines.append(f"- recorded: {format_age(now - region.created_at)}")
    ownership = state.ownership
    if ownership is Ownership.OWNED and state.claim is not None:
        lines.append(f"- owned by {state.claim.owner} ({format_age(now - state.claim.created_at)})")
        lines.append(f"- rationale: {state.claim.rationale}")
    elif ownership is Ownership.STALE and state.claim is not None:
        lines.append(
            f"- **changed since** {state.claim.owner} owned it: "
            f"“{state.claim.rationale}” — own it again"
        )
    elif ownership is Ownership.DISMISSED and state.dismissal is not None:
        lines.append(f"- dismissed by {state.dismissal.by}: {state.dismissal.reason}")
    else:
        lines.append("- **not yet owned** — use the quick fix *Own this AI-written code…*")
    if rule:
        lines.append(f"- policy: {rule} (see `ownit policy explain {region.path}`)")
    return "\n".join(lines)


# `ownit: <rationale>` in a line comment of most languages (#, //, --, ;, %, /* */, <!-- -->).
_COMMENT_RATIONALE = re.compile(
    r"^\s*(?:#+|//+|--+|;+|%+|/\*+|\*|<!--)\s*ownit:\s*(?P<text>.*?)\s*(?:\*/|-->)?\s*$",
    re.IGNORECASE,
)


def comment_rationale(line: str) -> str | None:
    """The rationale of an ``ownit: <rationale>`` comment line, or None."""
    match = _COMMENT_RATIONALE.match(line)
    if match is None or not match.group("text"):
        return None
    return match.group("text")
