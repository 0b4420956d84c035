"""Reading ``ai_commit_patterns``, ``also_ai_commit_patterns`` and
``disable_ai_commit_patterns``: the patterns in force, each checked (docs/policy.md)."""

from __future__ import annotations

import re

from yaml.nodes import Node, ScalarNode

from ownit.core.policy.ai_commits import AI_EVIDENCE, CORROBORATED, AiCommitPattern
from ownit.core.policy.builtin_patterns import DEFAULT_AI_COMMIT_PATTERNS
from ownit.core.policy.keys import AI_COMMIT_FIELDS, AI_PATTERN_KEYS
from ownit.core.policy.tool_model import READERS
from ownit.core.policy.yaml_reader import Reader, suggest

_TOOL = re.compile(r"^[a-z0-9][a-z0-9._-]*(?::[A-Za-z0-9._/-]+)?$")


def _read_ai_patterns(
    reader: Reader, node: Node, key: str = "ai_commit_patterns"
) -> list[tuple[AiCommitPattern, Node]] | None:
    """The patterns of ``key`` (``ai_commit_patterns`` or ``also_ai_commit_patterns``),
    each with its node (for messages about it)."""
    items = reader.sequence(node, key)
    if items is None:
        return None
    patterns: list[tuple[AiCommitPattern, Node]] = []
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if isinstance(item, ScalarNode):
            value = reader.text(item, where, "a /regex/ or phrase, or a mapping")
            if value is None:
                continue
            matcher = reader.matcher(item, where, value)
            if matcher is not None:
                patterns.append((AiCommitPattern(name=value, field="message", match=matcher), item))
            continue
        keys = reader.mapping(item, where, AI_PATTERN_KEYS)
        if keys is None:
            continue
        fields = [key for key in AI_COMMIT_FIELDS if key in keys]
        if len(fields) != 1:
            reader.add(
                item,
                f"{where}: expected exactly one of {', '.join(AI_COMMIT_FIELDS)}, found "
                + (", ".join(fields) if fields else "none"),
            )
            continue
        field_name = fields[0]
        trailer = None
        if field_name == "trailer":
            trailer = reader.text(keys["trailer"][1], f"{where}.trailer", "a trailer name")
            if trailer is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", trailer):
                reader.add(
                    keys["trailer"][1],
                    f"{where}.trailer: expected a trailer name such as Co-authored-by, found "
                    f"{trailer!r}",
                )
                continue
            if "match" not in keys:
                reader.add(
                    item,
                    f"{where}: a 'trailer' pattern needs 'match' (a phrase or /regex/ the "
                    "trailer's value must contain)",
                )
                continue
            match_node = keys["match"][1]
        else:
            if "match" in keys:
                reader.add(
                    keys["match"][0],
                    f"{where}: 'match' goes with 'trailer' only; put the pattern in "
                    f"'{field_name}:' directly",
                )
                continue
            match_node = keys[field_name][1]
        value = reader.text(match_node, f"{where}.{'match' if trailer else field_name}")
        matcher = reader.matcher(match_node, where, value) if value is not None else None
        tool = None
        if "tool" in keys:
            tool = reader.text(keys["tool"][1], f"{where}.tool", "a tool name")
            if tool is not None and not _TOOL.match(tool):
                reader.add(
                    keys["tool"][1],
                    f"{where}.tool: expected a tool name such as copilot or claude-code, "
                    f"found {tool!r}",
                )
        name = None
        if "name" in keys:
            name = reader.text(keys["name"][1], f"{where}.name")
        read = None
        if "read" in keys:
            read = reader.choice(keys["read"][1], f"{where}.read", READERS)
        evidence: str | None = CORROBORATED
        if "evidence" in keys:
            evidence = reader.choice(keys["evidence"][1], f"{where}.evidence", AI_EVIDENCE)
        if matcher is None or evidence is None or (field_name == "trailer" and trailer is None):
            continue
        pattern = AiCommitPattern(
            name=name or f"{trailer or field_name} {value}",
            field=field_name,
            match=matcher,
            trailer=trailer,
            tool=tool,
            read=read,
            evidence=evidence,
        )
        patterns.append((pattern, item))
    return patterns


def ai_patterns_in_force(
    reader: Reader, keys: dict[str, tuple[Node, Node]]
) -> tuple[AiCommitPattern, ...]:
    """``ai_commit_patterns`` (or the built-in list), then ``also_ai_commit_patterns``
    (an entry named like one in force replaces it in place, any other is added at the
    end), then ``disable_ai_commit_patterns`` (names taken out)."""
    patterns = list(DEFAULT_AI_COMMIT_PATTERNS)
    if "ai_commit_patterns" in keys:
        read = _read_ai_patterns(reader, keys["ai_commit_patterns"][1])
        patterns = [pattern for pattern, _ in read or ()]
    if "also_ai_commit_patterns" in keys:
        added = _read_ai_patterns(
            reader, keys["also_ai_commit_patterns"][1], "also_ai_commit_patterns"
        )
        seen: dict[str, Node] = {}
        for pattern, item in added or ():
            if pattern.name in seen:
                first = seen[pattern.name].start_mark
                reader.add(
                    item,
                    f"also_ai_commit_patterns: another entry is named '{pattern.name}' (line "
                    f"{first.line + 1}); an entry replaces the pattern of its name, so names "
                    "must be unique here",
                )
                continue
            seen[pattern.name] = item
            names = [p.name for p in patterns]
            if pattern.name in names:
                patterns[names.index(pattern.name)] = pattern
            else:
                patterns.append(pattern)
    if "disable_ai_commit_patterns" in keys:
        where = "disable_ai_commit_patterns"
        names = [p.name for p in patterns]
        off = set()
        for index, (value, item) in enumerate(
            reader.texts(keys[where][1], where, "pattern names") or ()
        ):
            if value not in names:
                reader.add(
                    item,
                    f"{where}[{index}]: no pattern in force is named {value!r}"
                    f"{suggest(value, names)} (ownit policy explain lists them)",
                )
                continue
            off.add(value)
        patterns = [p for p in patterns if p.name not in off]
    return tuple(patterns)
