"""SARIF 2.1.0 logs from alerts, and alerts back from them. Pure.

:func:`build` turns :class:`~ownit.core.alerts.Alert` s into one SARIF run: a result per
alert (its rule id is ownit's problem code), the rules with their help and fix, locations
relative to ``%SRCROOT%`` (the repository's root) with their line range, and
``partialFingerprints`` from ownit's content fingerprint of the lines, so that code
scanning follows an alert when its code moves. Notes (things worth knowing, not wrong)
are the invocation's notifications, not results.

:func:`read_alerts` reads the results of such a log back (the GitHub and GitLab outputs
are made from the SARIF that ``ownit verify`` writes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from ownit.core.alerts import ERROR, NOTE, SEVERITIES, Alert, RuleHelp, clean_text

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
# partialFingerprints keys: ownit's fingerprint of the flagged lines; for an alert about
# no lines (a claim naming a missing file), a hash of where it points instead.
CONTENT_KEY = "ownitContentFingerprint/v1"
LOCATION_KEY = "ownitLocationHash/v1"


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What the run is about, beside its alerts."""

    tool_version: str
    automation_id: str  # e.g. "ownit/verify/": one category per kind of analysis
    revision: str | None = None  # the commit analysed (the range's tip)
    repository_uri: str | None = None  # where the repository lives (no credentials)
    branch: str | None = None
    exit_code: int | None = None
    properties: Mapping[str, object] = field(default_factory=dict)


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference: every byte but unreserved
    characters and ``/`` percent-encoded (so ``:``, ``#``, ``%``, spaces and non-ASCII
    names survive), undecodable bytes kept as the bytes they were."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def path_of_uri(uri: str) -> str:
    """The path :func:`artifact_uri` encoded."""
    return unquote_to_bytes(uri).decode("utf-8", "surrogateescape")


def location_hash(rule_id: str, path: str, first: int, last: int) -> str:
    data = f"{rule_id}\0{path}\0{first}\0{last}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()[:16]


def _message(text: str) -> dict[str, str]:
    return {"text": clean_text(text) or "(no message)"}


def _descriptor(rule: RuleHelp, *, level: str) -> dict[str, Any]:
    help_text = f"{rule.full}\n\nHow to fix it: {rule.help}"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {
            "text": help_text,
            "markdown": f"{rule.full}\n\n**How to fix it:** {rule.help}",
        },
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["ownit", "ai-ownership"], "severity": rule.severity},
    }


def _location(alert: Alert) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(alert.path), "uriBaseId": SRCROOT}
    }
    if alert.first > 0:
        physical["region"] = {"startLine": alert.first, "endLine": max(alert.last, alert.first)}
    return {"physicalLocation": physical}


def _properties(alert: Alert) -> dict[str, Any]:
    props: dict[str, Any] = {
        key: clean_text(value) if isinstance(value, str) else value
        for key, value in alert.properties.items()
    }
    props["message"] = clean_text(alert.message)
    if alert.fix:
        props["fix"] = clean_text(alert.fix)
    props["severity"] = alert.severity
    return props


def _result(alert: Alert, index: Mapping[str, int]) -> dict[str, Any]:
    text = alert.message + (f"\nFix: {alert.fix}" if alert.fix else "")
    result: dict[str, Any] = {"ruleId": alert.rule_id}
    if alert.rule_id in index:
        result["ruleIndex"] = index[alert.rule_id]
    result["level"] = alert.level
    result["message"] = _message(text)
    if alert.path:
        result["locations"] = [_location(alert)]
    if alert.fingerprint:
        result["partialFingerprints"] = {CONTENT_KEY: alert.fingerprint}
    else:
        where = location_hash(alert.rule_id, alert.path, alert.first, alert.last)
        result["partialFingerprints"] = {LOCATION_KEY: where}
    result["properties"] = _properties(alert)
    return result


def _notification(alert: Alert) -> dict[str, Any]:
    note: dict[str, Any] = {
        "descriptor": {"id": alert.rule_id},
        "level": NOTE,
        "message": _message(alert.message),
    }
    if alert.path:
        note["locations"] = [_location(alert)]
    return note


def build(
    alerts: Sequence[Alert],
    rules: Sequence[RuleHelp],
    run: RunInfo,
    *,
    notes: Sequence[Alert] = (),
    note_rules: Sequence[RuleHelp] = (),
) -> dict[str, Any]:
    """One SARIF 2.1.0 log (a dict ready for ``json.dump``) with one run.

    ``rules``: every rule the tool has (all are listed, so code scanning knows them even
    when no alert uses them). An alert whose rule is not in ``rules`` still gets a
    result, without ``ruleIndex``.
    """
    index = {rule.id: at for at, rule in enumerate(rules)}
    driver: dict[str, Any] = {
        "name": "ownit",
        "fullName": "ownit: ownership of AI-written code",
        "version": run.tool_version,
        "semanticVersion": run.tool_version,
        "rules": [_descriptor(rule, level=ERROR) for rule in rules],
    }
    if note_rules:
        driver["notifications"] = [_descriptor(rule, level=NOTE) for rule in note_rules]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if run.exit_code is not None:
        invocation["exitCode"] = run.exit_code
    if notes:
        invocation["toolExecutionNotifications"] = [_notification(n) for n in notes]
    out: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": run.automation_id},
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The root of the repository's working tree."}}
        },
        "invocations": [invocation],
        "results": [_result(alert, index) for alert in alerts],
    }
    if run.repository_uri and run.revision:
        provenance: dict[str, Any] = {
            "repositoryUri": run.repository_uri,
            "revisionId": run.revision,
            "mappedTo": {"uriBaseId": SRCROOT},
        }
        if run.branch:
            provenance["branch"] = clean_text(run.branch)
        out["versionControlProvenance"] = [provenance]
    if run.properties:
        out["properties"] = dict(run.properties)
    return {"$schema": SCHEMA_URI, "version": VERSION, "runs": [out]}


# --------------------------------------------------------------------------- reading


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _read_result(result: Mapping[str, Any], rules: Sequence[Any]) -> Alert:
    rule_id = _str(result.get("ruleId"))
    rule_index = result.get("ruleIndex")
    rule: Mapping[str, Any] = {}
    if isinstance(rule_index, int) and 0 <= rule_index < len(rules):
        rule = rules[rule_index] if isinstance(rules[rule_index], Mapping) else {}
        rule_id = rule_id or _str(rule.get("id"))
    props = result.get("properties")
    props = dict(props) if isinstance(props, Mapping) else {}
    message = _str(props.pop("message", None)) or _str((result.get("message") or {}).get("text"))
    fix = _str(props.pop("fix", None))
    severity = _str(props.pop("severity", None))
    if severity not in SEVERITIES:
        rule_props = rule.get("properties") if isinstance(rule, Mapping) else None
        severity = _str((rule_props or {}).get("severity")) or "major"
        severity = severity if severity in SEVERITIES else "major"
    path, first, last = "", 0, 0
    locations = result.get("locations")
    if isinstance(locations, list) and locations and isinstance(locations[0], Mapping):
        physical = locations[0].get("physicalLocation") or {}
        uri = _str((physical.get("artifactLocation") or {}).get("uri"))
        path = path_of_uri(uri)
        region = physical.get("region") or {}
        first = _int(region.get("startLine"))
        last = _int(region.get("endLine")) or first
    fingerprints = result.get("partialFingerprints")
    fingerprint = None
    if isinstance(fingerprints, Mapping):
        fingerprint = _str(fingerprints.get(CONTENT_KEY)) or None
    level = _str(result.get("level")) or _str(
        ((rule.get("defaultConfiguration") if isinstance(rule, Mapping) else None) or {}).get(
            "level"
        )
    )
    return Alert(
        rule_id=rule_id,
        message=message,
        path=path,
        first=first,
        last=last,
        fingerprint=fingerprint,
        level=level or "warning",
        severity=severity,
        fix=fix,
        properties=props,
    )


def read_alerts(log: Mapping[str, Any]) -> list[Alert]:
    """The results of every run of a SARIF log, as alerts (what a result does not say is
    left empty; a result with no level takes its rule's default level)."""
    alerts: list[Alert] = []
    runs = log.get("runs")
    for run in runs if isinstance(runs, list) else []:
        if not isinstance(run, Mapping):
            continue
        driver = (run.get("tool") or {}).get("driver") or {}
        found = driver.get("rules")
        rules: list[Any] = found if isinstance(found, list) else []
        results = run.get("results")
        for result in results if isinstance(results, list) else []:
            if isinstance(result, Mapping):
                alerts.append(_read_result(result, rules))
    return alerts


def run_properties(log: Mapping[str, Any]) -> dict[str, Any]:
    """The ``properties`` of the log's first run (what ``ownit verify`` says of the range)."""
    runs = log.get("runs")
    if isinstance(runs, list) and runs and isinstance(runs[0], Mapping):
        props = runs[0].get("properties")
        if isinstance(props, Mapping):
            return dict(props)
    return {}
