"""Reading the per-path keys of `.ownit.yaml` (``defaults:`` and a rule's keys) and the
``handles:`` table, checked against the schema: every problem recorded, none silent."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from yaml.nodes import Node

from ownit.core.model import Source
from ownit.core.policy.approval import model_pattern_problem, tool_pattern_problem
from ownit.core.policy.keys import (
    ALL_HISTORY,
    CHOICES,
    RATIONALE_KEYS,
    SOURCE_KEYS,
    HistorySince,
    RationaleSettings,
    Settings,
    SourceSettings,
)
from ownit.core.policy.patterns import Matcher
from ownit.core.policy.yaml_reader import YAML_TAG, Reader, describe, suggest

MAX_RATIONALE_CHARS = 2000

_EMAIL = re.compile(r"^[^@\s<>,]+@[^@\s<>,]+\.[^@\s<>,]+$")
_DOMAIN = re.compile(r"^\*@[^@\s<>,*]+\.[^@\s<>,*]+$")
_HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:/[A-Za-z0-9._-]+)?$")
_REVISION = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/@{}^~-]{0,254}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def settings_from(
    reader: Reader, keys: dict[str, tuple[Node, Node]], where: str, handles: set[str]
) -> Settings:
    values: dict[str, object] = {}
    for key, kind in CHOICES.items():
        if key in keys:
            choice = reader.choice(keys[key][1], f"{where}.{key}", tuple(kind))
            values[key] = kind(choice) if choice else None
    for key in ("require_ownership", "codeowner", "second_owner"):
        if key in keys:
            values[key] = reader.boolean(keys[key][1], f"{where}.{key}")
    if "owners" in keys:
        values["owners"] = _read_owners(reader, keys["owners"][1], f"{where}.owners", handles)
    if "history_since" in keys:
        values["history_since"] = _read_history(reader, keys["history_since"][1], where)
    for key, problem_of in (("tools", tool_pattern_problem), ("models", model_pattern_problem)):
        if key in keys:
            values[key] = _read_approved(reader, keys[key][1], f"{where}.{key}", problem_of)
    if "purpose" in keys:
        text = reader.text(keys["purpose"][1], f"{where}.purpose", "a sentence")
        if text is not None:
            from ownit.core.claims import normalize_rationale

            text = normalize_rationale(text)
            if len(text) > MAX_PURPOSE_TEXT:
                reader.add(
                    keys["purpose"][1],
                    f"{where}.purpose: {len(text)} characters; at most {MAX_PURPOSE_TEXT}",
                )
                text = None
        values["purpose"] = text
    rationale = RationaleSettings()
    if "rationale" in keys:
        rationale = _read_rationale(reader, keys["rationale"][1], f"{where}.rationale")
    sources = SourceSettings()
    if "sources" in keys:
        sources = _read_sources(reader, keys["sources"][1], f"{where}.sources")
    return Settings(rationale=rationale, sources=sources, **values)  # type: ignore[arg-type]


MAX_PURPOSE_TEXT = 300


def _read_approved(
    reader: Reader, node: Node, where: str, problem_of: Callable[[str], str | None]
) -> tuple[str, ...] | None:
    """A ``tools`` or ``models`` list: globs, compared ignoring case (kept as written)."""
    items = reader.texts(node, where, "names or globs")
    if items is None:
        return None
    found: list[str] = []
    ok = True
    for index, (value, item) in enumerate(items):
        problem = problem_of(value.strip())
        if problem is not None:
            reader.add(item, f"{where}[{index}]: {problem}, found {value!r}")
            ok = False
            continue
        found.append(value.strip().casefold())
    return tuple(dict.fromkeys(found)) if ok else None


def read_purposes(reader: Reader, node: Node) -> tuple[str, ...]:
    from ownit.core.claims import normalize_rationale
    from ownit.core.policy.purpose import MAX_PURPOSE

    found: list[str] = []
    for index, (value, item) in enumerate(
        reader.texts(node, "purposes", "purpose tags (tests, refactor, feature, …)") or ()
    ):
        tag = normalize_rationale(value)
        if not tag or len(tag) > MAX_PURPOSE:
            reader.add(item, f"purposes[{index}]: expected a tag of 1 to {MAX_PURPOSE} characters")
            continue
        if any(tag.casefold() == other.casefold() for other in found):
            reader.add(item, f"purposes[{index}]: {tag!r} is listed twice")
            continue
        found.append(tag)
    return tuple(found)


def _read_owners(
    reader: Reader, node: Node, where: str, handles: set[str]
) -> tuple[str, ...] | None:
    items = reader.texts(node, where, "emails or @handles")
    if items is None:
        return None
    owners = []
    ok = True
    for index, (value, item) in enumerate(items):
        if value.startswith("@"):
            if not _HANDLE.match(value):
                reader.add(
                    item,
                    f"{where}[{index}]: expected an @user or @org/team handle, found {value!r}",
                )
                ok = False
            elif value.casefold() not in handles:
                reader.add(
                    item,
                    f"{where}[{index}]: handle {value} is not defined: list its members' emails "
                    f"under 'handles:' (ownit cannot ask GitHub who is in a team)"
                    + suggest(value, sorted(handles)),
                )
                ok = False
        elif not (_EMAIL.match(value) or _DOMAIN.match(value)):
            reader.add(
                item,
                f"{where}[{index}]: expected an email (dev@example.com), a domain (*@example.com) "
                f"or an @handle, found {value!r}",
            )
            ok = False
        owners.append(value)
    return tuple(owners) if ok else None


def _read_history(reader: Reader, node: Node, where: str) -> HistorySince | None:
    where = f"{where}.history_since"
    expected = "a date (YYYY-MM-DD), a commit or tag, or 'all'"
    scalar = reader.scalar(node, where, expected)
    if scalar is None:
        return None
    if scalar.tag == f"{YAML_TAG}null":
        return ALL_HISTORY
    value = str(scalar.value).strip()
    if value == "all":
        return ALL_HISTORY
    if _ISO_DATE.match(value):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            reader.add(node, f"{where}: {value!r} is not a real date; expected {expected}")
            return None
        return HistorySince("date", value)
    if scalar.tag == f"{YAML_TAG}timestamp":
        reader.add(node, f"{where}: expected a date without a time (YYYY-MM-DD), found {value!r}")
        return None
    if _REVISION.match(value) and ".." not in value and not value.endswith((".lock", "/", ".")):
        return HistorySince("revision", value)
    reader.add(node, f"{where}: expected {expected}, found {describe(node)}")
    return None


def _read_rationale(reader: Reader, node: Node, where: str) -> RationaleSettings:
    keys = reader.mapping(node, where, RATIONALE_KEYS)
    if keys is None:
        return RationaleSettings()
    min_chars = max_chars = None
    if "min_chars" in keys:
        min_chars = reader.integer(
            keys["min_chars"][1], f"{where}.min_chars", 0, MAX_RATIONALE_CHARS
        )
    if "max_chars" in keys:
        max_chars = reader.integer(
            keys["max_chars"][1], f"{where}.max_chars", 1, MAX_RATIONALE_CHARS
        )
    lists: dict[str, tuple[Matcher, ...] | None] = {}
    for key in ("reject", "also_reject"):
        if key not in keys:
            continue
        items = reader.texts(keys[key][1], f"{where}.{key}", "phrases or /regex/ patterns")
        if items is None:
            lists[key] = None
            continue
        matchers = []
        for index, (value, item) in enumerate(items):
            matcher = reader.matcher(item, f"{where}.{key}[{index}]", value)
            if matcher is not None:
                matchers.append(matcher)
        lists[key] = tuple(matchers)
    return RationaleSettings(
        min_chars=min_chars,
        max_chars=max_chars,
        reject=lists.get("reject"),
        also_reject=lists.get("also_reject") or (),
    )


def _read_sources(reader: Reader, node: Node, where: str) -> SourceSettings:
    keys = reader.mapping(node, where, SOURCE_KEYS)
    if keys is None:
        return SourceSettings()
    count = None
    if "count" in keys:
        items = reader.texts(keys["count"][1], f"{where}.count", "detection sources")
        if items is not None:
            names = tuple(source.value for source in Source)
            found = set()
            for index, (value, item) in enumerate(items):
                if value in names:
                    found.add(Source(value))
                else:
                    reader.add(
                        item,
                        f"{where}.count[{index}]: unknown source {value!r}"
                        f"{suggest(value, names)} (expected one of: {', '.join(names)})",
                    )
            count = frozenset(found)
    minimum = None
    if "heuristic_min_lines" in keys:
        minimum = reader.integer(
            keys["heuristic_min_lines"][1], f"{where}.heuristic_min_lines", 1, 100_000
        )
    return SourceSettings(count=count, heuristic_min_lines=minimum)


def check_lengths(
    reader: Reader,
    merged: Settings,
    own: Settings,
    keys: dict[str, tuple[Node, Node]],
    where: str,
) -> None:
    low, high = merged.rationale.min_chars, merged.rationale.max_chars
    if low is None or high is None or low <= high:
        return
    if own.rationale.min_chars is None and own.rationale.max_chars is None:
        return
    node = keys["rationale"][1] if "rationale" in keys else None
    reader.add(
        node,
        f"{where}.rationale: min_chars ({low}) is greater than max_chars ({high}); "
        "no rationale could be accepted",
    )


def read_handles(reader: Reader, node: Node) -> dict[str, tuple[str, ...]]:
    keys = reader.mapping(node, "handles", _AnyKeys())
    table: dict[str, tuple[str, ...]] = {}
    for key, (key_node, value_node) in (keys or {}).items():
        if not _HANDLE.match(key):
            reader.add(key_node, f"handles: expected an @user or @org/team handle, found {key!r}")
            continue
        items = reader.texts(value_node, f"handles.{key}", "emails")
        members = []
        for index, (value, item) in enumerate(items or []):
            if not _EMAIL.match(value):
                reader.add(item, f"handles.{key}[{index}]: expected an email, found {value!r}")
                continue
            members.append(value)
        table[key] = tuple(members)
    return table


class _AnyKeys(tuple[str, ...]):
    """An ``allowed`` argument that accepts every key (handles are user-defined)."""

    def __contains__(self, item: object) -> bool:
        return True
