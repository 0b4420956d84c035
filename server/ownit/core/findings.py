"""What ownit says about a region: diagnostic findings, hover text, comment rationales."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ownit.core.model import Ownership, Region, RegionState, Severity

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule
    from ownit.core.provenance import HistoryRun


class FindingCode(StrEnum):
    UNOWNED_AI = "unowned-ai"
    STALE_CLAIM = "stale-claim"
    HISTORY_UNOWNED = "history-unowned"
    AI_FORBIDDEN = "ai-forbidden"
    UNAPPROVED_TOOL = "unapproved-tool"


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    """What the path's rule says against a region beyond its ownership: AI is forbidden
    there (``ai-forbidden``), or its tool or model is not approved (``unapproved-tool``)."""

    code: FindingCode
    reason: str  # names the rule (and its description, for a forbidden path)


def policy_issue(rule: EffectiveRule | None, region: Region) -> PolicyIssue | None:
    """The region's :class:`PolicyIssue` under ``rule`` (None: no rule, or none)."""
    if rule is None or not rule.counts_source(region.source, region.line_count):
        return None
    if rule.forbids_ai:
        return PolicyIssue(FindingCode.AI_FORBIDDEN, rule.forbidden_reason())
    problem = rule.tool_problem(region.tool_label)
    if problem is not None:
        return PolicyIssue(FindingCode.UNAPPROVED_TOOL, problem)
    return None


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
    issue: PolicyIssue | None = None,
    history_invalid: str = "",
) -> Finding | None:
    """The diagnostic a region deserves, or None when it is owned (and the policy has no
    ``issue`` with it) or dismissed.

    ``rule``: the rule that applies, as :meth:`EffectiveRule.rule_phrase` says it
    (``policy rule 'auth'``, ``built-in rule 'sensitive'; no .ownit.yaml``), ending the
    message; None when only the defaults apply. ``history_commit``: the region is known
    from history (the AI-assisted commit that introduced it), not from the store;
    unowned, it is a ``history-unowned`` hint. ``history_invalid``: why the claim history
    has for it is invalid (it owns nothing).
    ``history``: that run, whose evidence (and scope) the message gives.
    ``issue``: the path forbids AI, or the tool is not approved: a diagnostic of its own
    code whether or not the region is owned; only a dismissal clears it.
    """
    region = state.region
    ownership = state.ownership
    if severity is Severity.OFF or ownership is Ownership.DISMISSED:
        return None
    evidence = history.evidence if history is not None else region.evidence.value
    if issue is not None:
        if issue.code is FindingCode.AI_FORBIDDEN:
            message = (
                f"AI-written ({region.tool_label}) where AI is not allowed — {issue.reason}."
                " Owning it does not help: remove it, or dismiss it if a person wrote it"
            )
        else:
            owned = " (owned, still counted as unowned)" if ownership is Ownership.OWNED else ""
            message = f"AI-written ({region.tool_label}){owned} — {issue.reason}"
        return Finding(
            region.id, region.first_line, region.end_line, issue.code, severity, message, evidence
        )
    if ownership is Ownership.OWNED:
        return None
    age = format_age(now - region.created_at)
    if ownership is Ownership.STALE:
        assert state.claim is not None
        message = (
            f"AI-written ({region.tool_label}) — changed since {state.claim.owner_name} "
            "owned it; review it and own it again"
        )
        code = FindingCode.STALE_CLAIM
    elif history_commit is not None and history_invalid:
        message = (
            f"AI-written ({region.tool_label}, commit {history_commit[:7]}) — its claim is"
            f" INVALID ({history_invalid}), so it is not owned; owning it records a valid"
            " claim with your next commit"
        )
        code = FindingCode.HISTORY_UNOWNED
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
    return Finding(region.id, region.first_line, region.end_line, code, severity, message, evidence)


_EVIDENCE_HOW = {
    "exact": "seen as it was written (agent hook, inline completion, chat edit, or marked"
    " by a person)",
    "corroborated": "from a commit's trailer or author naming an AI tool",
    "inferred": "a guess (a large single insertion with no other evidence)",
}


def hover_markdown(
    state: RegionState,
    now: float,
    rule: str | None = None,
    invalid: str = "",
    *,
    history: HistoryRun | None = None,
    purpose: str = "",
    issue: PolicyIssue | None = None,
) -> str:
    """The hover of a region; ``rule`` says what applies to the file (``policy rule
    'sensitive'``, ``built-in defaults; no .ownit.yaml``: EffectiveRule.rule_phrase).
    ``invalid``: why the claim history has for the region is invalid. ``history``: the
    history run it stands for (lines known from commits, not the store), whose evidence
    and scope it says. ``purpose``: what the path's rule says AI is for here; ``issue``:
    what the policy says against the region."""
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
        if state.claim.purpose:
            lines.append(f"- purpose: {state.claim.purpose}")
    elif ownership is Ownership.STALE and state.claim is not None:
        lines.append(
            f"- **changed since** {state.claim.owner} owned it: "
            f"“{state.claim.rationale}” — own it again"
        )
    elif ownership is Ownership.DISMISSED and state.dismissal is not None:
        lines.append(f"- dismissed by {state.dismissal.by}: {state.dismissal.reason}")
    elif invalid:
        lines.append(
            f"- **INVALID claim: {invalid}** — it owns nothing (`ownit verify` says why);"
            " use the quick fix *Own this AI-written code…* to claim it validly"
        )
    else:
        lines.append("- **not yet owned** — use the quick fix *Own this AI-written code…*")
    if issue is not None and state.ownership is not Ownership.DISMISSED:
        what = (
            "**AI not allowed here**"
            if issue.code is FindingCode.AI_FORBIDDEN
            else "**unapproved tool**"
        )
        lines.append(f"- {what}: {issue.reason}")
    if purpose:
        lines.append(f"- AI here is for: {purpose}")
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
