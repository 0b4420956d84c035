"""A path's rule told to people: one sentence per key (``ownit policy explain``) and the
JSON the CLI and the editor give (:meth:`EffectiveRule.requirements`,
:meth:`EffectiveRule.to_json`). Apart from :mod:`.effective`, which decides: a hook
resolves and applies rules for every path it commits and never describes one. Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownit.core.model import Evidence, Source
from ownit.core.policy.keys import AiUse, SignatureMode

if TYPE_CHECKING:
    from ownit.core.policy.effective import EffectiveRule


def requirements(rule: EffectiveRule) -> list[str]:
    """What this path requires, one human sentence per key."""
    lines = [
        f"severity: {rule.severity.value} (editor diagnostics for unowned or stale AI code)",
        "require_ownership: "
        + ("yes, AI-written code must be owned" if rule.require_ownership else "no"),
        f"rationale: {rule.rationale.min_chars}-{rule.rationale.max_chars} characters, "
        f"rejecting {_count(len(rule.rationale.phrases), 'phrase')} and "
        f"{_count(len(rule.rationale.patterns), 'pattern')}",
        "owners: " + (", ".join(rule.owners) if rule.owners else "anyone"),
        f"codeowner: {'a CODEOWNERS owner must claim' if rule.codeowner else 'no'}",
        f"second_owner: {'two distinct owners' if rule.second_owner else 'no'}",
        f"stale: {rule.stale.value}",
        f"commit: {rule.commit.value} (unowned AI code in a commit)",
        "sources: "
        + ", ".join(sorted(source.value for source in rule.sources))
        + (
            f" (heuristic from {rule.heuristic_min_lines} lines)"
            if Source.HEURISTIC in rule.sources
            else ""
        ),
        f"history_since: {rule.history_since}",
        f"min_evidence: {rule.min_evidence.value} ({_EVIDENCE_WORDS[rule.min_evidence]})",
        "ai: "
        + {
            AiUse.ALLOWED: "allowed",
            AiUse.OWNED_ONLY: "owned-only (AI-written code must be owned)",
            AiUse.FORBIDDEN: "forbidden (no AI-written code, owned or not)",
        }[rule.ai],
        "tools: " + (", ".join(rule.tools) or "none" if rule.tools is not None else "any"),
        "models: " + (", ".join(rule.models) or "none" if rule.models is not None else "any"),
        "purpose: " + (rule.purpose or "(not said)"),
        "signatures: "
        + {
            SignatureMode.OFF: "off (claim signatures are not checked)",
            SignatureMode.WARN: "warn (an unsigned or badly signed claim is a warning)",
            SignatureMode.REQUIRE: "require (a claim needs a valid AI-Signature by a key"
            " the base trusts for its owner)",
        }[rule.signatures],
    ]
    return lines


def rule_json(rule: EffectiveRule) -> dict[str, object]:
    """The rule as ``ownit policy explain --json`` gives it."""
    return {
        "path": rule.path,
        "rule": rule.rule_name,
        "ruleIndex": rule.rule_index,
        "matchedRules": list(rule.matched_rules),
        "severity": rule.severity.value,
        "require_ownership": rule.require_ownership,
        "rationale": {
            "min_chars": rule.rationale.min_chars,
            "max_chars": rule.rationale.max_chars,
            "reject": [matcher.text for matcher in rule.rationale.reject],
        },
        "owners": list(rule.owners),
        "codeowner": rule.codeowner,
        "second_owner": rule.second_owner,
        "stale": rule.stale.value,
        "commit": rule.commit.value,
        "sources": {
            "count": sorted(source.value for source in rule.sources),
            "heuristic_min_lines": rule.heuristic_min_lines,
        },
        "history_since": None if rule.history_since.kind == "all" else rule.history_since.value,
        "min_evidence": rule.min_evidence.value,
        "ai": rule.ai.value,
        "tools": None if rule.tools is None else list(rule.tools),
        "models": None if rule.models is None else list(rule.models),
        "purpose": rule.purpose or None,
        "signatures": rule.signatures.value,
        "origins": dict(rule.origins),
    }


_EVIDENCE_WORDS = {
    Evidence.INFERRED: "AI code counts however it is known",
    Evidence.CORROBORATED: "code known only from a guess or a weak trailer never blocks",
    Evidence.EXACT: "code known only from a commit's trailer or a guess never blocks",
}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
