"""The real `ownit lsp` over stdio under pytest-lsp, replaying the capability sets of VS Code
(utf-16), Neovim (utf-8 first, pull diagnostics) and Emacs (utf-32 first), on a CRLF file
with characters outside the BMP so that position encodings matter."""

from __future__ import annotations

import asyncio
import copy
import re
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, LanguageClientProtocol, client_capabilities
from pytest_lsp.client import register_lsp_features

from .harness import (
    DISMISS_TITLE,
    GIT_EMAIL,
    GIT_NAME,
    OWN_ABOVE_TITLE,
    OWN_TITLE,
    PLACEHOLDER_RATIONALE,
    REAL_RATIONALE,
    Workspace,
    assert_says_why,
    covered_lines,
    make_workspace,
)

WAIT_S = 15  # hang guard for one awaited answer; never a timing assertion

# CRLF line ends; astral characters (2 UTF-16 units, 4 UTF-8 bytes, 1 code point) before and
# inside the regions.
TEXT_LINES = [
    "# 🦀 crab-safe helpers 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",  # 0
    'BANNER = "😀 hello 😀"',  # 1
    "",  # 2
    "def greet(name):",  # 3  <- claim region 3-5
    '    mark = "🎉🎉"',  # 4
    '    return f"{mark} {name} 🎈 {BANNER}"',  # 5
    "",  # 6
    "",  # 7
    "def shout(text):",  # 8  <- comment region 8-9
    '    return text.upper() + "🔊"',  # 9
    "",  # 10
    'print(greet("𝔴𝔬𝔯𝔩𝔡"))',  # 11
]
TEXT = "\r\n".join(TEXT_LINES) + "\r\n"
CLAIM_LINES = (3, 5)
COMMENT_LINES = (8, 9)
COMMENT_RATIONALE = "Uppercases and appends a speaker; exercised by test_shout"

KNOWN_SOURCES = (
    "agent-hook",
    "inline-completion",
    "chat-edit",
    "manual",
    "commit-trailer",
    "heuristic",
)

CONVERTER = default_converter()  # type: ignore[no-untyped-call]

CAPABILITY_SETS = ["visual-studio-code", "neovim", "emacs"]


def units(text: str, encoding: str) -> int:
    """Length of `text` in the position units of `encoding`."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def split_lines(text: str) -> list[str]:
    """Lines as LSP sees them (\r\n, \r and \n end a line), each with its line break."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def to_index(text: str, pos: dict[str, int], encoding: str) -> int:
    """String index of an LSP position given in `encoding` units."""
    lines = split_lines(text)
    if pos["line"] >= len(lines):
        return len(text)
    start = sum(len(line) for line in lines[: pos["line"]])
    content = lines[pos["line"]].rstrip("\r\n")
    count = 0
    for i, char in enumerate(content):
        if count >= pos["character"]:
            return start + i
        count += units(char, encoding)
    return start + len(content)


class RawProtocol(LanguageClientProtocol):
    """Keeps every message from the server as received, before lsprotocol reads it: a
    CodeAction with a `command` field comes out of the client-side converter as a Command
    (CLIENTS.md), so titles, commands and errors are read from the raw JSON."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]
        self.raw_responses: dict[str, dict[str, Any]] = {}

    _plain_method: str | None = None

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "id" in data and "method" not in data:
            # a copy: what pygls builds from the message may share (and change) its parts
            self.raw_responses[str(data["id"])] = copy.deepcopy(data)
        return super().structure_message(data)

    async def send_plain_request(self, method: str, params: Any, msg_id: str) -> Any:
        """Send `params` exactly as given (plain JSON, even malformed) and keep the answer
        plain JSON: no lsprotocol types on the way out or back."""
        self._plain_method = method
        try:
            future = super(LanguageClientProtocol, self).send_request_async(
                method, params, msg_id=msg_id
            )
        finally:
            self._plain_method = None
        return await future

    def get_message_type(self, method: str) -> Any:  # type: ignore[override]
        return None if method == self._plain_method else super().get_message_type(method)

    def get_result_type(self, method: str) -> Any:  # type: ignore[override]
        return None if method == self._plain_method else super().get_result_type(method)


@dataclass
class Session:
    client: LanguageClient
    ws: Workspace
    uri: str
    encoding: str
    init: types.InitializeResult
    text: str = TEXT
    version: int = 1
    applied_edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def protocol(self) -> RawProtocol:
        proto = self.client.protocol
        assert isinstance(proto, RawProtocol)
        return proto

    async def raw_request(self, method: str, params: Any) -> dict[str, Any]:
        """Send a request; return the server's raw response (a `result` or an `error`)."""
        msg_id = str(uuid.uuid4())
        try:
            async with asyncio.timeout(WAIT_S):
                await self.protocol.send_plain_request(method, params, msg_id)
        except JsonRpcException:
            pass
        except TimeoutError:
            pytest.fail(f"{method}: no response within {WAIT_S} s (params {params})")
        return self.protocol.raw_responses.pop(msg_id)

    async def execute(self, command: str, argument: dict[str, Any]) -> dict[str, Any]:
        return await self.raw_request(
            "workspace/executeCommand", {"command": command, "arguments": [argument]}
        )

    def pushed(self) -> list[dict[str, Any]]:
        """The ownit diagnostics last published for the document, as plain JSON."""
        diagnostics = self.client.diagnostics.get(self.uri, [])
        return [raw_diagnostic(d) for d in diagnostics if d.source == "ownit"]

    async def diagnostics(self) -> list[dict[str, Any]]:
        """The document's ownit diagnostics: pulled from a client that pulls (the server then
        pushes none), else the last pushed ones."""
        return await self.pull() if self.pull_supported() else self.pushed()

    async def wait_diagnostics(
        self, what: str, predicate: Callable[[list[dict[str, Any]]], bool]
    ) -> list[dict[str, Any]]:
        pulling = self.pull_supported()
        try:
            async with asyncio.timeout(WAIT_S):
                while not predicate(have := await self.diagnostics()):
                    if pulling:
                        await asyncio.sleep(0.05)  # poll; the timeout above guards hangs
                    else:
                        await self.client.wait_for_notification("textDocument/publishDiagnostics")
        except TimeoutError:
            pytest.fail(f"timed out waiting for {what}; have {await self.diagnostics()}")
        return have

    def pull_supported(self) -> bool:
        caps = self.client.capabilities
        return bool(
            caps
            and caps.text_document
            and caps.text_document.diagnostic is not None
            and self.init.capabilities.diagnostic_provider is not None
        )

    async def pull(self) -> list[dict[str, Any]]:
        response = await self.raw_request(
            "textDocument/diagnostic", {"textDocument": {"uri": self.uri}}
        )
        assert "result" in response, response
        assert response["result"]["kind"] == "full", response
        return [d for d in response["result"]["items"] if d.get("source") == "ownit"]

    async def hover(self, line: int) -> str:
        # a position past the astral characters of the line, in the negotiated units
        content = self.line(line)
        position = {"line": line, "character": units(content, self.encoding)}
        response = await self.raw_request(
            "textDocument/hover", {"textDocument": {"uri": self.uri}, "position": position}
        )
        assert response.get("result"), response
        contents = response["result"]["contents"]
        if isinstance(contents, dict):
            return str(contents["value"])
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else c["value"] for c in contents)
        return str(contents)

    async def code_actions(
        self, line: int, diagnostics: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        response = await self.raw_request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": self.uri},
                "range": {
                    "start": {"line": line, "character": 0},
                    "end": {"line": line, "character": units(self.line(line), self.encoding)},
                },
                "context": {"diagnostics": diagnostics, "triggerKind": 1},
            },
        )
        assert "result" in response, response
        return list(response["result"] or [])

    def apply_workspace_edit(self, edit: dict[str, Any]) -> None:
        """What an editor does with a WorkspaceEdit: apply it to the open document and tell
        the server (one didChange per text edit, bottom up so positions stay valid)."""
        edits: list[dict[str, Any]] = list((edit.get("changes") or {}).get(self.uri, []))
        for doc_change in edit.get("documentChanges") or []:
            if doc_change.get("textDocument", {}).get("uri") == self.uri:
                edits.extend(doc_change["edits"])
        for text_edit in sorted(
            edits,
            key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
            reverse=True,
        ):
            self.change(
                text_edit["range"]["start"], text_edit["range"]["end"], text_edit["newText"]
            )

    def line(self, n: int) -> str:
        return split_lines(self.text)[n].rstrip("\r\n")

    def change(self, start: dict[str, int], end: dict[str, int], new_text: str) -> None:
        """Apply an edit (positions in negotiated units) and tell the server, incrementally."""
        a, b = to_index(self.text, start, self.encoding), to_index(self.text, end, self.encoding)
        self.text = self.text[:a] + new_text + self.text[b:]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(**start), end=types.Position(**end)),
                        text=new_text,
                    )
                ],
            )
        )


def raw_diagnostic(diag: types.Diagnostic) -> dict[str, Any]:
    """A diagnostic as the client got it, to send back in a code action context."""
    raw: dict[str, Any] = CONVERTER.unstructure(diag)
    return raw


def negotiated_encoding(caps: types.ClientCapabilities, init: types.InitializeResult) -> str:
    offered = [str(e) for e in ((caps.general and caps.general.position_encodings) or [])]
    chosen = init.capabilities.position_encoding
    if chosen is None:
        return "utf-16"
    chosen = str(chosen.value if hasattr(chosen, "value") else chosen)
    assert chosen in offered or chosen == "utf-16", (chosen, offered)
    return chosen


@pytest.fixture(params=CAPABILITY_SETS)
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Session]:
    ws = make_workspace(tmp_path, "", name="greet.py")
    ws.file.write_bytes(TEXT.encode("utf-8"))  # CRLF exactly, not through git's filters
    client = LanguageClient(protocol_cls=RawProtocol, converter_factory=default_converter)
    register_lsp_features(client)
    applied: list[dict[str, Any]] = []
    holder: list[Session] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)  # type: ignore[untyped-decorator]
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        edit: dict[str, Any] = CONVERTER.unstructure(params.edit)
        applied.append(edit)
        holder[0].apply_workspace_edit(edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    await client.start_io(sys.executable, "-m", "ownit", "lsp", env=ws.env, cwd=str(ws.root))
    caps = client_capabilities(request.param)
    root_uri = ws.root.as_uri()
    async with asyncio.timeout(WAIT_S):
        init = await client.initialize_session(
            types.InitializeParams(
                capabilities=caps,
                root_uri=root_uri,
                workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="repo")],
            )
        )
    encoding = negotiated_encoding(caps, init)
    uri = ws.file.as_uri()
    sess = Session(client, ws, uri, encoding, init, applied_edits=applied)
    holder.append(sess)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=TEXT
            )
        )
    )
    yield sess
    async with asyncio.timeout(WAIT_S):
        await client.shutdown_session()


def assert_region_diagnostic(
    sess: Session, diag: dict[str, Any], first: int, last: int, region_id: str
) -> None:
    assert diag["source"] == "ownit", diag
    assert diag["code"] == "unowned-ai", diag
    # docs/lsp.md fixes the data to exactly {"regionId": …, "evidence": …}: clients key on
    # the id; the evidence class of a region marked by hand is exact.
    assert diag["data"] == {"regionId": region_id, "evidence": "exact"}, diag
    assert covered_lines(diag["range"]) == (first, last), diag
    start, end = diag["range"]["start"], diag["range"]["end"]
    assert start == {"line": first, "character": 0}, diag
    # The end is either the start of the next line or the end of the last line — counted in
    # the negotiated units (the last lines hold astral characters).
    assert end in (
        {"line": last + 1, "character": 0},
        {"line": last, "character": units(sess.line(last), sess.encoding)},
    ), (diag, sess.encoding)


async def mark(sess: Session, first: int, last: int) -> str:
    # From the start of `first` to the middle of `last` (after its astral characters), in the
    # negotiated units: the region is the lines the range touches.
    last_line = sess.line(last)
    end_char = units(last_line[: len(last_line) - 1], sess.encoding)
    response = await sess.execute(
        "ownit.markAi",
        {
            "uri": sess.uri,
            "range": {
                "start": {"line": first, "character": 0},
                "end": {"line": last, "character": end_char},
            },
            "tool": "copilot",
        },
    )
    assert "result" in response, response
    region_id = response["result"]["regionId"]
    assert isinstance(region_id, str) and region_id
    return region_id


async def test_mark_claim_clear(session: Session) -> None:
    sess = session
    first, last = CLAIM_LINES
    region_id = await mark(sess, first, last)

    (raw,) = await sess.wait_diagnostics("the unowned-ai diagnostic", lambda d: len(d) == 1)
    assert_region_diagnostic(sess, raw, first, last, region_id)
    if sess.pull_supported():
        # whatever was also pushed says the same
        assert all(d == raw for d in sess.pushed()), sess.pushed()

    hover = await sess.hover(last)
    assert "copilot" in hover, hover
    assert any(source in hover for source in KNOWN_SOURCES), hover
    assert re.search(r"\bago\b|just now|\bnow\b|second|minute", hover), hover

    titles = [a["title"] for a in await sess.code_actions(first, [raw])]
    assert OWN_TITLE in titles, titles
    assert DISMISS_TITLE in titles, titles

    rejected = await sess.execute(
        "ownit.claim", {"uri": sess.uri, "regionId": region_id, "rationale": PLACEHOLDER_RATIONALE}
    )
    assert "error" in rejected, f"placeholder rationale accepted: {rejected}"
    assert_says_why(rejected["error"]["message"])
    assert len(await sess.diagnostics()) == 1

    claimed = await sess.execute(
        "ownit.claim", {"uri": sess.uri, "regionId": region_id, "rationale": REAL_RATIONALE}
    )
    assert "result" in claimed, claimed
    await sess.wait_diagnostics("the diagnostic to clear", lambda d: d == [])

    owned = await sess.hover(last)
    assert REAL_RATIONALE in owned, owned
    assert GIT_NAME in owned or GIT_EMAIL in owned, owned

    status = await sess.execute("ownit.status", {})
    assert "result" in status, status
    assert region_id not in repr(status["result"]), status


async def test_comment_rationale_flow(session: Session) -> None:
    sess = session
    first, last = COMMENT_LINES
    region_id = await mark(sess, first, last)
    await sess.wait_diagnostics("the unowned-ai diagnostic", lambda d: len(d) == 1)

    status = await sess.execute("ownit.status", {})
    assert "result" in status and region_id in repr(status["result"]), status

    comment = f"# ownit: {COMMENT_RATIONALE}\r\n"
    at = {"line": first, "character": 0}
    sess.change(at, at, comment)
    (raw,) = await sess.wait_diagnostics(
        "the diagnostic to follow the region a line down",
        lambda d: len(d) == 1 and d[0]["range"]["start"]["line"] == first + 1,
    )
    assert_region_diagnostic(sess, raw, first + 1, last + 1, region_id)

    actions = await sess.code_actions(first + 1, [raw])
    by_title = {a["title"]: a for a in actions}
    assert OWN_ABOVE_TITLE in by_title, list(by_title)
    action = by_title[OWN_ABOVE_TITLE]
    # Run it the way an editor does: its edit first, then its command.
    if action.get("edit"):
        sess.apply_workspace_edit(action["edit"])
    if action.get("command"):
        command = action["command"]
        response = await sess.raw_request(
            "workspace/executeCommand",
            {"command": command["command"], "arguments": command.get("arguments", [])},
        )
        assert "result" in response, response

    await sess.wait_diagnostics("the diagnostic to clear", lambda d: d == [])
    assert sess.applied_edits, "the server sent no workspace/applyEdit"
    assert sess.text == TEXT, "the comment line was not removed (exactly)"
    assert COMMENT_RATIONALE in await sess.hover(first)


async def test_malformed_code_action_gets_an_error(session: Session) -> None:
    sess = session
    region_id = await mark(sess, *CLAIM_LINES)
    (diag,) = await sess.wait_diagnostics("the unowned-ai diagnostic", lambda d: len(d) == 1)
    broken = copy.deepcopy(diag)
    del broken["range"]
    response = await sess.raw_request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": sess.uri},
            "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}},
            "context": {"diagnostics": [broken]},
        },
    )
    assert "error" in response, f"malformed params got {response}"
    assert response["error"]["code"] in (-32602, -32600, -32603), response
    # The server is still fine afterwards.
    still = await sess.execute(
        "ownit.claim", {"uri": sess.uri, "regionId": region_id, "rationale": REAL_RATIONALE}
    )
    assert "result" in still, still


async def test_unknown_region_is_an_error(session: Session) -> None:
    response = await session.execute(
        "ownit.claim",
        {"uri": session.uri, "regionId": "no-such-region", "rationale": REAL_RATIONALE},
    )
    assert "error" in response, response


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("workspace/executeCommand", {"command": "ownit.markAi", "arguments": []}),
        ("workspace/executeCommand", {"command": "ownit.claim", "arguments": ["not an object"]}),
        ("workspace/executeCommand", {"command": "ownit.markAi", "arguments": [{"tool": "x"}]}),
        ("textDocument/hover", {"textDocument": {"uri": "file:///nowhere.py"}}),
        ("textDocument/codeAction", {"textDocument": {}, "range": None, "context": {}}),
    ],
    ids=["markAi-no-args", "claim-not-object", "markAi-no-uri", "hover-no-position", "bad-ca"],
)
async def test_malformed_requests_get_errors(
    session: Session, method: str, params: dict[str, Any]
) -> None:
    response = await session.raw_request(method, params)
    assert "error" in response, f"{method} {params} got {response}"
    assert response["error"]["message"], response
