"""The policy model and its evaluation (docs/policy.md).

How a path's effective rule is found (the ``.gitattributes`` way):

1. Start from the policy's ``defaults`` (every key set: built-in values, overridden by the
   ``defaults:`` block of the file).
2. Apply every rule whose ``paths`` match, **in file order**. A rule sets only the keys it
   names; a later matching rule overrides an earlier one key by key, so **the last match
   wins** for each key, and keys no matching rule names keep their default.
   ``rationale`` and ``sources`` merge key by key too; lists (``owners``, ``reject``,
   ``sources.count``) replace the inherited list, except ``rationale.also_reject``, which
   adds to it.

``EffectiveRule.rule_name`` names the last matching rule (or ``defaults``), and
``EffectiveRule.origin(key)`` the rule that set a given key, so messages can say which rule
asks for what.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal, TypeVar

from ownit.core.claims import RationaleRejected, RationaleRules, validate_rationale
from ownit.core.model import Evidence, Severity, Source
from ownit.core.policy import tool_model
from ownit.core.policy.approval import AiUse, Approval
from ownit.core.policy.gitattributes import linguist_attribute
from ownit.core.policy.globs import Glob, normalize_path
from ownit.core.policy.patterns import MAX_MATCH_INPUT, Matcher

T = TypeVar("T")

# Policy.source when no policy file is in force (none, or an invalid one).
BUILT_IN_SOURCE = "<built-in defaults>"


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


DEFAULT_ALLOWED_SIGNERS = ".ownit/allowed_signers"


@dataclass(frozen=True, slots=True)
class HistorySince:
    """From when history (commit trailers, AI-assisted commits) counts.

    ``kind`` is ``all`` (all history), ``date`` (``value`` is ``YYYY-MM-DD``) or
    ``revision`` (``value`` is a commit id, tag or branch: history after it counts).
    """

    kind: Literal["all", "date", "revision"]
    value: str = ""

    @property
    def date(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.value) if self.kind == "date" else None

    @property
    def revision(self) -> str | None:
        return self.value if self.kind == "revision" else None

    def __str__(self) -> str:
        return "all history" if self.kind == "all" else self.value


ALL_HISTORY = HistorySince("all")


# --- partial settings, as written in `defaults:` or one rule ---------------------------------


@dataclass(frozen=True, slots=True)
class RationaleSettings:
    min_chars: int | None = None
    max_chars: int | None = None
    reject: tuple[Matcher, ...] | None = None
    also_reject: tuple[Matcher, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceSettings:
    count: frozenset[Source] | None = None
    heuristic_min_lines: int | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """The per-path keys; ``None`` means "not set here, inherit"."""

    severity: Severity | None = None
    require_ownership: bool | None = None
    rationale: RationaleSettings = RationaleSettings()
    owners: tuple[str, ...] | None = None
    codeowner: bool | None = None
    second_owner: bool | None = None
    stale: StaleMode | None = None
    commit: CommitGate | None = None
    sources: SourceSettings = SourceSettings()
    history_since: HistorySince | None = None
    min_evidence: Evidence | None = None
    ai: AiUse | None = None
    tools: tuple[str, ...] | None = None
    models: tuple[str, ...] | None = None
    purpose: str | None = None
    signatures: SignatureMode | None = None

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


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of ``rules:``: the paths it covers and the keys it sets."""

    name: str
    paths: tuple[Glob, ...]
    settings: Settings
    description: str = ""
    line: int = field(default=0, compare=False)  # 1-based line of the rule in its file

    def first_match(self, path: str) -> Glob | None:
        for glob in self.paths:
            if glob.matches(path):
                return glob
        return None


AiField = Literal[
    "trailer",
    "message",
    "subject",
    "author_name",
    "author_email",
    "committer_name",
    "committer_email",
]
AI_COMMIT_FIELDS: tuple[AiField, ...] = (
    "trailer",
    "message",
    "subject",
    "author_name",
    "author_email",
    "committer_name",
    "committer_email",
)

# How sure a pattern's match is that an AI tool wrote the commit's code.
CORROBORATED = "corroborated"  # the tool writes it when it wrote code (a co-author, a bot)
WEAK = "weak"  # the tool also writes it on commits with no AI code in them
AI_EVIDENCE = (CORROBORATED, WEAK)


@dataclass(frozen=True, slots=True)
class AiCommitPattern:
    """What marks a commit as AI-assisted.

    ``field`` is ``trailer`` (the value of every ``<trailer>: value`` line of the message),
    ``message`` (every line of the message), ``subject`` (its first line),
    ``author_name``, ``author_email``, ``committer_name`` or ``committer_email``.
    ``tool`` names the tool; ``read`` (one of ``tool_model.READERS``) says how the
    matched value names the model, or the tool too. ``evidence`` is ``corroborated`` or
    ``weak`` (see :data:`AI_EVIDENCE`).
    """

    name: str
    field: AiField
    match: Matcher
    trailer: str | None = None
    tool: str | None = None
    read: str | None = None
    evidence: str = CORROBORATED

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


@dataclass(frozen=True, slots=True)
class AiCommitMatch:
    pattern: str  # the pattern's name
    tool: str | None
    matched: str  # what matched: "Co-authored-by: Claude <noreply@anthropic.com>"
    model: str | None = None
    evidence: str = CORROBORATED  # the pattern's evidence class

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


# --- the resolved rule for one path ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RationalePolicy:
    min_chars: int
    max_chars: int
    reject: tuple[Matcher, ...]

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(matcher.text for matcher in self.reject if not matcher.is_regex)

    @property
    def patterns(self) -> tuple[Matcher, ...]:
        return tuple(matcher for matcher in self.reject if matcher.is_regex)


@dataclass(frozen=True, slots=True)
class EffectiveRule:
    """Every key resolved for one path, with the rule(s) it came from."""

    path: str
    rule_name: str  # the last matching rule, or "defaults"
    rule_index: int | None  # its 0-based index in `rules`, None for defaults
    matched_rules: tuple[str, ...]
    severity: Severity
    require_ownership: bool
    rationale: RationalePolicy
    owners: tuple[str, ...]
    codeowner: bool
    second_owner: bool
    stale: StaleMode
    commit: CommitGate
    sources: frozenset[Source]
    heuristic_min_lines: int
    history_since: HistorySince
    # The least evidence (exact > corroborated > inferred) that makes AI code here have to
    # be owned: below it, it is shown and gets trailers but never blocks a commit and
    # ownit verify does not ask for a claim.
    min_evidence: Evidence = Evidence.INFERRED
    ai: AiUse = AiUse.ALLOWED
    tools: tuple[str, ...] | None = None  # approved tools (globs); None: any
    models: tuple[str, ...] | None = None  # approved models (globs); None: any
    purpose: str = ""  # what AI is for here, in words (shown in hover and report)
    description: str = ""  # the last matching rule's description ("" for defaults)
    signatures: SignatureMode = SignatureMode.OFF
    origins: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    handles: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False)
    policy_source: str = field(default=BUILT_IN_SOURCE, compare=False)  # Policy.source

    def origin(self, key: str) -> str:
        """The rule that set ``key`` (e.g. ``severity``, ``rationale.min_chars``)."""
        for name, rule in self.origins:
            if name == key:
                return rule
        return "defaults"

    def origin_phrase(self, key: str) -> str:
        """Where ``key`` came from, for a message: ``policy rule 'sensitive'``, ``the
        defaults of .ownit.yaml``; without a policy file ``built-in rule 'sensitive'; no
        .ownit.yaml`` or ``built-in defaults; no .ownit.yaml``."""
        return self.rule_phrase(self.origin(key))

    def rule_phrase(self, rule: str) -> str:
        """A rule name as :meth:`origin` gives it, said truly for a message."""
        built_in = self.policy_source == BUILT_IN_SOURCE
        if rule != "defaults":
            return (
                f"built-in rule '{rule}'; no .ownit.yaml" if built_in else f"policy rule '{rule}'"
            )
        return (
            "built-in defaults; no .ownit.yaml"
            if built_in
            else f"the defaults of {self.policy_source}"
        )

    @property
    def rationale_rules(self) -> RationaleRules:
        """The phrase-based rules of core/claims.py. ``/regex/`` rejects need
        ``validate_rationale`` below, which applies both."""
        return RationaleRules(
            min_chars=self.rationale.min_chars,
            max_chars=self.rationale.max_chars,
            reject=self.rationale.phrases,
        )

    def validate_rationale(self, text: str) -> str:
        """The normalized rationale, or ``RationaleRejected`` naming the rule that applies."""
        try:
            rationale = validate_rationale(text, self.rationale_rules)
        except RationaleRejected as error:
            raise RationaleRejected(f"{error} ({self._rationale_rule()})") from None
        for matcher in self.rationale.patterns:
            if matcher.search(rationale):
                raise RationaleRejected(
                    f"rationale matches the rejected pattern {matcher.text} "
                    f"({self._rationale_rule()}) — say what you checked and "
                    "why the code is right"
                )
        return rationale

    def rationale_origin(self) -> str:
        """Where this path's rationale rules came from, as messages say it
        (:meth:`rule_phrase`): what a client's preview of a refusal should name."""
        return self._rationale_rule()

    def _rationale_rule(self) -> str:
        candidates = [
            self.origin(f"rationale.{key}") for key in RATIONALE_KEYS if key != "also_reject"
        ]
        named = [name for name in candidates if name != "defaults"]
        return self.rule_phrase(named[-1] if named else "defaults")

    def requires_evidence(self, evidence: Evidence | str) -> bool:
        """Whether AI code known with ``evidence`` has to be owned here (``min_evidence``);
        an unknown class counts as ``inferred``."""
        try:
            kind = Evidence(evidence)
        except ValueError:
            kind = Evidence.INFERRED
        return kind.at_least(self.min_evidence)

    @property
    def needs_ownership(self) -> bool:
        """Whether unowned AI code here is a problem at all (editor, hook, verify):
        ``require_ownership``, or ``ai: owned-only`` / ``forbidden``."""
        return self.require_ownership or self.ai is not AiUse.ALLOWED

    @property
    def forbids_ai(self) -> bool:
        return self.ai is AiUse.FORBIDDEN

    @property
    def approval(self) -> Approval:
        return Approval(self.tools, self.models)

    def tool_problem(self, label: str) -> str | None:
        """Why the tool (``tool`` or ``tool:model``) is not approved here, naming the
        rule; None when it is (or the rule approves any)."""
        found = self.approval.problem(label)
        if found is None:
            return None
        key, problem = found
        return f"{problem}, {self.origin_phrase(key)}"

    def forbidden_reason(self) -> str:
        """Why AI-written code may not be here, in words: the rule's description, else
        its name."""
        rule = self.origin("ai")
        described = f": {self.description}" if self.description and rule == self.rule_name else ""
        return f"{self.rule_phrase(rule)} forbids AI-written code here{described}"

    def counts_source(self, source: Source | str, line_count: int) -> bool:
        """Whether a region detected by ``source`` with ``line_count`` lines counts here."""
        try:
            kind = Source(source)
        except ValueError:
            return False
        if kind not in self.sources:
            return False
        return not (kind is Source.HEURISTIC and line_count < self.heuristic_min_lines)

    def owner_allowed(self, email: str) -> bool:
        """Whether ``email`` may claim code here (``owners`` empty: anyone)."""
        if not self.owners:
            return True
        return _email_in(email, self.owners, self.handles)

    def owner_problems(
        self, owner_emails: Sequence[str], codeowners: Sequence[str] = ()
    ) -> list[str]:
        """What is missing for the claims on one region: an empty list when they satisfy it.

        ``owner_emails`` are the emails of everyone who claimed the region (current claims);
        ``codeowners`` what the repository's CODEOWNERS file lists for the path (see
        ``codeowners_for``): emails, ``@user`` or ``@org/team`` handles.
        """
        problems: list[str] = []
        distinct = sorted({email.strip().casefold() for email in owner_emails if email.strip()})
        for email in distinct:
            if not self.owner_allowed(email):
                problems.append(
                    f"{email} may not own code in {self.path}: {self.origin_phrase('owners')} "
                    f"accepts {', '.join(self.owners)}"
                )
        if self.second_owner and len(distinct) < 2:
            problems.append(
                f"{self.path} needs two distinct owners ({self.origin_phrase('second_owner')}); "
                f"it has {len(distinct)}"
            )
        if self.codeowner:
            if not codeowners:
                problems.append(
                    f"{self.path} must be owned by a CODEOWNERS owner "
                    f"({self.origin_phrase('codeowner')}), but CODEOWNERS lists nobody for it"
                )
            elif not any(_email_in(email, tuple(codeowners), self.handles) for email in distinct):
                problems.append(
                    f"{self.path} must be owned by one of its CODEOWNERS "
                    f"({', '.join(codeowners)}) ({self.origin_phrase('codeowner')})"
                )
        return problems

    def requirements(self) -> list[str]:
        """What this path requires, one human sentence per key."""
        lines = [
            f"severity: {self.severity.value} (editor diagnostics for unowned or stale AI code)",
            "require_ownership: "
            + ("yes, AI-written code must be owned" if self.require_ownership else "no"),
            f"rationale: {self.rationale.min_chars}-{self.rationale.max_chars} characters, "
            f"rejecting {_count(len(self.rationale.phrases), 'phrase')} and "
            f"{_count(len(self.rationale.patterns), 'pattern')}",
            "owners: " + (", ".join(self.owners) if self.owners else "anyone"),
            f"codeowner: {'a CODEOWNERS owner must claim' if self.codeowner else 'no'}",
            f"second_owner: {'two distinct owners' if self.second_owner else 'no'}",
            f"stale: {self.stale.value}",
            f"commit: {self.commit.value} (unowned AI code in a commit)",
            "sources: "
            + ", ".join(sorted(source.value for source in self.sources))
            + (
                f" (heuristic from {self.heuristic_min_lines} lines)"
                if Source.HEURISTIC in self.sources
                else ""
            ),
            f"history_since: {self.history_since}",
            f"min_evidence: {self.min_evidence.value} ({_EVIDENCE_WORDS[self.min_evidence]})",
            "ai: "
            + {
                AiUse.ALLOWED: "allowed",
                AiUse.OWNED_ONLY: "owned-only (AI-written code must be owned)",
                AiUse.FORBIDDEN: "forbidden (no AI-written code, owned or not)",
            }[self.ai],
            "tools: " + (", ".join(self.tools) or "none" if self.tools is not None else "any"),
            "models: " + (", ".join(self.models) or "none" if self.models is not None else "any"),
            "purpose: " + (self.purpose or "(not said)"),
            "signatures: "
            + {
                SignatureMode.OFF: "off (claim signatures are not checked)",
                SignatureMode.WARN: "warn (an unsigned or badly signed claim is a warning)",
                SignatureMode.REQUIRE: "require (a claim needs a valid AI-Signature by a key"
                " the base trusts for its owner)",
            }[self.signatures],
        ]
        return lines

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "rule": self.rule_name,
            "ruleIndex": self.rule_index,
            "matchedRules": list(self.matched_rules),
            "severity": self.severity.value,
            "require_ownership": self.require_ownership,
            "rationale": {
                "min_chars": self.rationale.min_chars,
                "max_chars": self.rationale.max_chars,
                "reject": [matcher.text for matcher in self.rationale.reject],
            },
            "owners": list(self.owners),
            "codeowner": self.codeowner,
            "second_owner": self.second_owner,
            "stale": self.stale.value,
            "commit": self.commit.value,
            "sources": {
                "count": sorted(source.value for source in self.sources),
                "heuristic_min_lines": self.heuristic_min_lines,
            },
            "history_since": None if self.history_since.kind == "all" else self.history_since.value,
            "min_evidence": self.min_evidence.value,
            "ai": self.ai.value,
            "tools": None if self.tools is None else list(self.tools),
            "models": None if self.models is None else list(self.models),
            "purpose": self.purpose or None,
            "signatures": self.signatures.value,
            "origins": dict(self.origins),
        }


_EVIDENCE_WORDS = {
    Evidence.INFERRED: "AI code counts however it is known",
    Evidence.CORROBORATED: "code known only from a guess or a weak trailer never blocks",
    Evidence.EXACT: "code known only from a commit's trailer or a guess never blocks",
}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _email_in(
    email: str, refs: Sequence[str], handles: tuple[tuple[str, tuple[str, ...]], ...]
) -> bool:
    wanted = email.strip().casefold()
    if not wanted:
        return False
    table = dict(handles)
    for ref in refs:
        ref_folded = ref.casefold()
        if ref.startswith("@"):
            members = next((v for k, v in table.items() if k.casefold() == ref_folded), ())
            if any(member.casefold() == wanted for member in members):
                return True
        elif ref.startswith("*@"):
            if wanted.endswith(ref_folded[1:]):
                return True
        elif ref_folded == wanted:
            return True
    return False


# --- the policy ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One rule that applies to a path, for ``explain``."""

    rule: str
    index: int
    pattern: str
    line: int
    sets: tuple[str, ...]  # the keys this rule sets, e.g. ("severity", "rationale.min_chars")


@dataclass(frozen=True, slots=True)
class Policy:
    version: int
    defaults: Settings  # every key set
    rules: tuple[Rule, ...]
    exclude: tuple[Glob, ...]
    exclude_linguist: bool
    ai_commit_patterns: tuple[AiCommitPattern, ...]
    handles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    purposes: tuple[str, ...] = ()  # the purpose tags a claim may carry; empty: any text
    source: str = field(default=BUILT_IN_SOURCE, compare=False)
    # Where the allowed-signers file is, in the repository (read at a range's base).
    allowed_signers: str = DEFAULT_ALLOWED_SIGNERS
    # From ai_commit_patterns, for ai_commit_evidence: the trailer keys (casefolded),
    # and the patterns that read lines (``message``) or the subject line.
    _trailer_keys: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _line_patterns: tuple[Matcher, ...] = field(default=(), init=False, repr=False, compare=False)
    _subject_patterns: tuple[Matcher, ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        patterns = self.ai_commit_patterns
        keys = tuple(dict.fromkeys((p.trailer or "").casefold() for p in patterns if p.trailer))
        object.__setattr__(self, "_trailer_keys", keys)
        lines = tuple(p.match for p in patterns if p.field == "message")
        object.__setattr__(self, "_line_patterns", lines)
        subjects = tuple(p.match for p in patterns if p.field == "subject")
        object.__setattr__(self, "_subject_patterns", subjects)

    # -- per path --

    def matching_rules(self, path: str) -> list[tuple[int, Rule, Glob]]:
        found = []
        for index, rule in enumerate(self.rules):
            glob = rule.first_match(normalize_path(path))
            if glob is not None:
                found.append((index, rule, glob))
        return found

    def effective(self, path: str) -> EffectiveRule:
        """Every key resolved for ``path`` (repo-relative, ``/``-separated)."""
        path = normalize_path(path)
        layers: list[tuple[str, Settings]] = [("defaults", self.defaults)]
        matches = self.matching_rules(path)
        layers.extend((rule.name, rule.settings) for _, rule, _ in matches)
        values: dict[str, object] = {}
        origins: dict[str, str] = {}
        reject: tuple[Matcher, ...] = ()
        for name, settings in layers:
            for key in SETTING_KEYS:
                if key in ("rationale", "sources"):
                    continue
                value = getattr(settings, key)
                if value is not None:
                    values[key] = value
                    origins[key] = name
            for key in ("min_chars", "max_chars"):
                value = getattr(settings.rationale, key)
                if value is not None:
                    values[f"rationale.{key}"] = value
                    origins[f"rationale.{key}"] = name
            if settings.rationale.reject is not None:
                reject = settings.rationale.reject
                origins["rationale.reject"] = name
            if settings.rationale.also_reject:
                reject = reject + tuple(
                    m for m in settings.rationale.also_reject if m not in reject
                )
                origins["rationale.reject"] = name
            for key in SOURCE_KEYS:
                value = getattr(settings.sources, key)
                if value is not None:
                    values[f"sources.{key}"] = value
                    origins[f"sources.{key}"] = name
        last = matches[-1] if matches else None
        return EffectiveRule(
            path=path,
            rule_name=last[1].name if last else "defaults",
            rule_index=last[0] if last else None,
            matched_rules=tuple(rule.name for _, rule, _ in matches),
            severity=_as(values["severity"], Severity),
            require_ownership=_as(values["require_ownership"], bool),
            rationale=RationalePolicy(
                min_chars=_as(values["rationale.min_chars"], int),
                max_chars=_as(values["rationale.max_chars"], int),
                reject=reject,
            ),
            owners=_as(values["owners"], tuple),
            codeowner=_as(values["codeowner"], bool),
            second_owner=_as(values["second_owner"], bool),
            stale=_as(values["stale"], StaleMode),
            commit=_as(values["commit"], CommitGate),
            sources=_as(values["sources.count"], frozenset),
            heuristic_min_lines=_as(values["sources.heuristic_min_lines"], int),
            history_since=_as(values["history_since"], HistorySince),
            min_evidence=_as(values.get("min_evidence", Evidence.INFERRED), Evidence),
            ai=_as(values.get("ai", AiUse.ALLOWED), AiUse),
            tools=_optional_tuple(values.get("tools")),
            models=_optional_tuple(values.get("models")),
            purpose=_as(values.get("purpose", ""), str),
            description=last[1].description if last else "",
            signatures=_as(values["signatures"], SignatureMode),
            origins=tuple(sorted(origins.items())),
            handles=self.handles,
            policy_source=self.source,
        )

    def exclusion_reason(self, path: str, gitattributes_text: str | None = None) -> str | None:
        """Why ``path`` is excluded from tracking, or None when it is not."""
        path = normalize_path(path)
        for glob in self.exclude:
            if glob.matches(path):
                return f"excluded by exclude pattern '{glob.pattern}'"
        if self.exclude_linguist and gitattributes_text:
            attribute = linguist_attribute(gitattributes_text, path)
            if attribute is not None:
                return f"marked {attribute} in .gitattributes"
        return None

    def is_excluded(self, path: str, gitattributes_text: str | None = None) -> bool:
        """Whether ``path`` is generated/vendored/excluded: ownit ignores AI code there."""
        return self.exclusion_reason(path, gitattributes_text) is not None

    def explain(self, path: str) -> list[RuleMatch]:
        """The rules that apply to ``path``, in the order they are applied (last wins)."""
        return [
            RuleMatch(
                rule=rule.name,
                index=index,
                pattern=glob.pattern,
                line=rule.line,
                sets=tuple(rule.settings.keys_set()),
            )
            for index, rule, glob in self.matching_rules(path)
        ]

    # -- commits --

    def ai_commit_match(
        self,
        message: str,
        author_name: str = "",
        author_email: str = "",
        committer_name: str = "",
        committer_email: str = "",
    ) -> AiCommitMatch | None:
        """The ``ai_commit_patterns`` entry the commit matches, or None: the first
        ``corroborated`` one in pattern order, else the first ``weak`` one (a weak trailer
        next to a tool's own co-author line does not hide the tool and its model).

        Only the lines of :meth:`ai_commit_evidence` matter, so a message that names
        none of the trailer keys the patterns look at costs one scan.
        """
        people = {
            "author_name": author_name,
            "author_email": author_email,
            "committer_name": committer_name,
            "committer_email": committer_email,
        }
        lines = [line[:MAX_MATCH_INPUT] for line in message.splitlines()]
        trailers = _trailer_lines(lines)
        weak: AiCommitMatch | None = None
        for pattern in self.ai_commit_patterns:
            found = _match_one(pattern, lines, trailers, people)
            if found is None:
                continue
            if found.evidence != WEAK:
                return found
            weak = weak or found
        return weak

    def ai_commit_evidence(self, message: str) -> str:
        """The part of a commit message ``ai_commit_patterns`` can match: the lines that
        start with a trailer key a pattern names (indented or not), the lines a ``message``
        pattern matches, and the subject line when a ``subject`` pattern matches it (else
        an empty first line); "" when there is none of these. ``ai_commit_match`` gives the
        same answer for it as for the whole message, so callers matching many commits can
        remember answers by it (and by the people)."""
        keys = self._trailer_keys
        folded = message.casefold()
        keyed = bool(keys) and any(key in folded for key in keys)
        line_patterns = self._line_patterns
        if not (keyed or line_patterns or self._subject_patterns):
            return ""
        kept: list[str] = []
        subject_kept = False
        for index, line in enumerate(message.splitlines()):
            capped = line[:MAX_MATCH_INPUT]
            if index == 0 and any(m.search(capped) for m in self._subject_patterns):
                kept.append(line)
                subject_kept = True
            elif (keyed and line.lstrip().casefold().startswith(keys)) or any(
                m.search(capped) for m in line_patterns
            ):
                kept.append(line)
        if not kept:
            return ""
        if not subject_kept and self._subject_patterns:
            kept.insert(0, "")  # the evidence's first line must not pass for a subject
        return "\n".join(kept)

    def is_ai_commit(
        self,
        message: str,
        author_name: str = "",
        author_email: str = "",
        committer_name: str = "",
        committer_email: str = "",
    ) -> str | None:
        """Why the commit counts as AI-assisted, or None when nothing marks it so."""
        found = self.ai_commit_match(
            message, author_name, author_email, committer_name, committer_email
        )
        return found.reason if found else None

    # -- owners --

    def expand_handles(self, refs: Iterable[str]) -> frozenset[str]:
        """Emails for owner references: emails as they are, ``@handles`` via ``handles``."""
        table = {key.casefold(): members for key, members in self.handles}
        emails: set[str] = set()
        for ref in refs:
            if ref.startswith("@"):
                emails.update(member.casefold() for member in table.get(ref.casefold(), ()))
            else:
                emails.add(ref.casefold())
        return frozenset(emails)

    # -- purposes --

    def validate_purpose(self, text: str) -> str:
        """The purpose tag a claim carries (one line, at most ``MAX_PURPOSE`` characters),
        or ``PurposeRejected`` saying what is allowed. "" stays "" (no purpose)."""
        return validate_purpose(text, self.purposes)

    def with_source(self, source: str) -> Policy:
        return replace(self, source=source)


MAX_PURPOSE = 60


class PurposeRejected(ValueError):
    """A claim's purpose tag is not one the policy lists (or not a short line)."""


def validate_purpose(text: str, purposes: Sequence[str] = ()) -> str:
    """``text`` as a purpose tag: normalized to one line; with ``purposes``, one of them
    (ignoring case; written as the policy spells it)."""
    from ownit.core.claims import normalize_rationale

    purpose = normalize_rationale(text)
    if not purpose:
        return ""
    if len(purpose) > MAX_PURPOSE:
        raise PurposeRejected(
            f"purpose too long: {len(purpose)} characters, at most {MAX_PURPOSE} — a short"
            " tag such as tests, refactor or feature"
        )
    if purposes:
        for allowed in purposes:
            if allowed.casefold() == purpose.casefold():
                return allowed
        raise PurposeRejected(
            f"purpose {purpose!r} is not one the policy lists (purposes: {', '.join(purposes)})"
        )
    return purpose


# A trailer line: ``Key: value``; indented as ``git merge --squash`` indents the squashed
# commits' messages.
_TRAILER = re.compile(r"^[ \t]*([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)\s*$")


def _trailer_lines(lines: Sequence[str]) -> list[tuple[str, str, str]]:
    found = []
    for line in lines:
        matched = _TRAILER.match(line)
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
    tool, model = tool_model.read(pattern.read, value, pattern.tool)
    return AiCommitMatch(pattern.name, tool, matched, model, pattern.evidence)


def _as(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"policy value {value!r} is not a {kind.__name__}")
    return value


def _optional_tuple(value: object) -> tuple[str, ...] | None:
    return None if value is None else _as(value, tuple)


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
    return replace(base, **changes)  # type: ignore[arg-type]


def _pick(first: T | None, second: T | None) -> T | None:
    return first if first is not None else second


def handles_table(handles: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((key, tuple(value)) for key, value in handles.items()))
