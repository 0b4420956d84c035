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
from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.core.findings import finding_for, format_age
from ownit.core.model import Severity
from ownit.lsp.convert import finding_to_diagnostic, policy_problem_to_diagnostic
from ownit.lsp.server import RawJson

if TYPE_CHECKING:
    from ownit.lsp.server import OwnitServer
    from ownit.session import Document, Tracked

log = logging.getLogger(__name__)


def _region_json(
    server: OwnitServer, document: Document, tracked: Tracked, now: float, rule: str | None
) -> str | None:
    """The region's diagnostic as JSON text, from the cache while the region is unchanged
    (the session bumps its revision on any change) and its age reads the same."""
    age = format_age(now - tracked.region.created_at)
    if tracked.cache_revision == tracked.revision and tracked.cache_age == age:
        return tracked.cache_text or None
    severity = server.session.severity_for(document, tracked.state)
    history = tracked.history
    if history is not None and severity is not Severity.OFF and not history.owned:
        severity = Severity.HINT  # what history says is a hint; the store's regions warn
    commit = history.commit if history is not None else None
    finding = finding_for(tracked.state, now, severity, rule, commit, history)
    text = (
        json.dumps(finding_to_diagnostic(document.buffer, finding, server.encoding))
        if finding is not None
        else ""
    )
    tracked.cache_revision, tracked.cache_age, tracked.cache_text = tracked.revision, age, text
    return text or None


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
    for regions in (document.tracked, document.history):
        for tracked in regions.values():
            text = _region_json(server, document, tracked, now, rule)
            if text is not None:
                result.append(text)
    return result


def _write(server: OwnitServer, body: str) -> None:
    server.ownit_protocol.write_json(body)


def publish(server: OwnitServer, uri: str, *, only_if_changed: bool = False) -> None:
    """Send the document's diagnostics to a push client (pull clients ask for them).

    After an edit, ``only_if_changed`` skips the message when every diagnostic is what the
    client already has: it then already shows them at the right places (an edit that moves
    or reshapes a region changes its diagnostic), and most keystrokes cost no message.
    """
    if server.use_pull_diagnostics:
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
    _write(
        server,
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
            refresh(server, {uri})

    task = asyncio.ensure_future(run())
    server.background_tasks.add(task)
    task.add_done_callback(server.background_tasks.discard)


def clear(server: OwnitServer, uri: str) -> None:
    if not server.use_pull_diagnostics:
        _write(
            server,
            '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
            + json.dumps(uri)
            + ',"diagnostics":[]}}',
        )


def refresh(server: OwnitServer, uris: set[str]) -> None:
    """Diagnostics changed for reasons other than an edit (a claim, another process):
    push them again, or ask a pull client to pull; code lenses say the same, so ask the
    client to refresh those too."""
    workspace_caps = server.client_capabilities.workspace
    lenses = workspace_caps.code_lens if workspace_caps else None
    if uris and lenses is not None and lenses.refresh_support:
        server.protocol.send_request(types.WORKSPACE_CODE_LENS_REFRESH, None)
    if server.use_pull_diagnostics:
        workspace = server.client_capabilities.workspace
        diagnostics = workspace.diagnostics if workspace else None
        if diagnostics is not None and diagnostics.refresh_support:
            server.protocol.send_request(types.WORKSPACE_DIAGNOSTIC_REFRESH, None)
        return
    for uri in uris:
        publish(server, uri)


def register(server: OwnitServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="ownit", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    def pull(params: types.DocumentDiagnosticParams) -> RawJson:
        document = server.session.documents.get(params.text_document.uri)
        items = diagnostics_json(server, document) if document is not None else []
        return RawJson('{"kind":"full","items":[' + ",".join(items) + "]}")
