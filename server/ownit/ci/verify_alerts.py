"""``ownit verify``'s findings as alerts, and the ``sarif`` / ``codequality`` formats.

A finding names the commit it is about and lines of the file *in that commit*. An alert
is shown on the tip that was analysed, so each finding's lines are fingerprinted in the
commit's blob and looked for in the tip's (the same lines, else the nearest lines with
that fingerprint): a finding in an early commit of a pull request points at the code
where it is now. Code that is gone by the tip keeps the commit's lines (``atTip``: false).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ownit.core import codequality, sarif
from ownit.core.alerts import ERROR, NOTE, Alert
from ownit.core.fingerprint import fingerprint
from ownit.core.verify_rules import BY_ID, NOTES, RULES
from ownit.core.window_finder import find_fingerprint

FORMATS = ("sarif", "codequality")


@dataclass(frozen=True, slots=True)
class VerifyRun:
    """What the SARIF run says of the range (its ``properties``)."""

    spec: str
    base: str | None
    tip: str | None  # None: no commit yet (null in the SARIF, as in `--json`)
    commits: int
    ai_commits: int
    claims: int
    policy: str  # where the policy comes from, for people
    ok: bool

    def to_json(self) -> dict[str, object]:
        return {
            "range": self.spec,
            "base": self.base,
            "tip": self.tip,
            "commits": self.commits,
            "aiAssistedCommits": self.ai_commits,
            "claims": self.claims,
            "policy": self.policy,
            "ok": self.ok,
        }


_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!/).*)$")


def public_uri(url: str) -> str | None:
    """A remote's URL without what must not leave the machine (user names, passwords and
    tokens: CI clones often carry one), as an absolute URI; None if it is not one."""
    url = url.strip()
    if not url or any(ord(c) < 0x20 for c in url):
        return None
    if "://" not in url:
        scp = _SCP_LIKE.match(url)
        if scp is None:
            return None
        return f"ssh://{scp.group('host')}/{scp.group('path')}"
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return None if parts.scheme != "file" else url
    host = parts.hostname
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def repository_uri(cwd: Path) -> str | None:
    """Where the repository lives: its ``origin`` remote (credentials removed), else its
    working tree as a ``file:`` URI."""
    from ownit.git import run as git

    remote = git.run(["remote", "get-url", "--", "origin"], cwd, check=False)
    if remote.returncode == 0:
        found = public_uri(git.text(remote.stdout))
        if found is not None:
            return found
    top = git.run(["rev-parse", "--show-toplevel"], cwd, check=False)
    if top.returncode == 0 and git.text(top.stdout).strip():
        return Path(git.text(top.stdout).strip()).as_uri()
    return None


def _where(finding: Any, tip: str) -> str:
    """The commit whose blob holds the finding's lines (unowned-at-tip: the tip)."""
    from ownit.core.verify_findings import UNOWNED_AT_TIP

    return tip if finding.kind == UNOWNED_AT_TIP else finding.commit


def alerts_for(
    cwd: Path, tip: str, findings: Sequence[Any], policy: Any
) -> tuple[list[Alert], list[Alert]]:
    """(alerts for verify's errors, notes for its info lines), placed on the tip."""
    from ownit.git import history

    specs: set[str] = set()
    for finding in findings:
        if finding.path and finding.first > 0 and finding.severity == ERROR:
            specs.add(f"{_where(finding, tip)}:{finding.path}")
            specs.add(f"{tip}:{finding.path}")
    blobs = history.BatchRead(cwd, sorted(specs)).result()
    lines: dict[str, list[str] | None] = {}

    def read(sha: str, path: str) -> list[str] | None:
        key = f"{sha}:{path}"
        if key not in lines:
            data = blobs.get(key)
            lines[key] = None if data is None else history.git_lines(data)
        return lines[key]

    rules: dict[str, str] = {}
    alerts: list[Alert] = []
    notes: list[Alert] = []
    for finding in findings:
        if finding.severity != ERROR:
            notes.append(_note(finding))
            continue
        first, last, content, at_tip = finding.first, finding.last, None, False
        if finding.path and first > 0:
            source = read(_where(finding, tip), finding.path)
            if source is not None and last <= len(source):
                content = fingerprint(source[first - 1 : last])
                now = read(tip, finding.path)
                if now is not None and last <= len(now):
                    at_tip = fingerprint(now[first - 1 : last]) == content
                if not at_tip and now is not None:
                    moved = find_fingerprint(now, content, last - first + 1, near=first - 1)
                    if moved is not None:
                        first, last, at_tip = moved[0] + 1, moved[1], True
        if finding.path and finding.path not in rules:
            rules[finding.path] = policy.effective(finding.path).rule_name
        rule = BY_ID.get(finding.kind)
        props: dict[str, object] = {
            "commit": finding.commit,
            "subject": finding.subject,
            "atTip": at_tip,
        }
        if finding.path:
            props["policyRule"] = rules[finding.path]
        if (first, last) != (finding.first, finding.last):
            props["linesInCommit"] = f"{finding.first}-{finding.last}"
        alerts.append(
            Alert(
                rule_id=finding.kind,
                message=finding.message,
                path=finding.path,
                first=first,
                last=last,
                fingerprint=content,
                level=ERROR,
                severity=rule.severity if rule else "major",
                fix=finding.fix,
                properties=props,
            )
        )
    return alerts, notes


def _note(finding: Any) -> Alert:
    return Alert(
        rule_id=finding.kind,
        message=finding.message,
        path=finding.path,
        first=finding.first,
        last=finding.last,
        level=NOTE,
        severity="info",
        properties={"commit": finding.commit},
    )


def sarif_log(
    cwd: Path,
    run: VerifyRun,
    alerts: Sequence[Alert],
    notes: Sequence[Alert],
    *,
    exit_code: int,
) -> dict[str, Any]:
    from ownit import __version__

    info = sarif.RunInfo(
        tool_version=__version__,
        automation_id="ownit/verify/",
        revision=run.tip,
        repository_uri=repository_uri(cwd),
        exit_code=exit_code,
        properties=run.to_json(),
    )
    return sarif.build(alerts, RULES, info, notes=notes, note_rules=NOTES)


def render(
    fmt: str,
    cwd: Path,
    run: VerifyRun,
    findings: Sequence[Any],
    policy: Any,
    *,
    exit_code: int,
) -> Mapping[str, Any] | list[dict[str, Any]]:
    """The document of ``fmt`` (one of :data:`FORMATS`) for verify's result."""
    alerts, notes = alerts_for(cwd, run.tip or "", findings, policy)
    if fmt == "codequality":
        return codequality.build(alerts)
    return sarif_log(cwd, run, alerts, notes, exit_code=exit_code)
