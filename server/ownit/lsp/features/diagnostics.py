"""Push diagnostics (publishDiagnostics) or, for clients that pull, textDocument/diagnostic.

This is the keystroke path: every didChange publishes the document's diagnostics. Each
region's diagnostic is serialized once and reused until something it shows changes (its
lines, the last line's text, its message); a publish is then a string join and one write.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.core.findings import Finding, finding_for, format_age
from ownit.core.model import Severity
from ownit.lsp.convert import finding_to_json, policy_problem_to_diagnostic
from ownit.lsp.facade import RawJson

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer
    from ownit.session import Document, Tracked

log = logging.getLogger(__name__)


_HEAD = '{"range": {"start": {"line": '
_MIDDLE = ', "character": 0}, "end": {"line": '


class _Shown:
    """A region's diagnostic as last made (``Tracked.shown``): the JSON after its two line
    numbers, and what it was made from. A region that only moved by whole lines (an edit
    above it) needs nothing but its new line numbers."""

    __slots__ = ("age", "revision", "tail")

    def __init__(self, revision: int, age: str, tail: str | None) -> None:
        self.revision, self.age, self.tail = revision, age, tail


def _lines_shown(document: Document, tracked: Tracked) -> tuple[int, int]:
    """The first and last line numbers a region's diagnostic shows (convert's rule)."""
    count = document.buffer.line_count()
    region = tracked.region
    return min(region.first_line, count - 1), max(
        region.first_line, min(region.end_line, count) - 1
    )


# What a finding reads of a region with no claim, dismissal or history behind it, but its
# id and lines: regions alike in these share their finding (in one publish).
_Shape = tuple[object, int, str, str | None, str]


def _region_json(
    server: OwnitServer,
    document: Document,
    tracked: Tracked,
    now: float,
    rule: str | None,
    shapes: dict[_Shape, Finding | None],
) -> str | None:
    """The region's diagnostic as JSON text, remade only when something it shows changed
    (the session bumps the region's revision then) or its age reads differently."""
    region = tracked.region
    age = format_age(now - region.created_at)
    shown = tracked.shown
    if isinstance(shown, _Shown) and shown.revision == tracked.revision and shown.age == age:
        if shown.tail is None:
            return None
        first, last = _lines_shown(document, tracked)
        return f"{_HEAD}{first}{_MIDDLE}{last}{shown.tail}"
    state = tracked.state
    shape: _Shape | None = None
    if tracked.history is None and state.claim is None and state.dismissal is None:
        shape = (region.source, region.line_count, region.tool, region.model, age)
        if shape in shapes:  # (a document opened with thousands: most are alike)
            like = shapes[shape]
            finding = (
                None
                if like is None
                else Finding(
                    region.id,
                    region.first_line,
                    region.end_line,
                    like.code,
                    like.severity,
                    like.message,
                    like.evidence,
                )
            )
            return _remember(document, tracked, age, finding, server.encoding)
    finding = _finding(server, document, tracked, now, rule)
    if shape is not None:
        shapes[shape] = finding
    return _remember(document, tracked, age, finding, server.encoding)


def _finding(
    server: OwnitServer, document: Document, tracked: Tracked, now: float, rule: str | None
) -> Finding | None:
    issue = server.session.policy_issue(document, tracked.state)
    severity = server.session.severity_for(document, tracked.state, issue)
    history = tracked.history
    if history is not None and severity is not Severity.OFF and not history.owned and not issue:
        severity = Severity.HINT  # what history says is a hint; the store's regions warn
    commit = history.commit if history is not None else None
    invalid = history.invalid if history is not None else ""
    return finding_for(
        tracked.state,
        now,
        severity,
        rule,
        commit,
        history=history,
        issue=issue,
        history_invalid=invalid,
    )


def _remember(
    document: Document, tracked: Tracked, age: str, finding: Finding | None, encoding: str | None
) -> str | None:
    """The finding as JSON text, kept (after its line numbers) in ``tracked.shown``."""
    if finding is None:
        tracked.shown = _Shown(tracked.revision, age, None)
        return None
    text = finding_to_json(document.buffer, finding, encoding)
    lines = _lines_shown(document, tracked)
    head = f"{_HEAD}{lines[0]}{_MIDDLE}{lines[1]}"
    # (finding_to_json always starts so; anything else is never reused for other lines)
    reusable = text.startswith(head)
    tracked.shown = _Shown(tracked.revision if reusable else -1, age, text[len(head) :])
    return text


def diagnostics_json(server: OwnitServer, document: Document) -> list[str]:
    """The document's diagnostics, each as JSON text."""
    session = server.session
    result = [
        json.dumps(policy_problem_to_diagnostic(document.buffer, problem, server.encoding))
        for problem in session.policy_problems(document)
    ]
    now = time.time()
    effective = server.session.rule_for(document)
    # What the message names: the rule that applies, said truly (EffectiveRule.rule_phrase);
    # nothing when only the defaults apply.
    rule = (
        effective.rule_phrase(effective.rule_name)
        if effective is not None and effective.rule_name != "defaults"
        else None
    )
    shapes: dict[_Shape, Finding | None] = {}
    for regions in (document.tracked, document.history):
        for tracked in regions.values():
            text = _region_json(server, document, tracked, now, rule, shapes)
            if text is not None:
                result.append(text)
    return result


def publish(server: OwnitServer, uri: str, *, only_if_changed: bool = False) -> None:
    """Send the document's diagnostics to a push client (pull clients ask for them).

    After an edit, ``only_if_changed`` skips the message when every diagnostic is what the
    client already has: it then already shows them at the right places (an edit that moves
    or reshapes a region changes its diagnostic), and most keystrokes cost no message.
    """
    if server.client.pull_diagnostics:
        return
    document = server.session.documents.get(uri)
    if (
        only_if_changed
        and document is not None
        and document.revision == document.published_revision
    ):
        return  # nothing shown can have changed: not even worth computing
    items = diagnostics_json(server, document) if document is not None else []
    if document is not None:
        document.published_revision = document.revision
        if only_if_changed and items == document.published:
            return
        document.published = items
    version = (
        f',"version":{document.version}'
        if document is not None and document.version is not None
        else ""
    )
    server.write_json(
        '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
        + json.dumps(uri)
        + version
        + ',"diagnostics":['
        + ",".join(items)
        + "]}}",
    )


def schedule_history(server: OwnitServer, uri: str) -> None:
    """Compute the document's history hints in a worker thread (git blame, claim index),
    then show them: never on the keystroke path."""
    inputs = server.session.history_inputs(uri)
    if inputs is None:
        return
    context, key, text = inputs

    async def run() -> None:
        try:
            runs = await asyncio.get_running_loop().run_in_executor(
                None, server.session.compute_history, context, key, text
            )
        except Exception:
            log.exception("history hints for %s", uri)
            return
        if server.session.set_history(uri, runs, text):
            server.refresh({uri})

    server.run_in_background(asyncio.ensure_future(run()))


def clear(server: OwnitServer, uri: str) -> None:
    if not server.client.pull_diagnostics:
        server.write_json(
            '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
            + json.dumps(uri)
            + ',"diagnostics":[]}}',
        )


def refresh(server: OwnitServer, uris: Iterable[str]) -> None:
    """Diagnostics changed for reasons other than an edit (a claim, another process):
    push them again, or ask a pull client to pull; code lenses say the same, so ask the
    client to refresh those too."""
    uris = set(uris)
    client = server.client
    if uris and client.code_lens_refresh:
        server.protocol.send_request(types.WORKSPACE_CODE_LENS_REFRESH, None)
    if client.pull_diagnostics:
        if client.diagnostic_refresh:
            server.protocol.send_request(types.WORKSPACE_DIAGNOSTIC_REFRESH, None)
        return
    for uri in uris:
        publish(server, uri)


class _Service:
    """The diagnostics services of the server (``OwnitServer.publish`` and friends)."""

    def __init__(self, server: OwnitServer) -> None:
        self._server = server

    def publish(self, uri: str, *, only_if_changed: bool = False) -> None:
        publish(self._server, uri, only_if_changed=only_if_changed)

    def refresh(self, uris: Iterable[str]) -> None:
        refresh(self._server, uris)

    def clear(self, uri: str) -> None:
        clear(self._server, uri)

    def schedule_history(self, uri: str) -> None:
        schedule_history(self._server, uri)


def register(server: OwnitServer) -> None:
    server.provide(diagnostics=_Service(server))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="ownit", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    def pull(params: types.DocumentDiagnosticParams) -> RawJson:
        document = server.session.loaded(params.text_document.uri)
        items = diagnostics_json(server, document) if document is not None else []
        return RawJson('{"kind":"full","items":[' + ",".join(items) + "]}")
