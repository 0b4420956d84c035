"""Region fingerprints (docs/data-model.md): position-independent identity of a block of lines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

# CPython's own SHA-256 rather than hashlib's: hashlib loads OpenSSL (≈ 2.5 ms of every
# hook's start), and what is hashed here is small (the standard library's random module
# does the same with _sha512).
if TYPE_CHECKING:
    from hashlib import sha1 as sha1
    from hashlib import sha256 as sha256
else:
    try:  # (git's object names; SHA-1 is no fingerprint)
        from _sha1 import sha1
    except ImportError:  # a build without it
        from hashlib import sha1

    try:
        from _sha256 import sha256
    except ImportError:
        try:
            from _sha2 import sha256  # its name from Python 3.12 on
        except ImportError:  # a build without it
            from hashlib import sha256

__all__ = ["FINGERPRINT_HEX_DIGITS", "fingerprint", "normalize_line", "sha1", "sha256"]

FINGERPRINT_HEX_DIGITS = 12


# ASCII whitespace only, so that every implementation (and every Python) agrees.
_TRAILING_WHITESPACE = " \t\r\n\f\v"


def normalize_line(line: str) -> str:
    """A line as fingerprinted: its terminator and trailing ASCII whitespace removed."""
    return line.rstrip(_TRAILING_WHITESPACE)


def fingerprint(lines: Iterable[str]) -> str:
    """First 12 hex digits of SHA-256 over the lines, right-stripped and joined with ``\\n``."""
    joined = "\n".join(normalize_line(line) for line in lines)
    return sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:FINGERPRINT_HEX_DIGITS]
