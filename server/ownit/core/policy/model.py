"""The policy: its rules, exclusions and AI-commit patterns, evaluated per path and per
commit (docs/policy.md).

How a path's effective rule is found (the ``.gitattributes`` way):

1. Start from the policy's ``defaults`` (every key set: built-in values, overridden by the
   ``defaults:`` block of the file).
2. Apply every rule whose ``paths`` match, **in file order**. A rule sets only the keys it
   names; a later matching rule overrides an earlier one key by key, so **the last match
   wins** for each key, and keys no matching rule names keep their default
   (``effective.resolve``).

The values the policy is made of live in their own modules: ``modes`` (the keys' choices),
``settings`` (partial settings and rules), ``effective`` (the rule on one path),
``ai_commits`` (what marks a commit AI-assisted), ``purpose``; their names are importable
from here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ownit.core.policy.effective import EffectiveRule, resolve
from ownit.core.policy.globs import Glob, normalize_path
from ownit.core.policy.keys import BUILT_IN_SOURCE, DEFAULT_ALLOWED_SIGNERS
from ownit.core.record import Record, set_field

if TYPE_CHECKING:
    from ownit.core.policy.ai_commits import (
        AI_EVIDENCE,
        CORROBORATED,
        WEAK,
        AiCommitMatch,
        AiCommitPattern,
        EvidenceReader,
    )
    from ownit.core.policy.effective import RationalePolicy
    from ownit.core.policy.keys import (
        AI_COMMIT_FIELDS,
        ALL_HISTORY,
        RATIONALE_KEYS,
        SETTING_KEYS,
        SOURCE_KEYS,
        AiField,
        CommitGate,
        HistorySince,
        RationaleSettings,
        Rule,
        RuleMatch,
        Settings,
        SignatureMode,
        SourceSettings,
        StaleMode,
        merge_settings,
    )
    from ownit.core.policy.purpose import MAX_PURPOSE, PurposeRejected, validate_purpose

# The names this module gave before they moved to their own modules: still importable
# from here, each loaded on first use (``__getattr__`` below).
_MOVED = {
    **dict.fromkeys(
        ("AI_EVIDENCE", "CORROBORATED", "WEAK", "AiCommitMatch", "AiCommitPattern"),
        "ai_commits",
    ),
    "RationalePolicy": "effective",
    **dict.fromkeys(
        (
            "AI_COMMIT_FIELDS",
            "ALL_HISTORY",
            "RATIONALE_KEYS",
            "SETTING_KEYS",
            "SOURCE_KEYS",
            "AiField",
            "CommitGate",
            "HistorySince",
            "SignatureMode",
            "StaleMode",
        ),
        "keys",
    ),
    **dict.fromkeys(("MAX_PURPOSE", "PurposeRejected", "validate_purpose"), "purpose"),
    **dict.fromkeys(
        (
            "RationaleSettings",
            "Rule",
            "RuleMatch",
            "Settings",
            "SourceSettings",
            "merge_settings",
        ),
        "keys",
    ),
}

__all__ = [
    "AI_COMMIT_FIELDS",
    "AI_EVIDENCE",
    "ALL_HISTORY",
    "BUILT_IN_SOURCE",
    "CORROBORATED",
    "DEFAULT_ALLOWED_SIGNERS",
    "MAX_PURPOSE",
    "RATIONALE_KEYS",
    "SETTING_KEYS",
    "SOURCE_KEYS",
    "WEAK",
    "AiCommitMatch",
    "AiCommitPattern",
    "AiField",
    "CommitGate",
    "EffectiveRule",
    "HistorySince",
    "Policy",
    "PurposeRejected",
    "RationalePolicy",
    "RationaleSettings",
    "Rule",
    "RuleMatch",
    "Settings",
    "SignatureMode",
    "SourceSettings",
    "StaleMode",
    "handles_table",
    "merge_settings",
    "validate_purpose",
]

_FIELDS = (
    "version",
    "defaults",
    "rules",
    "exclude",
    "exclude_linguist",
    "ai_commit_patterns",
    "handles",
    "purposes",
    "source",
    "allowed_signers",
)


_EFFECTIVE_REMEMBERED = 10_000  # paths whose rule a Policy keeps


class Policy(Record):
    __slots__ = (
        *(name for name in _FIELDS if name != "ai_commit_patterns"),
        "_ai_commit_patterns",
        "_evidence_reader",
        "_effective",
    )
    _fields = _FIELDS
    # ``source`` (where the policy was read) does not take part in == and hash.
    _compare = tuple(name for name in _FIELDS if name != "source")
    version: int
    defaults: Settings  # every key set
    rules: tuple[Rule, ...]
    exclude: tuple[Glob, ...]
    exclude_linguist: bool
    # The patterns, or a function that makes them when first asked for (the built-in ones).
    _ai_commit_patterns: tuple[AiCommitPattern, ...] | Callable[[], tuple[AiCommitPattern, ...]]
    handles: tuple[tuple[str, tuple[str, ...]], ...]
    purposes: tuple[str, ...]  # the purpose tags a claim may carry; empty: any text
    source: str
    # Where the allowed-signers file is, in the repository (read at a range's base).
    allowed_signers: str
    # From ai_commit_patterns, for ai_commit_evidence; made on first use.
    _evidence_reader: EvidenceReader | None
    # path -> its rule, resolved once (a policy never changes; the editor, the hooks and
    # verify ask for the same paths again and again).
    _effective: dict[str, EffectiveRule]

    def __init__(
        self,
        version: int,
        defaults: Settings,
        rules: tuple[Rule, ...],
        exclude: tuple[Glob, ...],
        exclude_linguist: bool,
        ai_commit_patterns: tuple[AiCommitPattern, ...] | Callable[[], tuple[AiCommitPattern, ...]],
        handles: tuple[tuple[str, tuple[str, ...]], ...] = (),
        purposes: tuple[str, ...] = (),
        source: str = BUILT_IN_SOURCE,
        allowed_signers: str = DEFAULT_ALLOWED_SIGNERS,
    ) -> None:
        set_field(self, "version", version)
        set_field(self, "defaults", defaults)
        set_field(self, "rules", rules)
        set_field(self, "exclude", exclude)
        set_field(self, "exclude_linguist", exclude_linguist)
        set_field(self, "_ai_commit_patterns", ai_commit_patterns)
        set_field(self, "handles", handles)
        set_field(self, "purposes", purposes)
        set_field(self, "source", source)
        set_field(self, "allowed_signers", allowed_signers)
        set_field(self, "_evidence_reader", None)
        set_field(self, "_effective", {})

    @property
    def ai_commit_patterns(self) -> tuple[AiCommitPattern, ...]:
        patterns = self._ai_commit_patterns
        if callable(patterns):
            patterns = patterns()
            set_field(self, "_ai_commit_patterns", patterns)
        return patterns

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
        remembered = self._effective
        found = remembered.get(path)
        if found is None:
            if len(remembered) >= _EFFECTIVE_REMEMBERED:
                remembered.clear()  # (a bound: a long-lived server sees many paths)
            matches = [(index, rule) for index, rule, _ in self.matching_rules(path)]
            found = resolve(path, self.defaults, matches, self.handles, self.source)
            remembered[path] = found
        return found

    def exclusion_reason(self, path: str, gitattributes_text: str | None = None) -> str | None:
        """Why ``path`` is excluded from tracking, or None when it is not."""
        path = normalize_path(path)
        for glob in self.exclude:
            if glob.matches(path):
                return f"excluded by exclude pattern '{glob.pattern}'"
        if self.exclude_linguist and gitattributes_text:
            from ownit.core.policy.gitattributes import linguist_attribute

            attribute = linguist_attribute(gitattributes_text, path)
            if attribute is not None:
                return f"marked {attribute} in .gitattributes"
        return None

    def is_excluded(self, path: str, gitattributes_text: str | None = None) -> bool:
        """Whether ``path`` is generated/vendored/excluded: ownit ignores AI code there."""
        return self.exclusion_reason(path, gitattributes_text) is not None

    def explain(self, path: str) -> list[RuleMatch]:
        """The rules that apply to ``path``, in the order they are applied (last wins)."""
        from ownit.core.policy.keys import RuleMatch

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
        from ownit.core.policy.ai_commits import match_commit

        return match_commit(self.ai_commit_patterns, message, people)

    def ai_commit_evidence(self, message: str) -> str:
        """The part of a commit message ``ai_commit_patterns`` can match: the lines that
        start with a trailer key a pattern names (indented or not), the lines a ``message``
        pattern matches, and the subject line when a ``subject`` pattern matches it (else
        an empty first line); "" when there is none of these. ``ai_commit_match`` gives the
        same answer for it as for the whole message, so callers matching many commits can
        remember answers by it (and by the people)."""
        reader = self._evidence_reader
        if reader is None:
            from ownit.core.policy.ai_commits import EvidenceReader

            reader = EvidenceReader(self.ai_commit_patterns)
            set_field(self, "_evidence_reader", reader)
        return reader.evidence(message)

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
        from ownit.core.policy.purpose import validate_purpose

        return validate_purpose(text, self.purposes)

    def with_source(self, source: str) -> Policy:
        return self.replace(source=source)


def __getattr__(name: str) -> Any:
    home = _MOVED.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"ownit.core.policy.{home}"), name)


def handles_table(handles: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((key, tuple(value)) for key, value in handles.items()))
