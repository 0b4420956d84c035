"""The checks of `ownit doctor`: what each found, and how a result is shown. Pure.

A check is ``ok``, ``warn`` (worth knowing, nothing is broken) or ``fail`` (a part of
ownit will not work as set up: the commit hooks, the agents' hooks, claims, the store, the
policy); ``skip`` when it does not apply here. Anything but ``ok`` and ``skip`` says how to
fix it. `ownit doctor` exits 1 when any check fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ownit.core.printable import printable

Status = Literal["ok", "warn", "fail", "skip"]
_LABEL = {"ok": "ok", "warn": "warn", "fail": "FAIL", "skip": "skip"}


@dataclass(frozen=True, slots=True)
class Check:
    name: str  # what was checked: "hooks", "identity", "agent claude-code" …
    status: Status
    detail: str  # one line: what was found
    fix: str = ""  # a command (or one sentence) that fixes it, when not ok

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def ok(name: str, detail: str) -> Check:
    return Check(name, "ok", detail)


def warn(name: str, detail: str, fix: str) -> Check:
    return Check(name, "warn", detail, fix)


def fail(name: str, detail: str, fix: str) -> Check:
    return Check(name, "fail", detail, fix)


def skip(name: str, detail: str) -> Check:
    return Check(name, "skip", detail)


def failed(checks: Iterable[Check]) -> bool:
    return any(check.status == "fail" for check in checks)


def format_check(check: Check, width: int) -> str:
    """One line: ``STATUS  name  detail; fix: …`` (repository data escaped)."""
    line = f"{_LABEL[check.status]:<4}  {check.name:<{width}}  {printable(check.detail)}"
    if check.fix and check.status in ("warn", "fail"):
        line += f"; fix: {printable(check.fix)}"
    return line


def format_report(checks: list[Check]) -> list[str]:
    width = max((len(check.name) for check in checks), default=0)
    lines = [format_check(check, width) for check in checks]
    problems = sum(check.status == "fail" for check in checks)
    warnings = sum(check.status == "warn" for check in checks)
    if problems:
        lines.append(f"{problems} problem(s), {warnings} warning(s): fix the FAIL lines above")
    elif warnings:
        lines.append(f"no problem; {warnings} warning(s)")
    else:
        lines.append("all is well")
    return lines
