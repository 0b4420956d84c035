"""Loading `.ownit.yaml`: safe YAML, every problem with file:line:column, nothing silent.

``yaml_reader`` reads the text as a YAML node tree with hard limits (hostile files fail
fast with a clear message); ``read_settings`` and ``read_patterns`` check the keys against
the schema; this module reads the file's top level and its rules. Unknown keys (with "did
you mean"), wrong types, out-of-range numbers, bad globs and regexes RE2 refuses are
reported, all of them, not just the first.
"""

from __future__ import annotations

import yaml
from yaml.nodes import Node, ScalarNode

from ownit.core.policy.defaults import DEFAULT_SETTINGS, default_exclude
from ownit.core.policy.globs import Glob
from ownit.core.policy.keys import (
    AI_PATTERN_KEYS,
    DEFAULT_ALLOWED_SIGNERS,
    RULE_KEYS,
    SETTING_KEYS,
    TOP_LEVEL_KEYS,
    Rule,
    Settings,
    merge_settings,
)
from ownit.core.policy.model import Policy, handles_table
from ownit.core.policy.problems import MAX_FILE_BYTES, MAX_RULES, PolicyError, PolicyProblem
from ownit.core.policy.read_patterns import ai_patterns_in_force
from ownit.core.policy.read_settings import (
    check_lengths,
    read_handles,
    read_purposes,
    settings_from,
)
from ownit.core.policy.yaml_reader import YAML_TAG, Abort, Reader, compose, yaml_problem

__all__ = ["AI_PATTERN_KEYS", "RULE_KEYS", "TOP_LEVEL_KEYS", "load_policy"]

SUPPORTED_VERSIONS = (1,)


def _read_rules(
    reader: Reader, node: Node, defaults: Settings, handles: set[str]
) -> tuple[Rule, ...]:
    items = reader.sequence(node, "rules", MAX_RULES)
    if items is None:
        return ()
    rules: list[Rule] = []
    names: dict[str, Node] = {}
    for index, item in enumerate(items):
        where = f"rules[{index}]"
        keys = reader.mapping(item, where, RULE_KEYS)
        if keys is None:
            continue
        name = f"rule {index + 1}"
        if "name" in keys:
            given = reader.text(keys["name"][1], f"{where}.name")
            if given is not None:
                name = given.strip()
                if name in names:
                    first = names[name].start_mark
                    reader.add(
                        keys["name"][1],
                        f"{where}: another rule has this name (line {first.line + 1}); "
                        "rule names must be unique so messages can name the rule",
                    )
                names[name] = keys["name"][1]
        description = ""
        if "description" in keys:
            description = reader.text(keys["description"][1], f"{where}.description") or ""
        globs: list[Glob] = []
        if "paths" not in keys:
            reader.add(
                item,
                f"{where}: missing key 'paths' — expected the globs this rule applies to, "
                "e.g. paths: ['src/auth/**']",
            )
        else:
            paths_node = keys["paths"][1]
            if isinstance(paths_node, ScalarNode) and paths_node.tag == f"{YAML_TAG}str":
                entries: list[tuple[str, Node]] | None = [(paths_node.value, paths_node)]
            else:
                entries = reader.texts(paths_node, f"{where}.paths", "path globs")
            if entries is not None and not entries:
                reader.add(paths_node, f"{where}.paths: expected at least one path glob")
            for position, (value, entry) in enumerate(entries or []):
                glob = reader.glob(entry, f"{where}.paths[{position}]", value)
                if glob is not None:
                    globs.append(glob)
        setting_keys = {key: keys[key] for key in SETTING_KEYS if key in keys}
        settings = settings_from(reader, setting_keys, where, handles)
        check_lengths(reader, merge_settings(defaults, settings), settings, setting_keys, where)
        rules.append(
            Rule(
                name=name,
                paths=tuple(globs),
                settings=settings,
                description=description,
                line=item.start_mark.line + 1,
            )
        )
    return tuple(rules)


def _read_repo_path(reader: Reader, node: Node, where: str, default: str) -> str:
    """A file of the repository: relative, ``/``-separated, inside it (no ``..``)."""
    value = reader.text(node, where, "a path in the repository")
    if value is None:
        return default
    parts = value.split("/")
    if (
        not value
        or value.startswith("/")
        or "\\" in value
        or any(part in ("", ".", "..") for part in parts)
        or any(ord(char) < 32 or ord(char) == 127 for char in value)
    ):
        reader.add(
            node,
            f"{where}: expected a file path relative to the repository's top, with / and no"
            f" '..', found {value!r} (e.g. {DEFAULT_ALLOWED_SIGNERS})",
        )
        return default
    return value


def load_policy(text: str, filename: str = ".ownit.yaml") -> Policy:
    """The policy in ``text`` (read from ``filename``, which messages name).

    Raises ``PolicyError`` with every problem found. Keys the file does not set take the
    built-in defaults (``default_policy()``).
    """
    reader = Reader(filename)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise PolicyError(
            [
                PolicyProblem(
                    filename,
                    1,
                    1,
                    f"file is {size} bytes; a policy file may be at most {MAX_FILE_BYTES} bytes",
                )
            ]
        )
    try:
        root = compose(reader, text)
    except Abort:
        raise PolicyError(reader.problems) from None
    except yaml.YAMLError as error:
        raise PolicyError([yaml_problem(filename, error, text)]) from None
    except RecursionError:
        raise PolicyError([PolicyProblem(filename, 1, 1, "nested too deeply to read")]) from None
    try:
        policy = _read_policy(reader, root)
    except Abort:
        raise PolicyError(reader.problems) from None
    if reader.problems or policy is None:
        raise PolicyError(reader.problems)
    return policy.with_source(filename)


def _read_policy(reader: Reader, root: Node | None) -> Policy | None:
    if root is None:
        reader.add(None, "the policy is empty: expected at least 'version: 1'")
        return None
    keys = reader.mapping(root, "the policy", TOP_LEVEL_KEYS)
    if keys is None:
        return None
    version = None
    if "version" not in keys:
        reader.add(root, "missing key 'version': expected 'version: 1' as the first line")
    else:
        version = reader.integer(keys["version"][1], "version", 0, 1_000_000)
        if version is not None and version not in SUPPORTED_VERSIONS:
            reader.add(
                keys["version"][1],
                f"version: this ownit reads policy version 1, found version {version}",
            )
            version = None
    handles: dict[str, tuple[str, ...]] = {}
    if "handles" in keys:
        handles = read_handles(reader, keys["handles"][1])
    known_handles = {key.casefold() for key in handles}
    defaults = DEFAULT_SETTINGS
    if "defaults" in keys:
        defaults_keys = reader.mapping(keys["defaults"][1], "defaults", SETTING_KEYS) or {}
        given = settings_from(reader, defaults_keys, "defaults", known_handles)
        defaults = merge_settings(DEFAULT_SETTINGS, given)
        check_lengths(reader, defaults, given, defaults_keys, "defaults")
    rules: tuple[Rule, ...] = ()
    if "rules" in keys:
        rules = _read_rules(reader, keys["rules"][1], defaults, known_handles)
    exclude = default_exclude()
    if "exclude" in keys:
        entries = reader.texts(keys["exclude"][1], "exclude", "path globs")
        globs = []
        for index, (value, entry) in enumerate(entries or []):
            glob = reader.glob(entry, f"exclude[{index}]", value)
            if glob is not None:
                globs.append(glob)
        exclude = tuple(globs)
    exclude_linguist = True
    if "exclude_linguist" in keys:
        exclude_linguist = bool(reader.boolean(keys["exclude_linguist"][1], "exclude_linguist"))
    allowed_signers = DEFAULT_ALLOWED_SIGNERS
    if "allowed_signers" in keys:
        allowed_signers = _read_repo_path(
            reader, keys["allowed_signers"][1], "allowed_signers", allowed_signers
        )
    patterns = ai_patterns_in_force(reader, keys)
    purposes: tuple[str, ...] = ()
    if "purposes" in keys:
        purposes = read_purposes(reader, keys["purposes"][1])
    if version is None:
        return None
    return Policy(
        version=version,
        defaults=defaults,
        rules=rules,
        exclude=exclude,
        exclude_linguist=exclude_linguist,
        ai_commit_patterns=patterns,
        handles=handles_table(handles),
        purposes=purposes,
        allowed_signers=allowed_signers,
    )
