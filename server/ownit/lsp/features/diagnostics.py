"""Push diagnostics (publishDiagnostics) or, for clients that pull, textDocument/diagnostic."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ownit.core.findings import finding_for
from ownit.lsp.convert import JsonDict, finding_to_diagnostic

if TYPE_CHECKING:
    from ownit.lsp.server import OwnitServer
    from ownit.session import Document


def diagnostics_for(server: OwnitServer, document: Document) -> list[JsonDict]:
    now = time.time()
    severity = server.session.severity_for
    result = []
    for tracked in document.tracked.values():
        finding = finding_for(tracked.state, now, severity(document, tracked.state))
        if finding is not None:
            result.append(finding_to_diagnostic(document.buffer, finding, server.encoding))
    return result


def publish(server: OwnitServer, uri: str) -> None:
    """Send the document's diagnostics (push clients) or ask pull clients to refresh."""
    document = server.session.documents.get(uri)
    if server.use_pull_diagnostics:
        return
    params: dict[str, Any] = {
        "uri": uri,
        "diagnostics": diagnostics_for(server, document) if document is not None else [],
    }
    if document is not None and document.version is not None:
        params["version"] = document.version
    # Plain JSON straight to the transport: hundreds of diagnostics per keystroke would
    # otherwise go through a structured (cattrs) round trip each time.
    server.protocol._send_data(
        {"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params}
    )


def clear(server: OwnitServer, uri: str) -> None:
    if not server.use_pull_diagnostics:
        server.protocol._send_data(
            {
                "jsonrpc": "2.0",
                "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                "params": {"uri": uri, "diagnostics": []},
            }
        )


def refresh(server: OwnitServer, uris: set[str]) -> None:
    """Diagnostics changed for reasons other than an edit (a claim, another process)."""
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
    def pull(params: types.DocumentDiagnosticParams) -> dict[str, Any]:
        document = server.session.documents.get(params.text_document.uri)
        items = diagnostics_for(server, document) if document is not None else []
        return {"kind": "full", "items": items}
