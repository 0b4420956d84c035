"""Alerts: findings placed in the code, as code-review tools show them (SARIF, GitLab Code
Quality, GitHub annotations). Pure.

An :class:`Alert` is what every output format is built from: a rule, a message, a file
and a line range, and ownit's content fingerprint of those lines (so a tool can follow the
alert as the code moves). ``ownit verify`` makes them from its findings; any other reader
with findings at the tip (``ownit report``'s unowned lines) can make them the same way and
reuse every format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# GitLab Code Quality severities, mildest first.
SEVERITIES = ("info", "minor", "major", "critical", "blocker")

# SARIF result levels.
ERROR = "error"
WARNING = "warning"
NOTE = "note"


@dataclass(frozen=True, slots=True)
class RuleHelp:
    """What a rule (a problem code) means and how to fix it, for people."""

    id: str  # the problem code, e.g. "claim-mismatch"
    name: str  # PascalCase, e.g. "ClaimMismatch" (SARIF reportingDescriptor.name)
    short: str  # one line
    full: str  # what it means and why it matters
    help: str  # how to fix it
    severity: str = "major"  # one of SEVERITIES (Code Quality)


@dataclass(frozen=True, slots=True)
class Alert:
    rule_id: str
    message: str
    path: str  # repository-relative, "/"-separated; "" when about no file
    first: int  # 1-based inclusive; 0 when about no lines
    last: int
    fingerprint: str | None = None  # ownit's content fingerprint of lines first..last
    level: str = ERROR  # SARIF level: error | warning | note
    severity: str = "major"  # Code Quality severity (SEVERITIES)
    fix: str = ""  # how to fix this one (a command to run, with its arguments)
    properties: Mapping[str, object] = field(default_factory=dict)

    @property
    def location(self) -> str:
        if not self.first:
            return self.path
        if self.first == self.last:
            return f"{self.path}:{self.first}"
        return f"{self.path}:{self.first}-{self.last}"


def clean_text(text: str) -> str:
    """``text`` as valid Unicode: git output decoded with ``surrogateescape`` keeps
    undecodable bytes as lone surrogates, which no UTF-8 file can hold."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
