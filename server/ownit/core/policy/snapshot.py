"""A loaded policy as plain JSON data, and back: what ``policy_files`` keeps in the
repository's ``.git/ownit/`` so that a hook reading an unchanged ``.ownit.yaml`` needs
neither YAML nor the loader (issue 13, CLI start-up). Pure.

A snapshot is made only from a policy the loader accepted, and is kept with the exact text
it came from (its SHA-256) and ownit's version; ``from_snapshot`` checks every value it
reads and raises ``SnapshotError`` for anything else, so a damaged or stale snapshot means
"read the file again", never a wrong policy. Globs and patterns are compiled again from
their text: a file's regexes by RE2 when first matched (the loader has checked them),
ownit's own by ``re`` (and a snapshot naming any other pattern as ownit's own is
refused: only RE2 ever runs a pattern that is not ownit's).
"""

from __future__ import annotations

from typing import Any, TypeVar

from ownit.core.model import Source
from ownit.core.policy.ai_commits import AI_EVIDENCE, AiCommitPattern
from ownit.core.policy.globs import Glob, GlobError
from ownit.core.policy.keys import (
    AI_COMMIT_FIELDS,
    CHOICES,
    HistorySince,
    RationaleSettings,
    Rule,
    Settings,
    SourceSettings,
)
from ownit.core.policy.model import Policy
from ownit.core.policy.patterns import (
    Matcher,
    PatternError,
    builtin_matcher,
    checked_matcher,
    is_regex_literal,
)

SNAPSHOT_FORMAT = 1

T = TypeVar("T")


class SnapshotError(ValueError):
    """The data is not a snapshot this ownit wrote: read the policy file instead."""


# -- to JSON ------------------------------------------------------------------------------------

_CHOICES = tuple(CHOICES)
_FLAGS = ("require_ownership", "codeowner", "second_owner")
_LISTS = ("owners", "tools", "models")


def to_snapshot(policy: Policy) -> dict[str, Any]:
    return {
        "format": SNAPSHOT_FORMAT,
        "version": policy.version,
        "defaults": _settings_json(policy.defaults),
        "rules": [
            {
                "name": rule.name,
                "paths": [glob.pattern for glob in rule.paths],
                "settings": _settings_json(rule.settings),
                "description": rule.description,
                "line": rule.line,
            }
            for rule in policy.rules
        ],
        "exclude": [glob.pattern for glob in policy.exclude],
        "exclude_linguist": policy.exclude_linguist,
        "ai_commit_patterns": [
            [p.name, p.field, _matcher_json(p.match), p.trailer, p.tool, p.read, p.evidence]
            for p in policy.ai_commit_patterns
        ],
        "handles": [[key, list(members)] for key, members in policy.handles],
        "purposes": list(policy.purposes),
        "source": policy.source,
        "allowed_signers": policy.allowed_signers,
    }


def _settings_json(settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in (*_CHOICES, *_FLAGS, "purpose"):
        value = getattr(settings, key)
        if value is not None:
            out[key] = str(value) if key in _CHOICES else value
    for key in _LISTS:
        value = getattr(settings, key)
        if value is not None:
            out[key] = list(value)
    if settings.history_since is not None:
        out["history_since"] = [settings.history_since.kind, settings.history_since.value]
    rationale = settings.rationale
    out["rationale"] = {
        "min_chars": rationale.min_chars,
        "max_chars": rationale.max_chars,
        "reject": None
        if rationale.reject is None
        else [_matcher_json(m) for m in rationale.reject],
        "also_reject": [_matcher_json(m) for m in rationale.also_reject],
    }
    sources = settings.sources
    out["sources"] = {
        "count": None if sources.count is None else sorted(s.value for s in sources.count),
        "heuristic_min_lines": sources.heuristic_min_lines,
    }
    return out


def _matcher_json(matcher: Matcher) -> list[object]:
    """[text, built-in]: ownit's own patterns match with ``re``, a file's with RE2."""
    return [matcher.text, matcher.is_builtin]


# -- from JSON ----------------------------------------------------------------------------------


def from_snapshot(data: object) -> Policy:
    """The policy ``data`` (from :func:`to_snapshot`) holds; ``SnapshotError`` if it holds
    anything else."""
    try:
        return _policy(data)
    except SnapshotError:
        raise
    except (GlobError, PatternError, TypeError, ValueError, KeyError) as error:
        raise SnapshotError(f"not a policy snapshot: {error}") from None


def _policy(data: object) -> Policy:
    top = _dict(data)
    if top.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError("not a policy snapshot of this format")
    rules = tuple(
        Rule(
            name=_of(item["name"], str),
            paths=tuple(Glob.compile(_of(p, str)) for p in _list(item["paths"])),
            settings=_settings(item["settings"]),
            description=_of(item["description"], str),
            line=_of(item["line"], int),
        )
        for item in map(_dict, _list(top["rules"]))
    )
    patterns = tuple(_pattern(item) for item in _list(top["ai_commit_patterns"]))
    return Policy(
        version=_of(top["version"], int),
        defaults=_settings(top["defaults"]),
        rules=rules,
        exclude=tuple(Glob.compile(_of(p, str)) for p in _list(top["exclude"])),
        exclude_linguist=_of(top["exclude_linguist"], bool),
        ai_commit_patterns=patterns,
        handles=tuple(
            (_of(key, str), tuple(_of(m, str) for m in _list(members)))
            for key, members in (_pair(item) for item in _list(top["handles"]))
        ),
        purposes=tuple(_of(p, str) for p in _list(top["purposes"])),
        source=_of(top["source"], str),
        allowed_signers=_of(top["allowed_signers"], str),
    )


def _settings(data: object) -> Settings:
    block = _dict(data)
    values: dict[str, object] = {}
    for key in _CHOICES:
        if key in block:
            values[key] = CHOICES[key](_of(block[key], str))
    for key in _FLAGS:
        if key in block:
            values[key] = _of(block[key], bool)
    for key in _LISTS:
        if key in block:
            values[key] = tuple(_of(item, str) for item in _list(block[key]))
    if "purpose" in block:
        values["purpose"] = _of(block["purpose"], str)
    if "history_since" in block:
        kind, value = _pair(block["history_since"])
        if kind not in ("all", "date", "revision"):
            raise SnapshotError(f"history_since kind {kind!r}")
        values["history_since"] = HistorySince(kind, _of(value, str))
    rationale = _dict(block["rationale"])
    reject = rationale["reject"]
    values["rationale"] = RationaleSettings(
        min_chars=_optional(rationale["min_chars"], int),
        max_chars=_optional(rationale["max_chars"], int),
        reject=None if reject is None else _matchers(reject),
        also_reject=_matchers(rationale["also_reject"]),
    )
    sources = _dict(block["sources"])
    count = sources["count"]
    values["sources"] = SourceSettings(
        count=None if count is None else frozenset(Source(_of(s, str)) for s in _list(count)),
        heuristic_min_lines=_optional(sources["heuristic_min_lines"], int),
    )
    return Settings(**values)  # type: ignore[arg-type]


def _pattern(data: object) -> AiCommitPattern:
    name, field, match, trailer, tool, read, evidence = _list(data)
    field_name = _of(field, str)
    if field_name not in AI_COMMIT_FIELDS or evidence not in AI_EVIDENCE:
        raise SnapshotError(f"ai_commit_patterns entry {name!r}")
    return AiCommitPattern(
        name=_of(name, str),
        field=AI_COMMIT_FIELDS[AI_COMMIT_FIELDS.index(field_name)],
        match=_matcher(match),
        trailer=_optional(trailer, str),
        tool=_optional(tool, str),
        read=_optional(read, str),
        evidence=_of(evidence, str),
    )


def _matchers(data: object) -> tuple[Matcher, ...]:
    return tuple(_matcher(item) for item in _list(data))


def _matcher(data: object) -> Matcher:
    text, builtin = _pair(data)
    if not _of(builtin, bool):
        return checked_matcher(_of(text, str))
    if is_regex_literal(_of(text, str)) and text not in _builtin_regexes():
        raise SnapshotError(f"{text} is not one of ownit's own patterns")
    return builtin_matcher(text)


_builtin: list[frozenset[str]] = []


def _builtin_regexes() -> frozenset[str]:
    if not _builtin:
        from ownit.core.policy.defaults import builtin_regexes

        _builtin.append(builtin_regexes())
    return _builtin[0]


def _of(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SnapshotError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def _optional(value: object, kind: type[T]) -> T | None:
    return None if value is None else _of(value, kind)


def _dict(value: object) -> dict[str, Any]:
    return _of(value, dict)


def _list(value: object) -> list[Any]:
    return _of(value, list)


def _pair(value: object) -> tuple[Any, Any]:
    items = _list(value)
    if len(items) != 2:
        raise SnapshotError("expected a pair")
    return items[0], items[1]
