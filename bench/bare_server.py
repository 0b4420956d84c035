"""The baseline for the language-server benchmarks: the smallest useful pygls 2 server.

It keeps documents in sync incrementally (pygls's own workspace applies every change) and
answers each didOpen/didChange with one publishDiagnostics carrying an empty list. Anything
ownit does on top of this is the cost the ratios in `make bench` measure.

Run: ``python bench/bare_server.py`` (stdio).
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer(
    "ownit-bench-bare",
    "1",
    text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
)


def _publish(ls: LanguageServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=document.version, diagnostics=[])
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


if __name__ == "__main__":
    server.start_io()
