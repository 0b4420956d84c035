"""A policy summarised for people (the HTML report's "Policy in force"). Pure.

Keys are named as in ``.ownit.yaml`` (docs/policy.md), each value in a few words; a rule
lists only the keys it sets (the rest it inherits from ``defaults``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ownit.core.policy.model import AiCommitPattern, Policy, Settings
from ownit.core.policy.patterns import Matcher


@dataclass(frozen=True, slots=True)
class RuleSummary:
    name: str
    description: str
    paths: tuple[str, ...]
    sets: tuple[tuple[str, str], ...]  # (key, value in words), in the policy's key order


@dataclass(frozen=True, slots=True)
class AiPatternSummary:
    name: str
    looks_at: str  # "the Co-authored-by trailer", "the author name"
    match: str  # as written: /regex/ or a phrase
    tool: str  # "" when the pattern names none


@dataclass(frozen=True, slots=True)
class PolicySummary:
    source: str  # where the policy comes from, for people (".ownit.yaml at base 1a2b3c")
    version: int
    defaults: tuple[tuple[str, str], ...]
    rules: tuple[RuleSummary, ...]
    exclude: tuple[str, ...]
    exclude_linguist: bool
    ai_commit_patterns: tuple[AiPatternSummary, ...]
    purposes: tuple[str, ...] = ()


def summarize(policy: Policy, source: str) -> PolicySummary:
    return PolicySummary(
        source=source,
        version=policy.version,
        defaults=tuple(setting_items(policy.defaults)),
        rules=tuple(
            RuleSummary(
                rule.name,
                rule.description,
                tuple(glob.pattern for glob in rule.paths),
                tuple(setting_items(rule.settings)),
            )
            for rule in policy.rules
        ),
        exclude=tuple(glob.pattern for glob in policy.exclude),
        exclude_linguist=policy.exclude_linguist,
        ai_commit_patterns=tuple(_pattern(p) for p in policy.ai_commit_patterns),
        purposes=policy.purposes,
    )


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _matchers(matchers: tuple[Matcher, ...]) -> str:
    phrases = sum(1 for m in matchers if not m.is_regex)
    patterns = len(matchers) - phrases
    parts = []
    if phrases:
        parts.append(f"{phrases} phrase{'s' * (phrases != 1)}")
    if patterns:
        parts.append(f"{patterns} pattern{'s' * (patterns != 1)}")
    listed = ", ".join(m.text for m in matchers)
    return f"{' and '.join(parts)}: {listed}" if parts else "nothing"


def setting_items(settings: Settings) -> list[tuple[str, str]]:
    """(key, value in words) for every key ``settings`` sets."""
    out: list[tuple[str, str]] = []
    for key in settings.keys_set():
        out.append((key, _value(settings, key)))
    return out


def _value(settings: Settings, key: str) -> str:
    if key == "severity" and settings.severity is not None:
        return settings.severity.value
    if key == "require_ownership" and settings.require_ownership is not None:
        return _yes(settings.require_ownership)
    if key == "owners" and settings.owners is not None:
        return ", ".join(settings.owners) or "anyone"
    if key == "codeowner" and settings.codeowner is not None:
        return _yes(settings.codeowner)
    if key == "second_owner" and settings.second_owner is not None:
        return _yes(settings.second_owner)
    if key == "stale" and settings.stale is not None:
        return settings.stale.value
    if key == "commit" and settings.commit is not None:
        return settings.commit.value
    if key == "history_since" and settings.history_since is not None:
        return str(settings.history_since)
    if key == "min_evidence" and settings.min_evidence is not None:
        return settings.min_evidence.value
    if key == "ai" and settings.ai is not None:
        return settings.ai.value
    if key == "tools" and settings.tools is not None:
        return ", ".join(settings.tools) or "none"
    if key == "models" and settings.models is not None:
        return ", ".join(settings.models) or "none"
    if key == "purpose" and settings.purpose is not None:
        return settings.purpose
    if key == "signatures" and settings.signatures is not None:
        return f"signed claims: {settings.signatures.value}"
    rationale, sources = settings.rationale, settings.sources
    if key == "rationale.min_chars" and rationale.min_chars is not None:
        return f"{rationale.min_chars} characters"
    if key == "rationale.max_chars" and rationale.max_chars is not None:
        return f"{rationale.max_chars} characters"
    if key == "rationale.reject" and rationale.reject is not None:
        return _matchers(rationale.reject)
    if key == "rationale.also_reject":
        return _matchers(rationale.also_reject)
    if key == "sources.count" and sources.count is not None:
        return ", ".join(sorted(source.value for source in sources.count))
    if key == "sources.heuristic_min_lines" and sources.heuristic_min_lines is not None:
        return f"{sources.heuristic_min_lines} lines"
    raise ValueError(f"no summary for policy key {key!r}")  # a key added without one here


def _pattern(pattern: AiCommitPattern) -> AiPatternSummary:
    if pattern.field == "trailer":
        looks_at = f"the {pattern.trailer} trailer"
    elif pattern.field == "message":
        looks_at = "every line of the message"
    else:
        looks_at = "the " + pattern.field.replace("_", " ")
    return AiPatternSummary(pattern.name, looks_at, pattern.match.text, pattern.tool or "")
