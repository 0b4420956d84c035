"""Region fingerprints (docs/data-model.md): position-independent identity of a block of lines."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

FINGERPRINT_HEX_DIGITS = 12


# ASCII whitespace only, so that every implementation (and every Python) agrees.
_TRAILING_WHITESPACE = " \t\r\n\f\v"


def normalize_line(line: str) -> str:
    """A line as fingerprinted: its terminator and trailing ASCII whitespace removed."""
    return line.rstrip(_TRAILING_WHITESPACE)


def fingerprint(lines: Iterable[str]) -> str:
    """First 12 hex digits of SHA-256 over the lines, right-stripped and joined with ``\\n``."""
    joined = "\n".join(normalize_line(line) for line in lines)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[
        :FINGERPRINT_HEX_DIGITS
    ]
