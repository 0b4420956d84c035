"""The baseline for the language-server benchmarks: the smallest useful pygls 2 server.

It keeps documents in sync incrementally (pygls's own workspace applies every change) and
answers each didOpen/didChange with one publishDiagnostics carrying an empty list. Anything
ownit does on top of this is the cost the ratios in `make bench` measure.

Run: ``python bench/bare_server.py`` (stdio). ``--diagnostics N`` makes it publish N
fixed one-line warnings instead of none: a reference for what pygls alone spends sending
as many diagnostics as ownit does (printed as a note, never used as the baseline).
"""

from __future__ import annotations

import argparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer(
    "ownit-bench-bare",
    "1",
    text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
)


FIXED_DIAGNOSTICS: list[types.Diagnostic] = []


def fixed_diagnostics(count: int) -> list[types.Diagnostic]:
    """``count`` warnings on lines 5, 25, 45, … (where the roundtrip benchmark's regions are)."""
    return [
        types.Diagnostic(
            range=types.Range(
                start=types.Position(line=20 * index + 5, character=0),
                end=types.Position(line=20 * index + 10, character=0),
            ),
            message="AI-written (copilot, 3 min ago) — not yet owned",
            severity=types.DiagnosticSeverity.Warning,
            source="bare",
            code="unowned-ai",
            data={"regionId": f"r{index:06d}"},
        )
        for index in range(count)
    ]


def _publish(ls: LanguageServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=FIXED_DIAGNOSTICS
        )
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="bare pygls baseline server (stdio)")
    parser.add_argument("--diagnostics", type=int, default=0, metavar="N")
    FIXED_DIAGNOSTICS.extend(fixed_diagnostics(parser.parse_args().diagnostics))
    server.start_io()
