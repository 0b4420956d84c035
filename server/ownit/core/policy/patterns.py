"""Text matchers: a plain phrase, or a ``/regex/`` that cannot take exponential time.

Regular expressions in a policy come from a file anyone in the repository can edit, and they
run on rationales and commit messages. Python's ``re`` backtracks, so a pattern such as
``(a+)+$`` takes exponential time on a short input. Two guards:

1. **Refused at load time** (the structures behind catastrophic backtracking):
   a repeated group (``*``, ``+``, ``{n,}``, ``{n,m}`` with m > 1) whose body itself holds a
   quantifier (``(a+)+``, ``(\\w*\\s?)*``) or an alternation (``(a|ab)*``); and
   back-references (``\\1``, ``(?P=name)``), which make matching NP-hard in general.
2. **Input length cap** at match time: a matcher only ever sees
   ``MAX_MATCH_INPUT`` characters (commit messages are matched line by line, rationales are
   capped by ``max_chars``), which bounds what the remaining polynomial cases
   (``.*.*x``) can cost.

Patterns are always matched case-insensitively with ``re.search``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PATTERN_LENGTH = 500
MAX_MATCH_INPUT = 2000


class PatternError(ValueError):
    """The pattern is not acceptable; the message says why and what to write instead."""


@dataclass(frozen=True, slots=True)
class Matcher:
    """``text`` as written in the policy: ``/regex/`` or a plain, case-insensitive phrase."""

    text: str

    @property
    def is_regex(self) -> bool:
        return is_regex_literal(self.text)

    @property
    def regex(self) -> re.Pattern[str] | None:
        if not self.is_regex:
            return None
        return _compiled(self.text[1:-1])

    def search(self, value: str) -> bool:
        """Whether ``value`` (capped to MAX_MATCH_INPUT characters) contains a match."""
        value = value[:MAX_MATCH_INPUT]
        regex = self.regex
        if regex is not None:
            return regex.search(value) is not None
        return self.text.casefold() in value.casefold()

    def __str__(self) -> str:
        return self.text


def is_regex_literal(text: str) -> bool:
    return len(text) >= 2 and text.startswith("/") and text.endswith("/")


def _compiled(source: str) -> re.Pattern[str]:
    # ``re`` keeps its own cache of compiled patterns; no module state here.
    return re.compile(source, re.IGNORECASE)


def compile_matcher(text: str) -> Matcher:
    """A checked matcher, or ``PatternError`` saying what is wrong with ``text``."""
    if not text.strip():
        raise PatternError("empty pattern: expected a phrase or a /regex/")
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    if is_regex_literal(text):
        source = text[1:-1]
        try:
            re.compile(source, re.IGNORECASE)
        except re.error as error:
            where = f" at character {error.pos + 1} of the regex" if error.pos is not None else ""
            raise PatternError(
                f"invalid regular expression /{source}/: {error.msg}{where}"
            ) from None
        check_regex_safety(source)
    return Matcher(text)


# --- catastrophic-backtracking check --------------------------------------------------------

_COUNTED = re.compile(r"\{(\d*)(,?)(\d*)\}")


@dataclass(slots=True)
class _Group:
    has_quantifier: bool = False
    has_alternation: bool = False


def _quantifier_at(source: str, index: int) -> tuple[int, bool] | None:
    """If a quantifier starts at ``index``: (its length, whether it repeats more than once)."""
    char = source[index]
    if char in "*+":
        length = 1
        repeats = True
    elif char == "?":
        length = 1
        repeats = False
    elif char == "{":
        found = _COUNTED.match(source, index)
        if found is None or (not found.group(1) and not found.group(3)):
            return None
        low, comma, high = found.groups()
        length = found.end() - index
        repeats = bool(comma and not high) or int(high or low or "0") > 1
    else:
        return None
    # A lazy or possessive suffix belongs to this quantifier.
    if index + length < len(source) and source[index + length] in "?+":
        length += 1
    return length, repeats


def check_regex_safety(source: str) -> None:
    """Raise ``PatternError`` for a regex with nested quantifiers or back-references.

    ``source`` must already compile. The scan follows groups and character classes; it is
    conservative: some harmless patterns are refused, with a message saying how to rewrite.
    """
    stack: list[_Group] = [_Group()]
    index = 0
    length = len(source)
    closed: _Group | None = None  # the group that just closed, if the previous atom was one
    while index < length:
        char = source[index]
        if char == "\\":
            following = source[index + 1 : index + 2]
            if following.isdigit() and following != "0":
                raise PatternError(
                    f"back-reference \\{following} in /{source}/ is not allowed "
                    "(it can take exponential time); match the text without referring back"
                )
            index += 2
            closed = None
            continue
        if char == "[":
            index = _skip_class(source, index)
            closed = None
            continue
        if char == "(":
            if source.startswith(("(?P=", "(?("), index):
                raise PatternError(
                    f"back-reference or conditional group in /{source}/ is not allowed (it "
                    "can take exponential time)"
                )
            if source.startswith("(?#", index):
                end = source.find(")", index)
                index = end + 1 if end >= 0 else length
                continue
            stack.append(_Group())
            index = _skip_group_prefix(source, index + 1)
            closed = None
            continue
        if char == ")":
            group = stack.pop() if len(stack) > 1 else _Group()
            if group.has_quantifier:
                stack[-1].has_quantifier = True
            if group.has_alternation:
                stack[-1].has_alternation = True
            closed = group
            index += 1
            continue
        if char == "|":
            stack[-1].has_alternation = True
            index += 1
            closed = None
            continue
        quantifier = _quantifier_at(source, index)
        if quantifier is not None:
            size, repeats = quantifier
            if closed is not None and repeats and (closed.has_quantifier or closed.has_alternation):
                what = "a quantifier" if closed.has_quantifier else "an alternation ('|')"
                raise PatternError(
                    f"/{source}/ repeats a group that contains {what}: this nesting can take "
                    "exponential time on a short input, so it is refused. Rewrite without "
                    "the outer repeat (e.g. '(a+)+' as 'a+', '(x|y)*' as '[xy]*')"
                )
            stack[-1].has_quantifier = True
            index += size
            closed = None
            continue
        index += 1
        closed = None


def _skip_group_prefix(source: str, index: int) -> int:
    """Index past a group's ``?...`` extension (``?:``, ``?P<n>``, ``?=``, ``?<!``, ``?i:``)."""
    if not source.startswith("?", index):
        return index
    index += 1
    if source.startswith("P<", index):
        end = source.find(">", index)
        return end + 1 if end >= 0 else len(source)
    if source.startswith(("<=", "<!"), index):
        return index + 2
    if source.startswith((":", "=", "!", ">"), index):
        return index + 1
    while index < len(source) and (source[index].isalpha() or source[index] == "-"):
        index += 1
    if source.startswith(":", index):
        index += 1
    # A flags-only group such as "(?i)" ends here; its ")" is handled by the caller.
    return index


def _skip_class(source: str, index: int) -> int:
    """Index just past the character class that starts at ``source[index] == '['``."""
    index += 1
    if index < len(source) and source[index] == "^":
        index += 1
    if index < len(source) and source[index] == "]":
        index += 1
    while index < len(source):
        if source[index] == "\\":
            index += 2
            continue
        if source[index] == "]":
            return index + 1
        index += 1
    return index
