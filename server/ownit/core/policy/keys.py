"""The vocabulary of ``.ownit.yaml`` (docs/policy.md): its key names, in the order
messages list them; the choices of the keys that take one of a few values (``stale``,
``commit``, ``signatures``, ``ai``, ``history_since``); and the partial settings written
in ``defaults:`` or one rule, with the rules that carry them. In a settings block ``None``
means "not set here, inherit"; ``merge_settings`` applies one block on another key by key.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Literal, TypeVar, get_args

from ownit.core.model import Evidence, Severity
from ownit.core.record import Record, set_field

if TYPE_CHECKING:
    import datetime

    from ownit.core.model import Source
    from ownit.core.policy.globs import Glob
    from ownit.core.policy.patterns import Matcher

# The per-path keys: `defaults:` and every rule.
SETTING_KEYS = (
    "severity",
    "require_ownership",
    "rationale",
    "owners",
    "codeowner",
    "second_owner",
    "stale",
    "commit",
    "sources",
    "history_since",
    "min_evidence",
    "ai",
    "tools",
    "models",
    "purpose",
    "signatures",
)
RATIONALE_KEYS = ("min_chars", "max_chars", "reject", "also_reject")
SOURCE_KEYS = ("count", "heuristic_min_lines")

TOP_LEVEL_KEYS = (
    "version",
    "defaults",
    "rules",
    "exclude",
    "exclude_linguist",
    "ai_commit_patterns",
    "also_ai_commit_patterns",
    "disable_ai_commit_patterns",
    "handles",
    "purposes",
    "allowed_signers",
)
RULE_KEYS = ("name", "description", "paths", *SETTING_KEYS)

# What an `ai_commit_patterns` entry looks at.
AiField = Literal[
    "trailer",
    "message",
    "subject",
    "author_name",
    "author_email",
    "committer_name",
    "committer_email",
]
AI_COMMIT_FIELDS: tuple[AiField, ...] = get_args(AiField)
AI_PATTERN_KEYS = ("name", "tool", "match", "read", "evidence", *AI_COMMIT_FIELDS)


# Policy.source when no policy file is in force (none, or an invalid one).
BUILT_IN_SOURCE = "<built-in defaults>"

DEFAULT_ALLOWED_SIGNERS = ".ownit/allowed_signers"


class StaleMode(StrEnum):
    """What happens to a claim when the owned code changes afterwards."""

    REOPEN = "reopen"  # the region is unowned again (a stale claim) until claimed again
    KEEP = "keep"  # the claim keeps holding; the change is only shown as a hint


class CommitGate(StrEnum):
    """What the commit-msg hook does with unowned (or stale) AI code in the staged content."""

    BLOCK = "block"
    WARN = "warn"
    ALLOW = "allow"


class SignatureMode(StrEnum):
    """Whether ``AI-Owned`` claims must carry a valid ``AI-Signature`` (docs/trust.md)."""

    OFF = "off"  # signatures are not looked at (the default)
    WARN = "warn"  # a missing or bad signature is a warning; the claim holds
    REQUIRE = "require"  # a claim without a valid signature is invalid


class AiUse(StrEnum):
    """Where AI-written code may be: a rule's ``ai`` key."""

    ALLOWED = "allowed"  # as require_ownership says (the built-in behaviour)
    OWNED_ONLY = "owned-only"  # must be owned here, whatever require_ownership says
    FORBIDDEN = "forbidden"  # none at all: an error owned or not; only a dismissal clears it


# The keys whose value is one of a few words, and the choices of each.
CHOICES: dict[str, type[StrEnum]] = {
    "severity": Severity,
    "stale": StaleMode,
    "commit": CommitGate,
    "signatures": SignatureMode,
    "min_evidence": Evidence,
    "ai": AiUse,
}


class HistorySince(Record):
    """From when history (commit trailers, AI-assisted commits) counts.

    ``kind`` is ``all`` (all history), ``date`` (``value`` is ``YYYY-MM-DD``) or
    ``revision`` (``value`` is a commit id, tag or branch: history after it counts).
    """

    __slots__ = ("kind", "value")
    kind: Literal["all", "date", "revision"]
    value: str

    def __init__(self, kind: Literal["all", "date", "revision"], value: str = "") -> None:
        set_field(self, "kind", kind)
        set_field(self, "value", value)

    @property
    def date(self) -> datetime.date | None:
        if self.kind != "date":
            return None
        import datetime

        return datetime.date.fromisoformat(self.value)

    @property
    def revision(self) -> str | None:
        return self.value if self.kind == "revision" else None

    def __str__(self) -> str:
        return "all history" if self.kind == "all" else self.value


ALL_HISTORY = HistorySince("all")


# --- partial settings, as written in `defaults:` or one rule ---------------------------

T = TypeVar("T")


class RationaleSettings(Record):
    __slots__ = ("also_reject", "max_chars", "min_chars", "reject")
    min_chars: int | None
    max_chars: int | None
    reject: tuple[Matcher, ...] | None
    also_reject: tuple[Matcher, ...]

    def __init__(
        self,
        min_chars: int | None = None,
        max_chars: int | None = None,
        reject: tuple[Matcher, ...] | None = None,
        also_reject: tuple[Matcher, ...] = (),
    ) -> None:
        set_field(self, "min_chars", min_chars)
        set_field(self, "max_chars", max_chars)
        set_field(self, "reject", reject)
        set_field(self, "also_reject", also_reject)


class SourceSettings(Record):
    __slots__ = ("count", "heuristic_min_lines")
    count: frozenset[Source] | None
    heuristic_min_lines: int | None

    def __init__(
        self, count: frozenset[Source] | None = None, heuristic_min_lines: int | None = None
    ) -> None:
        set_field(self, "count", count)
        set_field(self, "heuristic_min_lines", heuristic_min_lines)


_NO_RATIONALE = RationaleSettings()
_NO_SOURCES = SourceSettings()


class Settings(Record):
    """The per-path keys; ``None`` means "not set here, inherit"."""

    __slots__ = SETTING_KEYS
    severity: Severity | None
    require_ownership: bool | None
    rationale: RationaleSettings
    owners: tuple[str, ...] | None
    codeowner: bool | None
    second_owner: bool | None
    stale: StaleMode | None
    commit: CommitGate | None
    sources: SourceSettings
    history_since: HistorySince | None
    min_evidence: Evidence | None
    ai: AiUse | None
    tools: tuple[str, ...] | None
    models: tuple[str, ...] | None
    purpose: str | None
    signatures: SignatureMode | None

    def __init__(
        self,
        severity: Severity | None = None,
        require_ownership: bool | None = None,
        rationale: RationaleSettings = _NO_RATIONALE,
        owners: tuple[str, ...] | None = None,
        codeowner: bool | None = None,
        second_owner: bool | None = None,
        stale: StaleMode | None = None,
        commit: CommitGate | None = None,
        sources: SourceSettings = _NO_SOURCES,
        history_since: HistorySince | None = None,
        min_evidence: Evidence | None = None,
        ai: AiUse | None = None,
        tools: tuple[str, ...] | None = None,
        models: tuple[str, ...] | None = None,
        purpose: str | None = None,
        signatures: SignatureMode | None = None,
    ) -> None:
        set_field(self, "severity", severity)
        set_field(self, "require_ownership", require_ownership)
        set_field(self, "rationale", rationale)
        set_field(self, "owners", owners)
        set_field(self, "codeowner", codeowner)
        set_field(self, "second_owner", second_owner)
        set_field(self, "stale", stale)
        set_field(self, "commit", commit)
        set_field(self, "sources", sources)
        set_field(self, "history_since", history_since)
        set_field(self, "min_evidence", min_evidence)
        set_field(self, "ai", ai)
        set_field(self, "tools", tools)
        set_field(self, "models", models)
        set_field(self, "purpose", purpose)
        set_field(self, "signatures", signatures)

    def keys_set(self) -> list[str]:
        """The keys this block sets, dotted for nested ones (``rationale.min_chars``)."""
        keys = [
            name
            for name in SETTING_KEYS
            if name not in ("rationale", "sources") and getattr(self, name) is not None
        ]
        for name in RATIONALE_KEYS:
            value = getattr(self.rationale, name)
            if value is not None and value != ():
                keys.append(f"rationale.{name}")
        for name in SOURCE_KEYS:
            if getattr(self.sources, name) is not None:
                keys.append(f"sources.{name}")
        return keys


class Rule(Record):
    """One entry of ``rules:``: the paths it covers and the keys it sets."""

    __slots__ = ("description", "line", "name", "paths", "settings")
    _compare = ("name", "paths", "settings", "description")
    name: str
    paths: tuple[Glob, ...]
    settings: Settings
    description: str
    line: int  # 1-based line of the rule in its file (not compared)

    def __init__(
        self,
        name: str,
        paths: tuple[Glob, ...],
        settings: Settings,
        description: str = "",
        line: int = 0,
    ) -> None:
        set_field(self, "name", name)
        set_field(self, "paths", paths)
        set_field(self, "settings", settings)
        set_field(self, "description", description)
        set_field(self, "line", line)

    def first_match(self, path: str) -> Glob | None:
        for glob in self.paths:
            if glob.matches(path):
                return glob
        return None


class RuleMatch(Record):
    """One rule that applies to a path, for ``explain``."""

    __slots__ = ("index", "line", "pattern", "rule", "sets")
    rule: str
    index: int
    pattern: str
    line: int
    sets: tuple[str, ...]  # the keys this rule sets, e.g. ("severity", "rationale.min_chars")

    def __init__(
        self, rule: str, index: int, pattern: str, line: int, sets: tuple[str, ...]
    ) -> None:
        set_field(self, "rule", rule)
        set_field(self, "index", index)
        set_field(self, "pattern", pattern)
        set_field(self, "line", line)
        set_field(self, "sets", sets)


def merge_settings(base: Settings, over: Settings) -> Settings:
    """``over`` applied on ``base`` key by key (used to complete ``defaults:``)."""
    changes: dict[str, object] = {}
    for key in SETTING_KEYS:
        if key in ("rationale", "sources"):
            continue
        value = getattr(over, key)
        changes[key] = value if value is not None else getattr(base, key)
    reject = over.rationale.reject if over.rationale.reject is not None else base.rationale.reject
    extra = tuple(m for m in over.rationale.also_reject if m not in (reject or ()))
    changes["rationale"] = RationaleSettings(
        min_chars=_pick(over.rationale.min_chars, base.rationale.min_chars),
        max_chars=_pick(over.rationale.max_chars, base.rationale.max_chars),
        reject=(reject or ()) + extra,
    )
    changes["sources"] = SourceSettings(
        count=_pick(over.sources.count, base.sources.count),
        heuristic_min_lines=_pick(
            over.sources.heuristic_min_lines, base.sources.heuristic_min_lines
        ),
    )
    return base.replace(**changes)


def _pick(first: T | None, second: T | None) -> T | None:
    return first if first is not None else second
