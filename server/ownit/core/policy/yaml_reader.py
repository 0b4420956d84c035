"""Reading `.ownit.yaml` as YAML safely: every value with its line and column, hard limits
first, every problem recorded with file:line:column (docs/policy.md, "Safe loading").

The text is parsed with PyYAML's ``SafeLoader`` (what ``yaml.safe_load`` uses), but as a node
tree (``yaml.compose``) so that every value keeps its line and column. Before composing, the
event stream is scanned with hard limits (``prescan``), so hostile files fail fast with a
clear message:

- ``MAX_FILE_BYTES`` of text, ``MAX_DEPTH`` levels of nesting, ``MAX_EVENTS`` YAML events;
- ``MAX_ALIASES`` aliases, and ``MAX_VISITS`` values visited while reading (an alias is
  visited each time it is used, so "billion laughs" anchors hit the limit, not memory);
- explicit tags (``!!python/object:…``, ``!custom``, ``!!binary``, ``!!set``) are refused:
  only plain YAML values (text, numbers, booleans, null, dates, lists, mappings) are read;
- merge keys (``<<``) and duplicate keys are errors.

``Reader`` checks a node's shape and value and records what is wrong; it never stops at
the first problem. YAML 1.1 reads ``off``/``yes``/``no`` as booleans; where text is
expected, the value is taken as written (``severity: off`` means ``off``).
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ownit.core.policy.globs import Glob, GlobError
from ownit.core.policy.keys import RATIONALE_KEYS, SETTING_KEYS, SOURCE_KEYS, TOP_LEVEL_KEYS
from ownit.core.policy.patterns import Matcher, PatternError, compile_matcher
from ownit.core.policy.problems import MAX_DEPTH, PolicyProblem

MAX_EVENTS = 50_000
MAX_ALIASES = 50
MAX_VISITS = 50_000
MAX_LIST_ITEMS = 1000

YAML_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {f"{YAML_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}

_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class Abort(Exception):
    """Stop reading: a hard limit was hit (the problem is already recorded)."""


def describe(node: Node) -> str:
    """What was found, for messages: ``the text 'warn'``, ``a list``, ``an empty value``."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag
    value = node.value
    if tag == f"{YAML_TAG}null":
        return "an empty value" if value in ("", "~") else f"null ({value!r})"
    if tag == f"{YAML_TAG}bool":
        return f"the boolean {value!r}"
    if tag in (f"{YAML_TAG}int", f"{YAML_TAG}float"):
        return f"the number {value}"
    if tag == f"{YAML_TAG}timestamp":
        return f"the date {value}"
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"the text {shown!r}"


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


_MISPLACED = {
    **{key: "rationale" for key in RATIONALE_KEYS},
    **{key: "sources" for key in SOURCE_KEYS},
}


class Reader:
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
            raise Abort

    # -- shapes --

    def tag_ok(self, node: Node, where: str) -> bool:
        if isinstance(node, MappingNode):
            ok = node.tag == f"{YAML_TAG}map"
        elif isinstance(node, SequenceNode):
            ok = node.tag == f"{YAML_TAG}seq"
        else:
            ok = node.tag in SCALAR_TAGS
        if not ok:
            shown = node.tag.replace(YAML_TAG, "!!") if node.tag.startswith(YAML_TAG) else node.tag
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
                node, f"{where}: expected a mapping (key: value lines), found {describe(node)}"
            )
            return None
        result: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            self.visit(key_node)
            if key_node.tag == f"{YAML_TAG}merge":
                self.add(
                    key_node, f"{where}: merge keys ('<<') are not supported; write the keys out"
                )
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in SCALAR_TAGS:
                self.add(key_node, f"{where}: expected a key name, found {describe(key_node)}")
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
                hint = suggest(key, allowed)
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
            self.add(node, f"{where}: expected a list, found {describe(node)}")
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
            self.add(node, f"{where}: expected {expected}, found {describe(node)}")
            return None
        return node

    # -- values --

    def boolean(self, node: Node, where: str) -> bool | None:
        scalar = self.scalar(node, where, "true or false")
        if scalar is None:
            return None
        if scalar.tag != f"{YAML_TAG}bool":
            self.add(node, f"{where}: expected true or false, found {describe(node)}")
            return None
        return bool(yaml.SafeLoader.bool_values[scalar.value.lower()])

    def integer(self, node: Node, where: str, low: int, high: int) -> int | None:
        scalar = self.scalar(node, where, f"a whole number from {low} to {high}")
        if scalar is None:
            return None
        if scalar.tag != f"{YAML_TAG}int":
            self.add(
                node,
                f"{where}: expected a whole number from {low} to {high}, found {describe(node)}",
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
        if scalar.tag == f"{YAML_TAG}null":
            self.add(node, f"{where}: expected {expected}, found an empty value")
            return None
        return str(scalar.value)

    def choice(self, node: Node, where: str, choices: tuple[str, ...]) -> str | None:
        expected = "one of " + ", ".join(choices)
        value = self.text(node, where, expected)
        if value is None:
            return None
        if value not in choices:
            hint = suggest(value.lower(), choices)
            self.add(node, f"{where}: expected {expected}, found {describe(node)}{hint}")
            return None
        return value

    def texts(self, node: Node, where: str, expected: str) -> list[tuple[str, Node]] | None:
        if (
            isinstance(node, ScalarNode)
            and node.tag != f"{YAML_TAG}null"
            and self.tag_ok(node, where)
        ):
            self.add(
                node,
                f"{where}: expected a list of {expected}, found {describe(node)} "
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


def compose(reader: Reader, text: str) -> Node | None:
    """The text's node tree, after ``prescan``; ``Abort`` or ``yaml.YAMLError`` when it
    cannot be read.

    libyaml (PyYAML's ``CSafeLoader``, when PyYAML was built with it) parses about 15
    times faster than PyYAML's own parser and gives the same events, nodes, tags and
    marks. It is used only for text it reads without any problem and that holds no
    character PyYAML's reader refuses; anything else is read again by PyYAML's own
    ``SafeLoader``, so every message about a bad file is PyYAML's, as it always was.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            prescan(reader, text, fast)
            return yaml.compose(text, Loader=fast)
        except (Abort, yaml.YAMLError, UnicodeError, RecursionError):
            reader.problems.clear()
            reader.visits = 0
    prescan(reader, text)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def prescan(reader: Reader, text: str, loader: type = yaml.SafeLoader) -> None:
    """Walk the YAML events with hard limits before building any tree."""
    depth = 0
    aliases = 0
    for count, event in enumerate(yaml.parse(text, Loader=loader), start=1):
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
            raise Abort


def yaml_problem(filename: str, error: yaml.YAMLError, text: str) -> PolicyProblem:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "'\\t'" in message or "tab character" in message:
            # YAML forbids tabs in indentation; its message does not say what to do.
            message += (
                f"; indent with spaces, not tabs (the tab is at line {line}, column {column})"
            )
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
