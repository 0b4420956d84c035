"""GitLab Code Quality reports from alerts. Pure.

The report is a JSON array of issues, each with ``description``, ``check_name``,
``fingerprint``, ``severity`` (info, minor, major, critical, blocker) and ``location``
(``path`` and ``lines.begin``/``lines.end``); GitLab shows them in the merge request's
diff and widget. A fingerprint identifies one issue across pipelines: it is made from the
rule, the path and ownit's content fingerprint of the lines (so it does not change when
the code moves), and is unique within a report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from ownit.core.alerts import SEVERITIES, Alert, clean_text


def _fingerprint(alert: Alert, occurrence: int) -> str:
    what = alert.fingerprint or f"{alert.first}-{alert.last}"
    key = f"ownit\0{alert.rule_id}\0{alert.path}\0{what}\0{occurrence}"
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def build(alerts: Sequence[Alert]) -> list[dict[str, Any]]:
    """The Code Quality issues of ``alerts`` (alerts about no file are left out: GitLab
    needs a path)."""
    seen: dict[tuple[str, str, str], int] = {}
    issues: list[dict[str, Any]] = []
    for alert in alerts:
        if not alert.path:
            continue
        key = (alert.rule_id, alert.path, alert.fingerprint or f"{alert.first}-{alert.last}")
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        description = alert.message + (f" Fix: {alert.fix}" if alert.fix else "")
        begin = max(alert.first, 1)
        issues.append(
            {
                "type": "issue",
                "description": clean_text(description),
                "check_name": alert.rule_id,
                "categories": ["Bug Risk"],
                "fingerprint": _fingerprint(alert, occurrence),
                "severity": alert.severity if alert.severity in SEVERITIES else "major",
                "location": {
                    "path": clean_text(alert.path),
                    "lines": {"begin": begin, "end": max(alert.last, begin)},
                },
            }
        )
    return issues
