"""The baseline for the language-server benchmarks: the smallest useful pygls 2 server.

It keeps documents in sync incrementally (pygls's own workspace applies every change) and
answers each didOpen/didChange with one publishDiagnostics carrying an empty list. Anything
ownit does on top of this is the cost the ratios in `make bench` measure.

Run: ``python bench/bare_server.py`` (stdio). ``--diagnostics N`` makes it publish N
fixed one-line warnings instead of none: a reference for what pygls alone spends sending
as many diagnostics as ownit does (printed as a note, never used as the baseline).
``--raw-diagnostics FILE`` publishes the JSON array in FILE instead, as text made once at
start and written as it is (no serialization per publish): the floor for a server that,
like ownit, writes its diagnostics as pre-made JSON (``OwnitProtocol.write_json``).
"""

from __future__ import annotations

import argparse
import json

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer(
    "ownit-bench-bare",
    "1",
    text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
)


FIXED_DIAGNOSTICS: list[types.Diagnostic] = []
RAW_DIAGNOSTICS: list[str] = []  # the JSON array text, when --raw-diagnostics is given


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
    if RAW_DIAGNOSTICS:
        _write_raw(ls, uri, document.version)
        return
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=FIXED_DIAGNOSTICS
        )
    )


def _write_raw(ls: LanguageServer, uri: str, version: int | None) -> None:
    """One publishDiagnostics whose diagnostics are the pre-made JSON, framed and written
    as pygls frames every message."""
    body = (
        '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
        + json.dumps(uri)
        + ("" if version is None else f',"version":{version}')
        + ',"diagnostics":'
        + RAW_DIAGNOSTICS[0]
        + "}}"
    ).encode("utf-8")
    header = (
        f"Content-Length: {len(body)}\r\n"
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
    ).encode("ascii")
    writer = ls.protocol.writer
    assert writer is not None
    writer.write(header + body)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="bare pygls baseline server (stdio)")
    parser.add_argument("--diagnostics", type=int, default=0, metavar="N")
    parser.add_argument("--raw-diagnostics", metavar="FILE")
    args = parser.parse_args()
    FIXED_DIAGNOSTICS.extend(fixed_diagnostics(args.diagnostics))
    if args.raw_diagnostics:
        with open(args.raw_diagnostics, encoding="utf-8") as raw:
            RAW_DIAGNOSTICS.append(raw.read())
    server.start_io()
