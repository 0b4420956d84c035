"""What a rationale must be before a claim is accepted (defaults; policy may change them)."""

from __future__ import annotations

import functools
import re

from ownit.core.record import Record, set_field

DEFAULT_MIN_CHARS = 20
DEFAULT_MAX_CHARS = 300
DEFAULT_REJECT = (
    "lgtm",
    "ok",
    "okay",
    "looks good",
    "looks good to me",
    "ai wrote it",
    "the ai wrote it",
    "n/a",
    "na",
    "todo",
    "fixme",
    "tbd",
    "wip",
    "fine",
    "done",
    "yes",
    "trust me",
    "whatever",
    "test",
    "asdf",
)


class RationaleRules(Record):
    __slots__ = ("max_chars", "min_chars", "reject")
    _fields = ("min_chars", "max_chars", "reject")  # (repr in this order)
    min_chars: int
    max_chars: int
    reject: tuple[str, ...]

    def __init__(
        self,
        min_chars: int = DEFAULT_MIN_CHARS,
        max_chars: int = DEFAULT_MAX_CHARS,
        reject: tuple[str, ...] = DEFAULT_REJECT,
    ) -> None:
        set_field(self, "min_chars", min_chars)
        set_field(self, "max_chars", max_chars)
        set_field(self, "reject", reject)


class RationaleRejected(ValueError):
    """The rationale does not say why the code is right; the message says what is missing."""


_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")
# The whole rationale in angle brackets: the placeholder of a command ownit printed
# (`-m "<why it is right>"`), copied as it was.
_PLACEHOLDER = re.compile(r"<[^<>]*>")


@functools.lru_cache(maxsize=4096)
def normalize_rationale(text: str) -> str:
    """One line: control and format characters removed, whitespace collapsed, trimmed.

    Line and paragraph separators (U+2028/9, U+0085) are whitespace here, so they collapse
    into a single space instead of starting a new line anywhere downstream. (Remembered:
    a commit's claims often share a rationale, and the hooks ask for each more than once.)
    """
    if text.isascii() and text.isprintable():
        # no control or format character, no whitespace but spaces: the same answer
        return _WHITESPACE.sub(" ", text).strip()
    import unicodedata  # (only for text that is not plain printable ASCII)

    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()


def _strip_phrases(text: str, phrases: tuple[str, ...]) -> str:
    lowered = text.casefold()
    for phrase in sorted(phrases, key=len, reverse=True):
        lowered = re.sub(rf"(?<!\w){re.escape(phrase.casefold())}(?!\w)", " ", lowered)
    return lowered


DEFAULT_RULES = RationaleRules()


def validate_rationale(text: str, rules: RationaleRules = DEFAULT_RULES) -> str:
    """The normalized rationale, or ``RationaleRejected`` saying why it is not enough."""
    rationale = normalize_rationale(text)
    if _PLACEHOLDER.fullmatch(rationale):
        raise RationaleRejected(
            f"rationale is placeholder text ({rationale}) — put in its place "
            "what you checked and why the code is right"
        )
    if len(rationale) < rules.min_chars:
        raise RationaleRejected(
            f"rationale too short: {len(rationale)} character{'s' * (len(rationale) != 1)}, "
            f"at least {rules.min_chars} "
            "needed — say why this code is correct and safe"
        )
    if len(rationale) > rules.max_chars:
        raise RationaleRejected(
            f"rationale too long: {len(rationale)} character{'s' * (len(rationale) != 1)}, "
            f"at most {rules.max_chars} "
            "— keep it to the one reason that matters"
        )
    remaining_words = set(_WORD.findall(_strip_phrases(rationale, rules.reject)))
    if len(remaining_words) < 3:
        raise RationaleRejected(
            "rationale is placeholder text (e.g. 'lgtm', 'looks good', 'ai wrote it') — "
            "say what you checked and why the code is right"
        )
    return rationale
