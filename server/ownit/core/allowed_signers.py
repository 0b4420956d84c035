"""git's allowed-signers file (``ssh-keygen(1)``, ALLOWED SIGNERS), read from text. Pure.

One key per line, ``#`` comments and blank lines ignored::

    alice@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… alice's laptop
    "bob@example.com,robert@example.com" namespaces="ownit-claim,git" ssh-ed25519 AAAA…
    *@example.com cert-authority,valid-after="20250101",valid-before="20260101Z" ssh-ed25519 …

The first field is a pattern-list of principals (comma-separated, ``*`` and ``?``
wildcards, ``!`` to exclude; quoted when it holds spaces); the options (comma-separated,
values in double quotes) are ``cert-authority`` (the key is a CA: it vouches for the
certificates it signed for those principals), ``namespaces="…"`` (a pattern-list of
signature namespaces the key may sign in), ``valid-after="…"`` and ``valid-before="…"``
(``YYYYMMDD[Z]`` or ``YYYYMMDDHHMM[SS][Z]``); then the key type, its base64 and an optional
comment. Any other option makes the line invalid, as it does for ``ssh-keygen``.

ownit compares e-mail addresses without regard to case (as the policy does), so principals
are matched in lower case, and times without ``Z`` are read as UTC (ownit runs
``ssh-keygen`` with ``TZ=UTC``), so that a verdict does not depend on the machine.
:func:`ssh_keygen_text` is the file ownit hands to ``ssh-keygen``: the same entries on the
same line numbers, principals in lower case, comments and invalid lines blanked.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from ownit.core.signature_armor import key_fingerprint

# The key types ssh-keygen reads (sshkey.c), plain and as certificates.
_PLAIN_KEY_TYPES = (
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
KEY_TYPES = frozenset(
    [
        *_PLAIN_KEY_TYPES,
        *(name.replace("@openssh.com", "") + "-cert-v01@openssh.com" for name in _PLAIN_KEY_TYPES),
    ]
)
_TIME_FORMATS = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
_BLANKS = " \t"


@dataclass(frozen=True, slots=True)
class AllowedSigner:
    """One valid line (``line`` is 1-based)."""

    line: int
    principals: tuple[str, ...]  # patterns, in lower case
    options: str  # as written (empty without options)
    key_type: str
    key_base64: str
    cert_authority: bool = False
    namespaces: tuple[str, ...] | None = None
    valid_after: datetime | None = None
    valid_before: datetime | None = None
    comment: str = ""

    @property
    def key_fingerprint(self) -> str:
        return key_fingerprint(base64.b64decode(self.key_base64))

    def allows(self, principal: str) -> bool:
        return matches_pattern_list(principal.lower(), self.principals)

    def allows_namespace(self, namespace: str) -> bool:
        return self.namespaces is None or matches_pattern_list(namespace, self.namespaces)

    def valid_at(self, when: datetime) -> bool:
        after, before = self.valid_after, self.valid_before
        return (after is None or when >= after) and (before is None or when <= before)


@dataclass(frozen=True, slots=True)
class AllowedSignersProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class AllowedSigners:
    entries: tuple[AllowedSigner, ...]
    problems: tuple[AllowedSignersProblem, ...]
    line_count: int

    def for_principal(self, principal: str) -> tuple[AllowedSigner, ...]:
        return tuple(entry for entry in self.entries if entry.allows(principal))

    def with_key(self, fingerprint: str) -> tuple[AllowedSigner, ...]:
        return tuple(entry for entry in self.entries if entry.key_fingerprint == fingerprint)


class _LineError(ValueError):
    pass


# --------------------------------------------------------------------------- patterns


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def matches_pattern_list(name: str, patterns: tuple[str, ...]) -> bool:
    """OpenSSH's pattern-list rule: some pattern matches and no ``!pattern`` does."""
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _pattern_regex(pattern[1:] if negated else pattern).fullmatch(name):
            if negated:
                return False
            matched = True
    return matched


# --------------------------------------------------------------------------- parsing


def _skip_blanks(text: str, at: int) -> int:
    while at < len(text) and text[at] in _BLANKS:
        at += 1
    return at


def _principals_field(line: str, at: int) -> tuple[str, int]:
    """The first field (quoted or not) and where the rest starts."""
    if line.startswith('"', at):
        end = line.find('"', at + 1)
        if end < 0:
            raise _LineError("the quoted principals have no closing quote")
        field, after = line[at + 1 : end], end + 1
    else:
        end = at
        while end < len(line) and line[end] not in _BLANKS:
            end += 1
        field, after = line[at:end], end
    if not field:
        raise _LineError("no principals")
    if '"' in field:
        raise _LineError("a principal cannot hold a double quote")
    if after < len(line) and line[after] not in _BLANKS:
        raise _LineError("the quoted principals must be followed by a space")
    return field, _skip_blanks(line, after)


def _options_field(line: str, at: int) -> tuple[str, int]:
    """The options field: up to the first blank outside double quotes (``\\"`` escapes)."""
    quoted = False
    end = at
    while end < len(line):
        char = line[end]
        if char == "\\" and quoted and line.startswith('"', end + 1):
            end += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char in _BLANKS and not quoted:
            break
        end += 1
    if quoted:
        raise _LineError("an option's value has no closing quote")
    return line[at:end], _skip_blanks(line, end)


def _split_options(options: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    at = 0
    while at < len(options):
        char = options[at]
        if char == "\\" and quoted and options.startswith('"', at + 1):
            current.append('"')
            at += 2
            continue
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        at += 1
    parts.append("".join(current))
    return parts


def _quoted_value(option: str, name: str) -> str:
    value = option[len(name) + 1 :]
    if len(value) < 2 or not value.startswith('"') or not value.endswith('"'):
        raise _LineError(f'the value of {name} must be in double quotes: {name}="…"')
    return value[1:-1]


def parse_time(text: str) -> datetime:
    """A ``valid-after``/``valid-before`` time, read as UTC with or without ``Z``."""
    digits = text[:-1] if text[-1:] in ("Z", "z") else text
    layout = _TIME_FORMATS.get(len(digits))
    if layout is None or not digits.isdigit():
        raise _LineError(f"time {text!r} is not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]")
    try:
        return datetime.strptime(digits, layout).replace(tzinfo=UTC)
    except ValueError:
        raise _LineError(f"time {text!r} is not a real date") from None


@dataclass(slots=True)
class _Options:
    cert_authority: bool = False
    namespaces: tuple[str, ...] | None = None
    valid_after: datetime | None = None
    valid_before: datetime | None = None


def _parse_options(options: str) -> _Options:
    parsed = _Options()
    seen: set[str] = set()
    for option in _split_options(options):
        name = option.split("=", 1)[0].lower()
        if name in seen:
            raise _LineError(f"{name} is given twice")
        seen.add(name)
        if name == "cert-authority" and "=" not in option:
            parsed.cert_authority = True
        elif name == "namespaces":
            parsed.namespaces = tuple(_quoted_value(option, name).split(","))
        elif name == "valid-after":
            parsed.valid_after = parse_time(_quoted_value(option, name))
        elif name == "valid-before":
            parsed.valid_before = parse_time(_quoted_value(option, name))
        else:
            shown = option if len(option) <= 40 else option[:39] + "…"
            raise _LineError(
                f"unknown option {shown!r} (known: cert-authority, namespaces=, valid-after=,"
                " valid-before=)"
            )
    after, before = parsed.valid_after, parsed.valid_before
    if after is not None and before is not None and before <= after:
        raise _LineError("valid-before is not after valid-after")
    return parsed


def _key(line: str, at: int) -> tuple[str, str, str]:
    fields = line[at:].split(None, 2)
    if len(fields) < 2:
        raise _LineError("no key (a key type and its base64, e.g. ssh-ed25519 AAAA…)")
    key_type, key_base64 = fields[0], fields[1]
    if key_type not in KEY_TYPES:
        raise _LineError(f"unknown key type {key_type!r}")
    try:
        blob = base64.b64decode(key_base64, validate=True)
    except binascii.Error:
        raise _LineError("the key is not base64") from None
    if len(blob) < 4 or blob[4 : 4 + struct.unpack(">I", blob[:4])[0]] != key_type.encode():
        raise _LineError(f"the key is not a {key_type} key")
    return key_type, key_base64, fields[2].strip() if len(fields) > 2 else ""


def _looks_like_options(field: str) -> bool:
    return "=" in field or "," in field or field.lower() == "cert-authority"


def _parse_line(number: int, line: str) -> AllowedSigner | None:
    at = _skip_blanks(line, 0)
    if at == len(line) or line[at] == "#":
        return None
    field, at = _principals_field(line, at)
    if at == len(line):
        raise _LineError("no key after the principals")
    first = line[at:].split(None, 1)[0]
    options = ""
    if first not in KEY_TYPES:
        options, at = _options_field(line, at)
        if at < len(line) and line.startswith("AAAA", at) and not _looks_like_options(options):
            raise _LineError(f"unknown key type {options!r}")  # a key, of a type unknown
    parsed = _parse_options(options) if options else _Options()
    key_type, key_base64, comment = _key(line, at)
    return AllowedSigner(
        line=number,
        principals=tuple(field.lower().split(",")),
        options=options,
        key_type=key_type,
        key_base64=key_base64,
        cert_authority=parsed.cert_authority,
        namespaces=parsed.namespaces,
        valid_after=parsed.valid_after,
        valid_before=parsed.valid_before,
        comment=comment,
    )


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def parse_allowed_signers(text: str) -> AllowedSigners:
    """Every valid line of an allowed-signers file, and a line-numbered problem for each
    other line that is not blank or a comment."""
    entries: list[AllowedSigner] = []
    problems: list[AllowedSignersProblem] = []
    lines = _lines(text)
    for number, line in enumerate(lines, start=1):
        try:
            if "\0" in line:
                raise _LineError("the line holds a NUL character")
            entry = _parse_line(number, line)
        except _LineError as error:
            problems.append(AllowedSignersProblem(number, str(error)))
            continue
        if entry is not None:
            entries.append(entry)
    return AllowedSigners(tuple(entries), tuple(problems), len(lines))


def ssh_keygen_text(signers: AllowedSigners) -> str:
    """The file to give ``ssh-keygen -Y verify -f``: each valid entry on its own line
    number, its principals in lower case; every other line blank."""
    lines = [""] * signers.line_count
    for entry in signers.entries:
        principals = ",".join(entry.principals)
        fields = [f'"{principals}"', entry.options, entry.key_type, entry.key_base64]
        lines[entry.line - 1] = " ".join(field for field in fields if field)
    return "".join(line + "\n" for line in lines)
