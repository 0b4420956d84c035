"""The rule in force on one path: every key resolved, with the rule each came from
(docs/policy.md). ``resolve`` computes it from the layers that apply, the ``.gitattributes``
way: the defaults, then every matching rule in file order, key by key, the last wins.

``EffectiveRule.rule_name`` names the last matching rule (or ``defaults``), and
``EffectiveRule.origin(key)`` the rule that set a given key, so messages can say which rule
asks for what.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from ownit.core.claims import RationaleRejected, RationaleRules, validate_rationale
from ownit.core.model import Evidence, Severity, Source
from ownit.core.policy.keys import (
    BUILT_IN_SOURCE,
    RATIONALE_KEYS,
    SETTING_KEYS,
    SOURCE_KEYS,
    AiUse,
    CommitGate,
    HistorySince,
    SignatureMode,
    StaleMode,
)
from ownit.core.policy.patterns import Matcher
from ownit.core.record import Record, set_field

if TYPE_CHECKING:
    from ownit.core.policy.approval import Approval
    from ownit.core.policy.keys import Rule, Settings

T = TypeVar("T")


class RationalePolicy(Record):
    __slots__ = ("max_chars", "min_chars", "reject")
    min_chars: int
    max_chars: int
    reject: tuple[Matcher, ...]

    def __init__(self, min_chars: int, max_chars: int, reject: tuple[Matcher, ...]) -> None:
        set_field(self, "min_chars", min_chars)
        set_field(self, "max_chars", max_chars)
        set_field(self, "reject", reject)

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(matcher.text for matcher in self.reject if not matcher.is_regex)

    @property
    def patterns(self) -> tuple[Matcher, ...]:
        return tuple(matcher for matcher in self.reject if matcher.is_regex)


_FIELDS = (
    "path",
    "rule_name",
    "rule_index",
    "matched_rules",
    "severity",
    "require_ownership",
    "rationale",
    "owners",
    "codeowner",
    "second_owner",
    "stale",
    "commit",
    "sources",
    "heuristic_min_lines",
    "history_since",
    "min_evidence",
    "ai",
    "tools",
    "models",
    "purpose",
    "description",
    "signatures",
)


class EffectiveRule(Record):
    """Every key resolved for one path, with the rule(s) it came from."""

    __slots__ = (*_FIELDS, "origins", "handles", "policy_source")
    _compare = _FIELDS
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
    min_evidence: Evidence
    ai: AiUse
    tools: tuple[str, ...] | None  # approved tools (globs); None: any
    models: tuple[str, ...] | None  # approved models (globs); None: any
    purpose: str  # what AI is for here, in words (shown in hover and report)
    description: str  # the last matching rule's description ("" for defaults)
    signatures: SignatureMode
    # Not compared: which rule set each key, the handles table, Policy.source.
    origins: tuple[tuple[str, str], ...]
    handles: tuple[tuple[str, tuple[str, ...]], ...]
    policy_source: str

    def __init__(
        self,
        path: str,
        rule_name: str,
        rule_index: int | None,
        matched_rules: tuple[str, ...],
        severity: Severity,
        require_ownership: bool,
        rationale: RationalePolicy,
        owners: tuple[str, ...],
        codeowner: bool,
        second_owner: bool,
        stale: StaleMode,
        commit: CommitGate,
        sources: frozenset[Source],
        heuristic_min_lines: int,
        history_since: HistorySince,
        min_evidence: Evidence = Evidence.INFERRED,
        ai: AiUse = AiUse.ALLOWED,
        tools: tuple[str, ...] | None = None,
        models: tuple[str, ...] | None = None,
        purpose: str = "",
        description: str = "",
        signatures: SignatureMode = SignatureMode.OFF,
        origins: tuple[tuple[str, str], ...] = (),
        handles: tuple[tuple[str, tuple[str, ...]], ...] = (),
        policy_source: str = BUILT_IN_SOURCE,
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "rule_name", rule_name)
        set_field(self, "rule_index", rule_index)
        set_field(self, "matched_rules", matched_rules)
        set_field(self, "severity", severity)
        set_field(self, "require_ownership", require_ownership)
        set_field(self, "rationale", rationale)
        set_field(self, "owners", owners)
        set_field(self, "codeowner", codeowner)
        set_field(self, "second_owner", second_owner)
        set_field(self, "stale", stale)
        set_field(self, "commit", commit)
        set_field(self, "sources", sources)
        set_field(self, "heuristic_min_lines", heuristic_min_lines)
        set_field(self, "history_since", history_since)
        set_field(self, "min_evidence", min_evidence)
        set_field(self, "ai", ai)
        set_field(self, "tools", tools)
        set_field(self, "models", models)
        set_field(self, "purpose", purpose)
        set_field(self, "description", description)
        set_field(self, "signatures", signatures)
        set_field(self, "origins", origins)
        set_field(self, "handles", handles)
        set_field(self, "policy_source", policy_source)

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
        from ownit.core.policy.approval import Approval

        return Approval(self.tools, self.models)

    def tool_problem(self, label: str) -> str | None:
        """Why the tool (``tool`` or ``tool:model``) is not approved here, naming the
        rule; None when it is (or the rule approves any)."""
        if self.tools is None and self.models is None:
            return None  # any tool, any model: the approval rules need not even load
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
        """What this path requires, one human sentence per key (:mod:`.rule_text`)."""
        from ownit.core.policy.rule_text import requirements

        return requirements(self)

    def to_json(self) -> dict[str, object]:
        from ownit.core.policy.rule_text import rule_json

        return rule_json(self)


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


def resolve(
    path: str,
    defaults: Settings,
    matches: Sequence[tuple[int, Rule]],
    handles: tuple[tuple[str, tuple[str, ...]], ...],
    source: str,
) -> EffectiveRule:
    """The rule in force on ``path`` (normalized): ``defaults`` (every key set), then the
    matching rules (index, rule) in file order. A rule sets only the keys it names; a later
    one overrides an earlier one key by key. ``rationale`` and ``sources`` merge key by key
    too; lists (``owners``, ``reject``, ``sources.count``) replace the inherited list,
    except ``rationale.also_reject``, which adds to it."""
    layers: list[tuple[str, Settings]] = [("defaults", defaults)]
    layers.extend((rule.name, rule.settings) for _, rule in matches)
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
            reject = reject + tuple(m for m in settings.rationale.also_reject if m not in reject)
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
        matched_rules=tuple(rule.name for _, rule in matches),
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
        handles=handles,
        policy_source=source,
    )


def _as(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"policy value {value!r} is not a {kind.__name__}")
    return value


def _optional_tuple(value: object) -> tuple[str, ...] | None:
    return None if value is None else _as(value, tuple)
