"""Text matchers: a plain phrase, or a ``/regex/`` matched in time linear in its input.

Regular expressions in a policy come from a file anyone in the repository can edit, and they
run on rationales and commit messages. Python's ``re`` backtracks: ``(a+)+$`` takes
exponential time on a short input, and even a pattern with no nesting such as
``a*a*a*a*a*a*a*a*b`` takes O(n⁸) steps on ``aaa…``. No syntactic guard over ``re`` catches
every such case, so a policy's regexes are compiled by RE2 (the ``google-re2`` package),
which matches with an automaton: time linear in the input for *every* pattern. What RE2
cannot do in linear time it does not offer (back-references, look-around, atomic groups,
conditionals): such a pattern is refused when the policy is loaded, saying why.

Regexes are ASCII-minded in RE2: ``\\d``, ``\\w``, ``\\s`` and ``\\b`` know ASCII only
(``[[:alpha:]]`` likewise; ``\\pL`` is any letter). Patterns match case-insensitively,
anywhere in the text (``search``); the text is capped at ``MAX_MATCH_INPUT`` characters.

RE2 is imported on first use, so the CLI and the language server pay for it only when a
policy with regexes is read. The built-in patterns (``defaults.py``) are ownit's own,
written in the syntax RE2 and ``re`` share and free of backtracking traps; they run on
``re`` (``builtin_matcher``) so that the default policy needs no extra import at all.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from ownit.core.record import Record, set_field

MAX_PATTERN_LENGTH = 500
MAX_MATCH_INPUT = 2000


class PatternError(ValueError):
    """The pattern is not acceptable; the message says why and what to write instead."""


class _Searcher(Protocol):
    def search(self, text: Any) -> object | None: ...


class Matcher(Record):
    """``text`` as written in the policy: ``/regex/`` or a plain, case-insensitive phrase.

    Equal when written the same way (``also_reject`` merges by the text)."""

    __slots__ = ("_regex", "text")
    _compare = ("text",)
    text: str
    _regex: _Searcher | None  # compiled: by RE2 when read from a file, else on first use

    def __init__(self, text: str, _regex: _Searcher | None = None) -> None:
        set_field(self, "text", text)
        set_field(self, "_regex", _regex)

    @property
    def is_regex(self) -> bool:
        return is_regex_literal(self.text)

    @property
    def is_builtin(self) -> bool:
        """One of ownit's own (``builtin_matcher``: matched with ``re``), not a pattern
        from a policy file (RE2)."""
        return self._regex is None or isinstance(self._regex, re.Pattern)

    def search(self, value: str) -> bool:
        """Whether ``value`` (capped to MAX_MATCH_INPUT characters) contains a match."""
        value = value[:MAX_MATCH_INPUT]
        if self._regex is not None:
            if isinstance(self._regex, re.Pattern):
                return self._regex.search(value) is not None
            # RE2 reads UTF-8; a lone surrogate (JSON allows "\ud800") cannot be encoded.
            return self._regex.search(value.encode("utf-8", "replace")) is not None
        if self.is_regex:
            # One of ownit's own: compiled on first use, then kept (history matches every
            # commit's lines; a lookup in re's cache each time costs more than the match).
            compiled = _builtin_regex(self.text[1:-1])
            set_field(self, "_regex", compiled)
            return compiled.search(value) is not None
        return self.text.casefold() in value.casefold()

    def __str__(self) -> str:
        return self.text


def is_regex_literal(text: str) -> bool:
    return len(text) >= 2 and text.startswith("/") and text.endswith("/")


def _builtin_regex(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def builtin_matcher(text: str) -> Matcher:
    """A matcher for one of ownit's own patterns (defaults.py): matched with ``re``, compiled
    on first use. Never for text read from a policy file: that is ``compile_matcher``."""
    return Matcher(text)


def compile_matcher(text: str) -> Matcher:
    """A checked matcher for a pattern from a policy file, or ``PatternError`` saying what is
    wrong with ``text``. A ``/regex/`` is compiled by RE2 here, once."""
    if not text.strip():
        raise PatternError("empty pattern: expected a phrase or a /regex/")
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    if not is_regex_literal(text):
        return Matcher(text)
    return Matcher(text, _compile_linear(text[1:-1]))


def checked_matcher(text: str) -> Matcher:
    """A matcher for a pattern from a policy file that ``compile_matcher`` accepted before
    (a remembered policy, ``snapshot.py``): a ``/regex/`` is compiled by RE2 when first
    matched, so that reading such a policy does not import RE2."""
    if not is_regex_literal(text):
        return Matcher(text)
    return Matcher(text, _LinearOnFirstUse(text[1:-1]))


class _LinearOnFirstUse:
    """An RE2 pattern compiled on its first search (``PatternError`` then if RE2 refuses
    it, which only a pattern ``compile_matcher`` never saw can make it do)."""

    __slots__ = ("compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self.compiled: _Searcher | None = None

    def search(self, text: Any) -> object | None:
        if self.compiled is None:
            self.compiled = _compile_linear(self.source)
        return self.compiled.search(text)


def _compile_linear(source: str) -> _Searcher:
    try:
        import re2
    except ImportError:
        raise PatternError(
            f"/{source}/ cannot be used: regular expressions are matched with RE2, and the "
            "google-re2 package is not installed for this Python (pip install google-re2); "
            "or write the pattern as a plain phrase"
        ) from None
    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True  # only "is there a match" is asked: no groups to track
    options.log_errors = False  # the error goes into the policy problem, not to stderr
    try:
        compiled: _Searcher = re2.compile(source, options)
    except re2.error as error:
        raise PatternError(_explain(source, error)) from None
    return compiled


# RE2's wording for the constructs it leaves out, and why they are left out.
_UNSUPPORTED = (
    ("invalid perl operator: (?=", "look-ahead assertions"),
    ("invalid perl operator: (?!", "look-ahead assertions"),
    ("invalid perl operator: (?<=", "look-behind assertions"),
    ("invalid perl operator: (?<!", "look-behind assertions"),
    ("invalid perl operator: (?P", "back-references to a named group"),
    ("invalid perl operator: (?(", "conditional groups"),
    ("invalid perl operator: (?>", "atomic groups"),
    ("invalid perl operator: (?#", "comment groups"),
    ("bad repetition operator: ++", "possessive quantifiers"),
    ("bad repetition operator: *+", "possessive quantifiers"),
    ("bad repetition operator: ?+", "possessive quantifiers"),
)
_BACKREFERENCE = r"invalid escape sequence: \\[1-9]"


def _explain(source: str, error: Exception) -> str:
    detail = error.args[0] if error.args else str(error)
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    detail = str(detail)
    why = next((what for wording, what in _UNSUPPORTED if detail.startswith(wording)), None)
    if why is None and re.match(_BACKREFERENCE, detail):
        why = "back-references"
    message = f"invalid regular expression /{source}/: {detail}"
    if why is not None:
        return (
            f"{message} (policy regexes run on RE2, which matches in linear time and has no "
            f"{why}; write the pattern without them)"
        )
    if detail.startswith("pattern too large"):
        return f"{message} (use smaller counted repetitions such as {{1,100}})"
    if detail.startswith("invalid escape sequence: \\Z"):
        return f"{message} (write \\z for the end of the text)"
    return message
