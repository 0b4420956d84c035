"""Path globs for policy rules, `exclude`, `.gitattributes` and CODEOWNERS.

Paths are repository-relative and use ``/``. The syntax is the gitignore/CODEOWNERS one:

- ``*`` matches any characters except ``/``; ``?`` one character except ``/``;
  ``[abc]``, ``[a-z]``, ``[!abc]`` (or ``[^abc]``) one character of (or not of) a set.
- ``**`` as a whole segment matches zero or more directories: ``**/x``, ``a/**/b``, ``a/**``.
  ``**`` glued to other characters (``a**``) is an error.
- A pattern without a ``/`` (other than a trailing one) matches the file or directory name
  at any depth: ``*.py`` matches ``a/b/c.py``. A pattern with a ``/`` is anchored to the
  repository root; a leading ``/`` only anchors.
- A trailing ``/`` matches directories only (so: everything under them).
- With ``contents=True`` (policy rules, ``exclude`` and CODEOWNERS), a pattern that matches a
  directory also matches everything inside it: ``src/auth`` matches ``src/auth/token.py``.
  ``.gitattributes`` uses ``contents=False``, as git does.

Matching never uses regular expressions: a segment matcher with star backtracking plus a
dynamic programme over ``**`` segments, so every pattern runs in polynomial time.
"""

from __future__ import annotations

from ownit.core.record import Record, set_field

MAX_GLOB_LENGTH = 1000


def normalize_path(path: str) -> str:
    """Repo-relative with ``/``: backslashes turned into ``/``, ``./`` and extra ``/`` gone."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts)


class GlobError(ValueError):
    """The pattern is not a valid glob; the message says what is wrong and what is expected."""


# A segment is a tuple of tokens: a 1-char string (literal), "?" token, "*" token, or a
# character class (negated, ranges).
_ANY = ("any",)
_STAR = ("star",)


class _Class(Record):
    __slots__ = ("negated", "ranges")
    negated: bool
    ranges: tuple[tuple[str, str], ...]

    def __init__(self, negated: bool, ranges: tuple[tuple[str, str], ...]) -> None:
        set_field(self, "negated", negated)
        set_field(self, "ranges", ranges)

    def matches(self, char: str) -> bool:
        inside = any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated and char != "/"


_Token = str | tuple[str] | _Class
_Segment = tuple[_Token, ...]
_DOUBLE_STAR: _Segment = (("**",),)


def _parse_class(text: str, start: int, pattern: str) -> tuple[_Class, int]:
    """Parse ``[...]`` starting at ``text[start] == '['``; return the class and next index."""
    index = start + 1
    negated = False
    if index < len(text) and text[index] in "!^":
        negated = True
        index += 1
    ranges: list[tuple[str, str]] = []
    first = True
    while index < len(text):
        char = text[index]
        if char == "]" and not first:
            if not ranges:
                raise GlobError(f"empty character class in {pattern!r}")
            return _Class(negated, tuple(ranges)), index + 1
        if char == "\\" and index + 1 < len(text):
            index += 1
            char = text[index]
        if char == "/":
            raise GlobError(f"a character class cannot contain '/' in {pattern!r}")
        if index + 2 < len(text) and text[index + 1] == "-" and text[index + 2] != "]":
            high = text[index + 2]
            if high < char:
                raise GlobError(f"reversed range '{char}-{high}' in {pattern!r}")
            ranges.append((char, high))
            index += 3
        else:
            ranges.append((char, char))
            index += 1
        first = False
    raise GlobError(f"unclosed '[' in {pattern!r}: expected a closing ']'")


def _parse_segment(text: str, pattern: str) -> _Segment:
    if text == "**":
        return _DOUBLE_STAR
    if "**" in text:
        raise GlobError(
            f"'**' must be a whole path segment in {pattern!r} "
            "(e.g. 'src/**/test_*.py'); use '*' inside a name"
        )
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "*":
            tokens.append(_STAR)
            index += 1
        elif char == "?":
            tokens.append(_ANY)
            index += 1
        elif char == "[":
            cls, index = _parse_class(text, index, pattern)
            tokens.append(cls)
        elif char == "\\":
            if index + 1 >= len(text):
                raise GlobError(f"pattern {pattern!r} ends with a lone '\\'")
            tokens.append(text[index + 1])
            index += 2
        else:
            tokens.append(char)
            index += 1
    return tuple(tokens)


def _segment_matches(tokens: _Segment, name: str) -> bool:
    """Wildcard match of one path segment: O(len(tokens) * len(name))."""
    t = n = 0
    star_t = -1
    star_n = 0
    while n < len(name):
        if t < len(tokens) and tokens[t] is not _STAR and _token_matches(tokens[t], name[n]):
            t += 1
            n += 1
        elif t < len(tokens) and tokens[t] is _STAR:
            star_t = t
            star_n = n
            t += 1
        elif star_t >= 0:
            t = star_t + 1
            star_n += 1
            n = star_n
        else:
            return False
    while t < len(tokens) and tokens[t] is _STAR:
        t += 1
    return t == len(tokens)


def _token_matches(token: _Token, char: str) -> bool:
    if isinstance(token, str):
        return token == char
    if isinstance(token, _Class):
        return token.matches(char)
    return token is _ANY


class Glob(Record):
    """A compiled path glob; equal when written the same way with the same mode."""

    __slots__ = ("_directory_only", "_required", "_segments", "contents", "pattern")
    _compare = ("pattern", "contents")
    pattern: str
    contents: bool
    _segments: tuple[_Segment, ...]
    _directory_only: bool
    # Runs of literal characters the path must hold for any match: a cheap test first
    # (most paths fail it), so that a policy's many globs cost little per path.
    _required: tuple[str, ...]

    def __init__(
        self,
        pattern: str,
        contents: bool = True,
        _segments: tuple[_Segment, ...] = (),
        _directory_only: bool = False,
        _required: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "pattern", pattern)
        set_field(self, "contents", contents)
        set_field(self, "_segments", _segments)
        set_field(self, "_directory_only", _directory_only)
        set_field(self, "_required", _required)

    @staticmethod
    def compile(pattern: str, *, contents: bool = True) -> Glob:
        segments, directory_only = _compile(pattern)
        return Glob(pattern, contents, segments, directory_only, _literal_runs(segments))

    def matches(self, path: str) -> bool:
        """Whether the repo-relative ``path`` (``/``-separated) is matched by this glob."""
        for piece in self._required:
            if piece not in path:
                return False
        parts = [part for part in path.strip("/").split("/") if part not in ("", ".")]
        if not parts:
            return False
        # The whole path may match (it is a file, so not for a directories-only pattern),
        # and with ``contents`` any proper prefix too (a directory that holds the path).
        count = len(parts)
        lengths = range(1, count + 1) if self.contents else range(count, count + 1)
        for length in lengths:
            if self._directory_only and length == count:
                continue
            if _match_segments(self._segments, parts[:length]):
                return True
        return False


def _literal_runs(segments: tuple[_Segment, ...]) -> tuple[str, ...]:
    """The maximal runs of literal characters of each segment: a path segment matching it
    holds each of them, so a matching path does too."""
    runs: list[str] = []
    for segment in segments:
        if segment == _DOUBLE_STAR:
            continue
        current: list[str] = []
        for token in (*segment, None):
            if isinstance(token, str):
                current.append(token)
                continue
            if current:
                runs.append("".join(current))
                current = []
    # the longest first: the likeliest to be missing
    return tuple(sorted(dict.fromkeys(runs), key=len, reverse=True))


def _compile(pattern: str) -> tuple[tuple[_Segment, ...], bool]:
    if not isinstance(pattern, str) or not pattern.strip():
        raise GlobError("empty pattern: expected a path glob such as 'src/**/*.py'")
    if len(pattern) > MAX_GLOB_LENGTH:
        raise GlobError(f"pattern longer than {MAX_GLOB_LENGTH} characters")
    if pattern != pattern.strip():
        raise GlobError(f"pattern {pattern!r} has leading or trailing spaces")
    if pattern.startswith("!"):
        raise GlobError(
            f"negated pattern {pattern!r} is not supported: order the rules so that a later, "
            "narrower rule overrides an earlier one (or use '\\!' for a literal '!')"
        )
    if any(ord(char) < 0x20 for char in pattern):
        raise GlobError(f"pattern {pattern!r} contains a control character")
    body = pattern
    directory_only = body.endswith("/")
    body = body.rstrip("/")
    anchored = "/" in body
    body = body.lstrip("/")
    if not body:
        raise GlobError(f"pattern {pattern!r} names no path")
    raw_segments = body.split("/")
    for raw in raw_segments:
        if raw == "":
            raise GlobError(f"empty path segment ('//') in {pattern!r}")
        if raw in (".", ".."):
            raise GlobError(
                f"'{raw}' segment in {pattern!r}: patterns are relative to the repository root"
            )
    segments = [_parse_segment(raw, pattern) for raw in raw_segments]
    if not anchored and segments != [_DOUBLE_STAR]:
        segments.insert(0, _DOUBLE_STAR)
    # Collapse runs of '**' (a/**/**/b is a/**/b).
    collapsed: list[_Segment] = []
    for segment in segments:
        if segment == _DOUBLE_STAR and collapsed and collapsed[-1] == _DOUBLE_STAR:
            continue
        collapsed.append(segment)
    return tuple(collapsed), directory_only


def _match_segments(segments: tuple[_Segment, ...], parts: list[str]) -> bool:
    """DP over (pattern segment, path segment): O(len(segments) * len(parts)) cells."""
    count = len(parts)
    # reachable[j]: pattern prefix consumed so far can match exactly parts[:j]
    reachable = [False] * (count + 1)
    reachable[0] = True
    for segment in segments:
        following = [False] * (count + 1)
        if segment == _DOUBLE_STAR:
            seen = False
            for j in range(count + 1):
                seen = seen or reachable[j]
                following[j] = seen
        else:
            for j in range(count):
                if reachable[j] and _segment_matches(segment, parts[j]):
                    following[j + 1] = True
        reachable = following
        if not any(reachable):
            return False
    return reachable[count]


def validate_glob(pattern: str) -> str | None:
    """The problem with ``pattern``, or None if it is a valid glob."""
    try:
        _compile(pattern)
    except GlobError as error:
        return str(error)
    return None
