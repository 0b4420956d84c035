"""What a CI job shows people: the log lines of verify's problems and a Markdown job
summary (verify's result and, when asked for, ``ownit report``'s numbers). Pure.

Everything taken from the repository (paths, messages, subjects, e-mails) is escaped: in
the log, control characters are shown as ``\\xNN``; in Markdown, the characters that
would make a link, an image, HTML or a broken table are escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ownit.core.alerts import Alert, clean_text
from ownit.core.printable import printable

MAX_ROWS = 50  # rows of a summary table before "…and N more"

# Inline Markdown that could make emphasis, code, a link or image, or end a table cell
# (``<`` and ``&`` become entities: no HTML).
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")


def md(text: object) -> str:
    """``text`` as literal Markdown inline text (one line)."""
    value = printable(str(text)).replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN.sub(r"\\\1", value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def log_lines(alerts: Sequence[Alert]) -> list[str]:
    """One line per problem (and its fix), for a job's log."""
    out: list[str] = []
    for alert in alerts:
        commit = str(alert.properties.get("commit") or "")[:10]
        where = alert.location or "(commit)"
        out.append(
            f"{alert.level}: {printable(where)}: {printable(alert.message)} "
            f"[{alert.rule_id}]" + (f" ({commit})" if commit else "")
        )
        if alert.fix:
            out.append(f"  fix: {printable(alert.fix)}")
    return out


def _share(lines: Mapping[str, Any]) -> str:
    share = lines.get("ownedShare")
    total = lines.get("total") or 0
    if share is None or not total:
        return "no AI-written lines"
    return f"{float(share):.0%} ({lines.get('owned', 0)} of {total} AI-written lines)"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        out += ["", f"…and {len(rows) - MAX_ROWS} more."]
    return out


def summary(
    run: Mapping[str, Any],
    alerts: Sequence[Alert],
    *,
    exit_code: int,
    failing: bool,
    report: Mapping[str, Any] | None = None,
    error: str | None = None,
    where: str = "",
) -> str:
    """The job summary. ``failing``: whether problems fail the job (mode ``fail``);
    ``error``: verify could not check the range (exit 2) and why; ``where``: how the
    range was chosen (e.g. "pull request 1a2b..3c4d")."""
    out: list[str] = []
    if error is not None:
        out += ["## ownit verify: could not check the range", "", md(error), ""]
        return "\n".join(out) + "\n"
    problems = len(alerts)
    if not problems:
        head = "✅ no problems"
    elif failing:
        head = f"❌ {_plural(problems, 'problem')}"
    else:
        head = f"⚠️ {_plural(problems, 'problem')} (mode: warn, the job does not fail)"
    out += [f"## ownit verify: {head}", ""]
    commits = int(run.get("commits") or 0)
    facts: list[tuple[str, str]] = [("range", md(run.get("range") or ""))]
    if report is not None:
        lines = report.get("lines")
        at_tip = report.get("unownedAtTip")
        facts.append(("owned share", md(_share(lines if isinstance(lines, Mapping) else {}))))
        count = len(at_tip) if isinstance(at_tip, list) else 0
        facts.append(("unowned at the tip", _plural(count, "region")))
    if where:
        facts.append(("chosen from", md(where)))
    facts += [
        ("commits", f"{commits} ({int(run.get('aiAssistedCommits') or 0)} AI-assisted)"),
        ("claims", str(int(run.get("claims") or 0))),
        ("policy", md(run.get("policy") or "")),
        ("exit code", str(exit_code)),
    ]
    out += ["| | |", "| --- | --- |"]
    out += [f"| {name} | {value} |" for name, value in facts]
    if alerts:
        out += ["", "### Problems", ""]
        rows = [
            [
                md(alert.location or "(commit)"),
                md(alert.rule_id),
                md(alert.message),
                md(str(alert.properties.get("commit") or "")[:10]),
            ]
            for alert in alerts
        ]
        out += _table(["location", "problem", "what is wrong", "commit"], rows)
    if report is not None:
        out += _report_sections(report)
    return "\n".join(out) + "\n"


def _report_sections(report: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    at_tip = [r for r in report.get("unownedAtTip") or [] if isinstance(r, Mapping)]
    out += ["", "### Unowned at the tip", ""]
    if not at_tip:
        out.append("Nothing: all AI-written code committed unowned was owned later or is gone.")
    else:
        rows = [
            [
                md(f"{item.get('path', '')}:{item.get('first', '')}-{item.get('last', '')}"),
                md(item.get("tool") or ""),
                md(str(item.get("commit") or "")[:10]),
                md(clean_text(str(item.get("subject") or ""))),
            ]
            for item in at_tip
        ]
        out += _table(["location", "tool", "commit", "subject"], rows)
    owners = [r for r in report.get("owners") or [] if isinstance(r, Mapping)]
    out += ["", "### Owners", ""]
    if not owners:
        out.append("Nobody owns AI-written code in this range yet.")
    else:
        rows = [
            [
                md(row.get("owner") or ""),
                str(int(row.get("regions") or 0)),
                str(int(row.get("lines") or 0)),
                str(int(row.get("paths") or 0)),
            ]
            for row in owners
        ]
        out += _table(["owner", "regions", "lines", "paths"], rows)
    return out
