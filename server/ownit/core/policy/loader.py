"""Loading `.ownit.yaml`: safe YAML, every problem with file:line:column, nothing silent.

The text is parsed with PyYAML's ``SafeLoader`` (what ``yaml.safe_load`` uses), but as a node
tree (``yaml.compose``) so that every value keeps its line and column. Before composing, the
event stream is scanned with hard limits, so hostile files fail fast with a clear message:

- ``MAX_FILE_BYTES`` of text, ``MAX_DEPTH`` levels of nesting, ``MAX_EVENTS`` YAML events;
- ``MAX_ALIASES`` aliases, and ``MAX_VISITS`` values visited while reading (an alias is
  visited each time it is used, so "billion laughs" anchors hit the limit, not memory);
- explicit tags (``!!python/object:…``, ``!custom``, ``!!binary``, ``!!set``) are refused:
  only plain YAML values (text, numbers, booleans, null, dates, lists, mappings) are read;
- merge keys (``<<``) and duplicate keys are errors.

Then the tree is checked against the schema: unknown keys (with "did you mean"), wrong
types, out-of-range numbers, bad globs and regexes RE2 refuses are reported, all of
them, not just the first. YAML 1.1 reads ``off``/``yes``/``no`` as booleans; where text is
expected, the value is taken as written (``severity: off`` means ``off``).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ownit.core.model import Evidence, Severity, Source
from ownit.core.policy.approval import AiUse, model_pattern_problem, tool_pattern_problem
from ownit.core.policy.defaults import (
    DEFAULT_AI_COMMIT_PATTERNS,
    DEFAULT_EXCLUDE,
    DEFAULT_SETTINGS,
)
from ownit.core.policy.globs import Glob, GlobError
from ownit.core.policy.model import (
    AI_COMMIT_FIELDS,
    AI_EVIDENCE,
    ALL_HISTORY,
    CORROBORATED,
    DEFAULT_ALLOWED_SIGNERS,
    RATIONALE_KEYS,
    SETTING_KEYS,
    SOURCE_KEYS,
    AiCommitPattern,
    CommitGate,
    HistorySince,
    Policy,
    RationaleSettings,
    Rule,
    Settings,
    SignatureMode,
    SourceSettings,
    StaleMode,
    handles_table,
    merge_settings,
)
from ownit.core.policy.patterns import Matcher, PatternError, compile_matcher
from ownit.core.policy.problems import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_RULES,
    PolicyError,
    PolicyProblem,
)
from ownit.core.policy.tool_model import READERS

MAX_EVENTS = 50_000
MAX_ALIASES = 50
MAX_VISITS = 50_000
MAX_LIST_ITEMS = 1000
MAX_RATIONALE_CHARS = 2000
SUPPORTED_VERSIONS = (1,)

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
AI_PATTERN_KEYS = ("name", "tool", "match", "read", "evidence", *AI_COMMIT_FIELDS)

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_EMAIL = re.compile(r"^[^@\s<>,]+@[^@\s<>,]+\.[^@\s<>,]+$")
_DOMAIN = re.compile(r"^\*@[^@\s<>,*]+\.[^@\s<>,*]+$")
_HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:/[A-Za-z0-9._-]+)?$")
_REVISION = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/@{}^~-]{0,254}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOOL = re.compile(r"^[a-z0-9][a-z0-9._-]*(?::[A-Za-z0-9._/-]+)?$")


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _Abort(Exception):
    """Stop reading: a hard limit was hit (the problem is already recorded)."""


def _describe(node: Node) -> str:
    """What was found, for messages: ``the text 'warn'``, ``a list``, ``an empty value``."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag
    value = node.value
    if tag == f"{_YAML}null":
        return "an empty value" if value in ("", "~") else f"null ({value!r})"
    if tag == f"{_YAML}bool":
        return f"the boolean {value!r}"
    if tag in (f"{_YAML}int", f"{_YAML}float"):
        return f"the number {value}"
    if tag == f"{_YAML}timestamp":
        return f"the date {value}"
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"the text {shown!r}"


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


_MISPLACED = {
    **{key: "rationale" for key in RATIONALE_KEYS},
    **{key: "sources" for key in SOURCE_KEYS},
}


class _Reader:
    def __init__(self, filename: str) -> None:
        self.file = filename
        self.problems: list[PolicyProblem] = []
        self.visits = 0

    # -- problems --

    def add(self, node: Node | None, message: str) -> None:
        if node is None:
            self.problems.append(PolicyProblem(self.file, 1, 1, message))
            return
        start, end = node.start_mark, node.end_mark
        self.problems.append(
            PolicyProblem(
                self.file,
                start.line + 1,
                start.column + 1,
                message,
                end.line + 1,
                end.column + 1,
            )
        )

    def visit(self, node: Node) -> None:
        self.visits += 1
        if self.visits > MAX_VISITS:
            self.add(
                node,
                f"too many values (more than {MAX_VISITS} after expanding aliases): "
                "refusing to read further; a policy file needs far fewer (anchor bomb?)",
            )
            raise _Abort

    # -- shapes --

    def tag_ok(self, node: Node, where: str) -> bool:
        if isinstance(node, MappingNode):
            ok = node.tag == f"{_YAML}map"
        elif isinstance(node, SequenceNode):
            ok = node.tag == f"{_YAML}seq"
        else:
            ok = node.tag in _SCALAR_TAGS
        if not ok:
            shown = node.tag.replace(_YAML, "!!") if node.tag.startswith(_YAML) else node.tag
            self.add(
                node,
                f"{where}: YAML tag '{shown}' is not allowed — a policy holds only plain values "
                "(text, numbers, booleans, lists, mappings); tags are refused by safe loading",
            )
        return ok

    def mapping(
        self, node: Node, where: str, allowed: tuple[str, ...]
    ) -> dict[str, tuple[Node, Node]] | None:
        self.visit(node)
        if not self.tag_ok(node, where):
            return None
        if not isinstance(node, MappingNode):
            self.add(
                node, f"{where}: expected a mapping (key: value lines), found {_describe(node)}"
            )
            return None
        result: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            self.visit(key_node)
            if key_node.tag == f"{_YAML}merge":
                self.add(
                    key_node, f"{where}: merge keys ('<<') are not supported; write the keys out"
                )
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.add(key_node, f"{where}: expected a key name, found {_describe(key_node)}")
                continue
            key = str(key_node.value)
            if key in result:
                first = result[key][0].start_mark
                self.add(
                    key_node,
                    f"{where}: duplicate key '{key}' (first given at line {first.line + 1}, "
                    f"column {first.column + 1})",
                )
                continue
            if key not in allowed:
                hint = _suggest(key, allowed)
                if not hint and key in _MISPLACED and _MISPLACED[key] in allowed:
                    hint = f" — '{key}' belongs under '{_MISPLACED[key]}:'"
                if not hint and key in TOP_LEVEL_KEYS and where != "the policy":
                    hint = f" — '{key}' is a top-level key"
                if not hint and key in SETTING_KEYS and "rules" in allowed:
                    hint = f" — '{key}' belongs under 'defaults:' or in a rule"
                self.add(
                    key_node,
                    f"{where}: unknown key '{key}'{hint} (expected one of: {', '.join(allowed)})",
                )
                continue
            result[key] = (key_node, value_node)
        return result

    def sequence(self, node: Node, where: str, limit: int = MAX_LIST_ITEMS) -> list[Node] | None:
        self.visit(node)
        if not self.tag_ok(node, where):
            return None
        if not isinstance(node, SequenceNode):
            self.add(node, f"{where}: expected a list, found {_describe(node)}")
            return None
        if len(node.value) > limit:
            self.add(node, f"{where}: {len(node.value)} items; at most {limit} are allowed")
            return None
        for item in node.value:
            self.visit(item)
        return list(node.value)

    def scalar(self, node: Node, where: str, expected: str) -> ScalarNode | None:
        if not self.tag_ok(node, where):
            return None
        if not isinstance(node, ScalarNode):
            self.add(node, f"{where}: expected {expected}, found {_describe(node)}")
            return None
        return node

    # -- values --

    def boolean(self, node: Node, where: str) -> bool | None:
        scalar = self.scalar(node, where, "true or false")
        if scalar is None:
            return None
        if scalar.tag != f"{_YAML}bool":
            self.add(node, f"{where}: expected true or false, found {_describe(node)}")
            return None
        return bool(yaml.SafeLoader.bool_values[scalar.value.lower()])

    def integer(self, node: Node, where: str, low: int, high: int) -> int | None:
        scalar = self.scalar(node, where, f"a whole number from {low} to {high}")
        if scalar is None:
            return None
        if scalar.tag != f"{_YAML}int":
            self.add(
                node,
                f"{where}: expected a whole number from {low} to {high}, found {_describe(node)}",
            )
            return None
        value = _CONSTRUCTOR.construct_yaml_int(scalar)
        if not low <= value <= high:
            self.add(node, f"{where}: expected a whole number from {low} to {high}, found {value}")
            return None
        return int(value)

    def text(self, node: Node, where: str, expected: str = "text") -> str | None:
        """Any plain scalar, taken as written (YAML 1.1 would make ``off`` a boolean)."""
        scalar = self.scalar(node, where, expected)
        if scalar is None:
            return None
        if scalar.tag == f"{_YAML}null":
            self.add(node, f"{where}: expected {expected}, found an empty value")
            return None
        return str(scalar.value)

    def choice(self, node: Node, where: str, choices: tuple[str, ...]) -> str | None:
        expected = "one of " + ", ".join(choices)
        value = self.text(node, where, expected)
        if value is None:
            return None
        if value not in choices:
            hint = _suggest(value.lower(), choices)
            self.add(node, f"{where}: expected {expected}, found {_describe(node)}{hint}")
            return None
        return value

    def texts(self, node: Node, where: str, expected: str) -> list[tuple[str, Node]] | None:
        if isinstance(node, ScalarNode) and node.tag != f"{_YAML}null" and self.tag_ok(node, where):
            self.add(
                node,
                f"{where}: expected a list of {expected}, found {_describe(node)} "
                f"(write it as a list: [{node.value}] or '- {node.value}' lines)",
            )
            return None
        items = self.sequence(node, where)
        if items is None:
            return None
        found = []
        for index, item in enumerate(items):
            value = self.text(item, f"{where}[{index}]", expected)
            if value is not None:
                found.append((value, item))
        return found

    def matcher(self, node: Node, where: str, value: str) -> Matcher | None:
        try:
            return compile_matcher(value)
        except PatternError as error:
            self.add(node, f"{where}: {error}")
            return None

    def glob(self, node: Node, where: str, value: str) -> Glob | None:
        try:
            return Glob.compile(value)
        except GlobError as error:
            self.add(node, f"{where}: bad path glob: {error}")
            return None


# --- schema --------------------------------------------------------------------------------


def _settings_from(
    reader: _Reader, keys: dict[str, tuple[Node, Node]], where: str, handles: set[str]
) -> Settings:
    values: dict[str, object] = {}
    if "severity" in keys:
        choice = reader.choice(keys["severity"][1], f"{where}.severity", tuple(Severity))
        values["severity"] = Severity(choice) if choice else None
    for key in ("require_ownership", "codeowner", "second_owner"):
        if key in keys:
            values[key] = reader.boolean(keys[key][1], f"{where}.{key}")
    if "stale" in keys:
        choice = reader.choice(keys["stale"][1], f"{where}.stale", tuple(StaleMode))
        values["stale"] = StaleMode(choice) if choice else None
    if "commit" in keys:
        choice = reader.choice(keys["commit"][1], f"{where}.commit", tuple(CommitGate))
        values["commit"] = CommitGate(choice) if choice else None
    if "signatures" in keys:
        choice = reader.choice(keys["signatures"][1], f"{where}.signatures", tuple(SignatureMode))
        values["signatures"] = SignatureMode(choice) if choice else None
    if "owners" in keys:
        values["owners"] = _read_owners(reader, keys["owners"][1], f"{where}.owners", handles)
    if "history_since" in keys:
        values["history_since"] = _read_history(reader, keys["history_since"][1], where)
    if "min_evidence" in keys:
        choice = reader.choice(keys["min_evidence"][1], f"{where}.min_evidence", tuple(Evidence))
        values["min_evidence"] = Evidence(choice) if choice else None
    if "ai" in keys:
        choice = reader.choice(keys["ai"][1], f"{where}.ai", tuple(AiUse))
        values["ai"] = AiUse(choice) if choice else None
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
    reader: _Reader, node: Node, where: str, problem_of: Callable[[str], str | None]
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


def _read_purposes(reader: _Reader, node: Node) -> tuple[str, ...]:
    from ownit.core.claims import normalize_rationale
    from ownit.core.policy.model import MAX_PURPOSE

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
    reader: _Reader, node: Node, where: str, handles: set[str]
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
                    + _suggest(value, sorted(handles)),
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


def _read_history(reader: _Reader, node: Node, where: str) -> HistorySince | None:
    where = f"{where}.history_since"
    expected = "a date (YYYY-MM-DD), a commit or tag, or 'all'"
    scalar = reader.scalar(node, where, expected)
    if scalar is None:
        return None
    if scalar.tag == f"{_YAML}null":
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
    if scalar.tag == f"{_YAML}timestamp":
        reader.add(node, f"{where}: expected a date without a time (YYYY-MM-DD), found {value!r}")
        return None
    if _REVISION.match(value) and ".." not in value and not value.endswith((".lock", "/", ".")):
        return HistorySince("revision", value)
    reader.add(node, f"{where}: expected {expected}, found {_describe(node)}")
    return None


def _read_rationale(reader: _Reader, node: Node, where: str) -> RationaleSettings:
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


def _read_sources(reader: _Reader, node: Node, where: str) -> SourceSettings:
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
                        f"{_suggest(value, names)} (expected one of: {', '.join(names)})",
                    )
            count = frozenset(found)
    minimum = None
    if "heuristic_min_lines" in keys:
        minimum = reader.integer(
            keys["heuristic_min_lines"][1], f"{where}.heuristic_min_lines", 1, 100_000
        )
    return SourceSettings(count=count, heuristic_min_lines=minimum)


def _read_rules(
    reader: _Reader, node: Node, defaults: Settings, handles: set[str]
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
            if isinstance(paths_node, ScalarNode) and paths_node.tag == f"{_YAML}str":
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
        settings = _settings_from(reader, setting_keys, where, handles)
        _check_lengths(reader, merge_settings(defaults, settings), settings, setting_keys, where)
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


def _check_lengths(
    reader: _Reader,
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


def _read_ai_patterns(
    reader: _Reader, node: Node, key: str = "ai_commit_patterns"
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


def _ai_patterns_in_force(
    reader: _Reader, keys: dict[str, tuple[Node, Node]]
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
                    f"{_suggest(value, names)} (ownit policy explain lists them)",
                )
                continue
            off.add(value)
        patterns = [p for p in patterns if p.name not in off]
    return tuple(patterns)


def _read_repo_path(reader: _Reader, node: Node, where: str, default: str) -> str:
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


def _read_handles(reader: _Reader, node: Node) -> dict[str, tuple[str, ...]]:
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


# --- entry points ----------------------------------------------------------------------------


def _prescan(reader: _Reader, text: str) -> None:
    """Walk the YAML events with hard limits before building any tree."""
    depth = 0
    aliases = 0
    for count, event in enumerate(yaml.parse(text, Loader=yaml.SafeLoader), start=1):
        message = None
        if count > MAX_EVENTS:
            message = f"too many YAML values (more than {MAX_EVENTS}); a policy needs far fewer"
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nested {depth} levels deep; at most {MAX_DEPTH} are allowed"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                message = f"more than {MAX_ALIASES} aliases (*name); refusing (anchor bomb?)"
        if message is not None:
            mark = event.start_mark
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            reader.problems.append(PolicyProblem(reader.file, line, column, message))
            raise _Abort


def _yaml_problem(filename: str, error: yaml.YAMLError, text: str) -> PolicyProblem:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return PolicyProblem(filename, line, column, f"not valid YAML: {message}")
    if isinstance(error, yaml.reader.ReaderError):
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        return PolicyProblem(
            filename,
            line,
            column,
            f"not valid YAML: character {error.character!r} is not allowed ({error.reason})",
        )
    return PolicyProblem(filename, 1, 1, f"not valid YAML: {error}")


def load_policy(text: str, filename: str = ".ownit.yaml") -> Policy:
    """The policy in ``text`` (read from ``filename``, which messages name).

    Raises ``PolicyError`` with every problem found. Keys the file does not set take the
    built-in defaults (``default_policy()``).
    """
    reader = _Reader(filename)
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
        _prescan(reader, text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except _Abort:
        raise PolicyError(reader.problems) from None
    except yaml.YAMLError as error:
        raise PolicyError([_yaml_problem(filename, error, text)]) from None
    except RecursionError:
        raise PolicyError([PolicyProblem(filename, 1, 1, "nested too deeply to read")]) from None
    try:
        policy = _read_policy(reader, root)
    except _Abort:
        raise PolicyError(reader.problems) from None
    if reader.problems or policy is None:
        raise PolicyError(reader.problems)
    return policy.with_source(filename)


def _read_policy(reader: _Reader, root: Node | None) -> Policy | None:
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
        handles = _read_handles(reader, keys["handles"][1])
    known_handles = {key.casefold() for key in handles}
    defaults = DEFAULT_SETTINGS
    if "defaults" in keys:
        defaults_keys = reader.mapping(keys["defaults"][1], "defaults", SETTING_KEYS) or {}
        given = _settings_from(reader, defaults_keys, "defaults", known_handles)
        defaults = merge_settings(DEFAULT_SETTINGS, given)
        _check_lengths(reader, defaults, given, defaults_keys, "defaults")
    rules: tuple[Rule, ...] = ()
    if "rules" in keys:
        rules = _read_rules(reader, keys["rules"][1], defaults, known_handles)
    exclude = tuple(Glob.compile(pattern) for pattern in DEFAULT_EXCLUDE)
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
    patterns = _ai_patterns_in_force(reader, keys)
    purposes: tuple[str, ...] = ()
    if "purposes" in keys:
        purposes = _read_purposes(reader, keys["purposes"][1])
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
