"""ownit's AI-written ranges as Agent Trace records (spec v0.1). Pure: no I/O.

One record per AI tool (the record's ``tool`` is the tool that produced the code), with
``files[].conversations[]`` grouped by model and session and ``ranges[]`` of 1-based
inclusive lines, each with a ``content_hash`` (``sha256:`` over the lines without their
trailing whitespace, joined with ``\\n``: what ``ownit import agent-trace`` and other
readers use to find the lines again after they move). ownit records no version of the AI
tool, so ``tool.version`` (which the published schema requires) is ``unknown``; who wrote
the record is in ``metadata["dev.ownit"]``.

The spec's JSON schema asks for ``version`` as ``MAJOR.MINOR`` (``0.1``), ``id`` a UUID,
``timestamp`` RFC 3339 in UTC (``…Z``) and a conversation ``url`` that is a URI: a
session that is not one is left out of the record.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ownit.core.fingerprint import normalize_line

SPEC_VERSION = "0.1"
UNKNOWN_VERSION = "unknown"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


@dataclass(frozen=True, slots=True)
class ExportRange:
    path: str  # repo-relative, `/`
    first: int  # 1-based
    last: int  # inclusive
    lines: tuple[str, ...]  # the text of first..last
    tool: str
    model: str | None = None
    session: str | None = None


def content_hash(lines: Iterable[str]) -> str:
    joined = "\n".join(normalize_line(line) for line in lines)
    return "sha256:" + hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def split_tool(token: str) -> tuple[str, str | None]:
    """A trailer's ``tool`` or ``tool:model`` token → (tool, model)."""
    tool, _, model = token.partition(":")
    return tool or "unknown", model or None


def _conversation(model: str | None, session: str | None, ranges: list[ExportRange]) -> Any:
    contributor: dict[str, str] = {"type": "ai"}
    if model:
        contributor["model_id"] = model[:250]
    conversation: dict[str, Any] = {}
    if session and _URI.match(session):
        conversation["url"] = session
    conversation["contributor"] = contributor
    conversation["ranges"] = [
        {"start_line": r.first, "end_line": r.last, "content_hash": content_hash(r.lines)}
        for r in sorted(ranges, key=lambda r: (r.first, r.last))
    ]
    return conversation


def build_records(
    ranges: Sequence[ExportRange],
    *,
    revision: str | None,
    timestamp: str,
    new_id: Callable[[], str],
    exporter: str,
    scope: str,
) -> list[dict[str, Any]]:
    """The Agent Trace records of ``ranges`` (one per tool, tools in name order).

    ``revision``: the git commit the line numbers refer to, or None (the working tree, not
    a commit: no ``vcs``). ``scope`` says what was exported, for ``metadata``.
    """
    by_tool: dict[str, dict[str, dict[tuple[str, str], list[ExportRange]]]] = {}
    for item in ranges:
        files = by_tool.setdefault(item.tool, {})
        conversations = files.setdefault(item.path, {})
        conversations.setdefault((item.model or "", item.session or ""), []).append(item)
    records: list[dict[str, Any]] = []
    for tool in sorted(by_tool):
        record: dict[str, Any] = {"version": SPEC_VERSION, "id": new_id(), "timestamp": timestamp}
        if revision is not None:
            record["vcs"] = {"type": "git", "revision": revision}
        record["tool"] = {"name": tool, "version": UNKNOWN_VERSION}
        record["files"] = [
            {
                "path": path,
                "conversations": [
                    _conversation(model or None, session or None, items)
                    for (model, session), items in sorted(conversations.items())
                ],
            }
            for path, conversations in sorted(by_tool[tool].items())
        ]
        record["metadata"] = {"dev.ownit": {"exporter": exporter, "scope": scope}}
        records.append(record)
    return records
