"""A storm of seeded malformed messages at one real server process over stdio.

Thousands of mutations of valid LSP requests and notifications (wrong types, missing
fields, deep nesting, invalid UTF-8, bad headers and lengths, huge strings, unknown methods,
random bytes, non-object JSON, bad ids, batches) are sent in one stream, with valid
requests in between. Then: every message with a recoverable id was answered exactly once
with that id and the right code; every message whose id cannot be told got one ``id: null``
error; nothing else was answered; no message from the server holds "Traceback"; the server
is alive; a claim acknowledged before the storm is still there, and a markAi/claim round
trip after it works and reaches the store on disk.

The oracle below follows JSON-RPC 2.0 and LSP (not the server's code): a body that is
not JSON is a parse error with a null id; an object that is not a request with a usable id
is an invalid request with a null id; notifications and responses are never answered.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integration.lsp_helpers import isolated_env
from tests.integration.wire_client import WireClient, dumps

SEED = 20_250_909
MESSAGES = 2000
VALID_EVERY = 10  # a valid ownit.status request after every this many fuzzed messages
RATIONALE = "Checked the arithmetic by hand; inputs are validated by the caller"

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
REQUEST_FAILED, CANCELLED = -32803, -32800
# What a request the server understood may fail with: bad params, or a refusal saying why.
UNDERSTOOD = frozenset({INVALID_PARAMS, REQUEST_FAILED, CANCELLED})

REQUESTS = {
    "textDocument/hover",
    "textDocument/codeAction",
    "textDocument/codeLens",
    "textDocument/diagnostic",
    "workspace/executeCommand",
}
NOTIFICATIONS = {
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didSave",
    "textDocument/didClose",
    "$/cancelRequest",
    "$/setTrace",
    "initialized",
    "window/workDoneProgress/cancel",
}
# Requests the server must never see in the storm: they end the session.
NEVER = {"shutdown", "exit", "initialize"}


@dataclass(frozen=True)
class Expect:
    """``id``: a response with ``msg_id`` (``codes`` None: a result or any code in
    UNDERSTOOD; else an error with one of ``codes``). ``null``: one error with a null id.
    ``none``: no response. ``ids``: a batch, each id answered with INVALID_REQUEST."""

    kind: str
    msg_id: Any = None
    codes: frozenset[int] | None = None
    ids: tuple[Any, ...] = ()


NONE = Expect("none")


def valid_id(value: Any) -> bool:
    return type(value) in (int, str)


def expect_for(obj: Any, bad_utf8: bool = False) -> Expect:
    """What JSON-RPC 2.0 and LSP say the server must answer to the JSON value ``obj``."""
    if isinstance(obj, list):
        ids = tuple(
            item["id"]
            for item in obj
            if isinstance(item, dict) and "method" in item and valid_id(item.get("id"))
        )
        return Expect("ids", ids=ids) if ids else Expect("null", codes=frozenset({INVALID_REQUEST}))
    if not isinstance(obj, dict):
        return Expect("null", codes=frozenset({INVALID_REQUEST}))
    has_id = "id" in obj
    msg_id = obj.get("id")
    if "method" not in obj:
        if "result" in obj or "error" in obj:
            return NONE  # a response: never answered
        if has_id and valid_id(msg_id):
            return Expect("id", msg_id, frozenset({INVALID_REQUEST}))
        return Expect("null", codes=frozenset({INVALID_REQUEST}))
    if not has_id:
        return NONE  # a notification
    if not valid_id(msg_id):
        return Expect("null", codes=frozenset({INVALID_REQUEST}))
    method = obj["method"]
    if bad_utf8:
        return Expect("id", msg_id, frozenset({PARSE_ERROR}))
    if obj.get("jsonrpc") != "2.0" or not isinstance(method, str):
        return Expect("id", msg_id, frozenset({INVALID_REQUEST}))
    if obj.get("params") is not None and not isinstance(obj.get("params"), dict | list):
        return Expect("id", msg_id, frozenset({INVALID_PARAMS}))
    if method in NOTIFICATIONS:
        return Expect("id", msg_id, frozenset({INVALID_REQUEST}))
    if method not in REQUESTS:
        return Expect("id", msg_id, frozenset({METHOD_NOT_FOUND}))
    return Expect("id", msg_id)


def expect_for_body(body: bytes) -> Expect:
    """For a body changed byte by byte: what it parses to, read as the server must."""
    try:
        text = body.decode("utf-8")
        bad_utf8 = False
    except UnicodeDecodeError:
        text = body.decode("utf-8", "replace")
        bad_utf8 = True
    try:
        obj = json.loads(text)
    except ValueError:
        return Expect("null", codes=frozenset({PARSE_ERROR}))
    return expect_for(obj, bad_utf8)


# --- the generator ---------------------------------------------------------------------------

INVALID_UTF8 = [b"\xff", b"\xfe\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]
MARK = "ZQXMARKQXZ"


class Fuzzer:
    def __init__(self, rng: random.Random, uri: str, region_id: str) -> None:
        self.rng = rng
        self.uri = uri
        self.region_id = region_id
        self.next_id = 10_000
        self.plain_header_next = False
        self.counts: dict[str, int] = {}

    def new_id(self) -> int | str:
        self.next_id += 1
        return self.next_id if self.rng.random() < 0.7 else f"fz-{self.next_id}"

    # -- valid messages to start from --

    def template(self) -> dict[str, Any]:
        rng, uri = self.rng, self.uri
        position = {"line": rng.randrange(0, 8), "character": rng.randrange(0, 12)}
        lines = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
        document = {"uri": uri}
        pick = rng.randrange(17)
        request = True
        if pick == 0:
            method, params = "textDocument/hover", {"textDocument": document, "position": position}
        elif pick == 1:
            method = "textDocument/codeAction"
            params = {"textDocument": document, "range": lines, "context": {"diagnostics": []}}
        elif pick == 2:
            method, params = "textDocument/codeLens", {"textDocument": document}
        elif pick == 3:
            method, params = "textDocument/diagnostic", {"textDocument": document}
        elif pick <= 8:
            method = "workspace/executeCommand"
            command, argument = rng.choice(
                [
                    ("ownit.status", {}),
                    ("ownit.status", {"uri": uri, "includeOwned": True}),
                    ("ownit.markAi", {"uri": uri, "range": lines, "tool": "copilot"}),
                    (
                        "ownit.claim",
                        {"uri": uri, "regionId": self.region_id, "rationale": RATIONALE},
                    ),
                    ("ownit.dismiss", {"uri": uri, "regionId": self.region_id, "reason": "mine"}),
                    ("ownit.claimFromComment", {"uri": uri, "regionId": self.region_id}),
                    ("ownit.rationaleRules", {"uri": uri}),
                ]
            )
            params = {"command": command, "arguments": [argument]}
        else:
            request = False
            method, params = rng.choice(
                [
                    (
                        "textDocument/didChange",
                        {
                            "textDocument": {"uri": uri, "version": rng.randrange(2, 10**6)},
                            "contentChanges": [{"range": lines, "text": "y = 2\n"}],
                        },
                    ),
                    (
                        "textDocument/didOpen",
                        {
                            "textDocument": {
                                "uri": uri,
                                "languageId": "python",
                                "version": 1,
                                "text": "def f():\n    return 1\n",
                            }
                        },
                    ),
                    ("textDocument/didSave", {"textDocument": document}),
                    ("textDocument/didClose", {"textDocument": document}),
                    ("$/cancelRequest", {"id": self.next_id - rng.randrange(0, 5)}),
                    ("$/setTrace", {"value": "off"}),
                    ("initialized", {}),
                    ("window/workDoneProgress/cancel", {"token": "t"}),
                ]
            )
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            message["id"] = self.new_id()
        return message

    # -- mutations --

    def random_value(self, depth: int = 0) -> Any:
        rng = self.rng
        kind = rng.randrange(9 if depth < 2 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return rng.choice([True, False])
        if kind == 2:
            return rng.choice([0, -1, 2**31, 2**63 + 5, 10**30, rng.randrange(-1000, 1000)])
        if kind == 3:
            return rng.choice([0.5, -1e308, 1e-9, 3.0])
        if kind == 4:
            return "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(0, 12)))
        if kind == 5:
            return rng.choice(["", "file:///", "../../etc/passwd", "\x1b[2J", "\ud800", "📎" * 5])
        if kind in (6, 7):
            return [self.random_value(depth + 1) for _ in range(rng.randrange(0, 4))]
        return {
            rng.choice(["uri", "range", "id", "x", "text", "line"]): self.random_value(depth + 1)
            for _ in range(rng.randrange(0, 4))
        }

    def paths(self, node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        found = [prefix]
        if isinstance(node, dict):
            for key, value in node.items():
                found.extend(self.paths(value, (*prefix, key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                found.extend(self.paths(value, (*prefix, index)))
        return found

    def replace_at(self, message: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
        node: Any = message
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    def string_paths(self, message: dict[str, Any]) -> list[tuple[Any, ...]]:
        params = message.get("params")
        return [
            ("params", *path)
            for path in self.paths(params)
            if path and isinstance(self.get(params, path), str)
        ]

    @staticmethod
    def get(node: Any, path: tuple[Any, ...]) -> Any:
        for step in path:
            node = node[step]
        return node

    def next(self) -> tuple[bytes, Expect, str]:
        """One fuzzed frame, what the server must answer to it, and the mutation's name."""
        rng = self.rng
        message = self.template()
        name = rng.choices(
            [
                "valid",
                "wrong_type",
                "drop_field",
                "wrong_top",
                "deep",
                "bad_utf8",
                "huge_string",
                "unknown_method",
                "random_body",
                "truncated",
                "non_object",
                "bad_header",
                "short_length",
                "odd_id",
                "notification_with_id",
                "batch",
            ],
            weights=[4, 14, 10, 10, 6, 8, 1, 6, 6, 6, 4, 6, 4, 6, 3, 2],
        )[0]
        self.counts[name] = self.counts.get(name, 0) + 1
        header = "Content-Length: %d\r\n\r\n"
        if self.plain_header_next:
            self.plain_header_next = False  # after a short frame, the junk resyncs on this
        elif name == "bad_header":
            header = rng.choice(
                [
                    "content-length: %d\r\n\r\n",
                    "CONTENT-LENGTH:%d\r\n\r\n",
                    "Content-Length: %d\n\n",
                    "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
                    "Content-Length:   %d  \r\n\r\n",
                    "X-Whatever: yes\r\ncontent-Length: %d\r\nX-More: 1\r\n\r\n",
                ]
            )
        if name == "wrong_type":
            paths = [p for p in self.paths(message.get("params")) if p]
            if paths:
                self.replace_at(message, ("params", *rng.choice(paths)), self.random_value())
            else:
                message["params"] = self.random_value()
        elif name == "drop_field":
            path = rng.choice([p for p in self.paths(message) if p])
            parent = self.get(message, path[:-1])
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif name == "wrong_top":
            message[rng.choice(["method", "params", "jsonrpc"])] = self.random_value()
        elif name == "unknown_method":
            method = rng.choice(["", "$/", "textDocument/", "ownit.", "x"]) + "".join(
                chr(rng.randrange(0x21, 0x250)) for _ in range(rng.randrange(1, 30))
            )
            assert method not in REQUESTS | NOTIFICATIONS | NEVER
            message["method"] = method
        elif name == "odd_id":
            self.next_id += 1  # ids stay unique: each is answered (or not) once
            message["id"] = rng.choice(
                [
                    {"a": 1},
                    [1],
                    True,
                    1.5,
                    None,
                    self.next_id * 10**25,  # a big integer: still an id
                    f"long-{self.next_id}-" + "i" * rng.randrange(100, 5000),
                    f"\u2603-{self.next_id}-\x1b",
                ]
            )
        elif name == "notification_with_id" and "id" not in message:
            message["id"] = self.new_id()
        elif name == "batch":
            batch = [self.template() for _ in range(rng.randrange(1, 4))]
            return self.frame(header, dumps(batch)), expect_for(batch), name
        elif name == "non_object":
            value = rng.choice([42, None, "text", [], [1, 2], True, -0.5, {"x": [1]}])
            return self.frame(header, dumps(value)), expect_for(value), name

        if name == "huge_string":
            strings = self.string_paths(message)
            huge = rng.choice(["a", "é", "\n", "\\", '"']) * rng.randrange(20_000, 200_000)
            if strings:
                self.replace_at(message, rng.choice(strings), huge)
            else:
                message["params"] = {"text": huge}
        if name == "bad_utf8":
            strings = self.string_paths(message)
            if strings:
                self.replace_at(message, rng.choice(strings), MARK)
            elif isinstance(message.get("params"), dict):
                message["params"]["note"] = MARK
            else:
                message["params"] = {"note": MARK}
            body = dumps(message).replace(MARK.encode(), rng.choice(INVALID_UTF8), 1)
            return self.frame(header, body), expect_for(message, bad_utf8=True), name
        if name == "deep":
            depth = rng.choice([1000, 1500, 3000, 5000])
            opening, closing = rng.choice([("[", "]"), ('{"a":', "}")])
            deep = opening * depth + "0" + closing * depth
            message["params"] = MARK if rng.random() < 0.5 else {"arguments": [MARK]}
            body = dumps(message).replace(f'"{MARK}"'.encode(), deep.encode())
            # Too deep to read (INVALID_PARAMS), or read where the interpreter allows it.
            expect = expect_for({**message, "params": {}})
            return self.frame(header, body), expect, name

        body = dumps(message)
        if name == "random_body":
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
            if rng.random() < 0.5:  # random bytes spliced into a real body
                cut = rng.randrange(len(dumps(message)))
                body = dumps(message)[:cut] + body + dumps(message)[cut:]
            return self.frame(header, body), expect_for_body(body), name
        if name == "truncated":
            body = body[: rng.randrange(len(body))]
            return self.frame(header, body), expect_for_body(body), name
        if name == "short_length":
            short = rng.randrange(0, len(body))
            self.plain_header_next = True
            frame = f"Content-Length: {short}\r\n\r\n".encode() + body
            return frame, expect_for_body(body[:short]), name
        return self.frame(header, body), expect_for(message), name

    @staticmethod
    def frame(header: str, body: bytes) -> bytes:
        return (header % len(body)).encode() + body


# --- the test --------------------------------------------------------------------------------


@pytest.fixture
def workspace(git_repo: Path) -> Path:
    (git_repo / "owned.py").write_text(
        "def owned():\n    return 42\n\n\ndef later():\n    return 7\n"
    )
    (git_repo / "fuzz.py").write_text("def f():\n    return 1\n")
    return git_repo


def execute(client: WireClient, command: str, argument: dict[str, Any]) -> dict[str, Any]:
    params = {"command": command, "arguments": [argument]}
    return client.request("workspace/executeCommand", params)


def open_document(client: WireClient, path: Path) -> str:
    uri = path.resolve().as_uri()
    item = {"uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}
    client.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
    return uri


def mark(client: WireClient, uri: str, first: int, end: int) -> str:
    lines = {"start": {"line": first, "character": 0}, "end": {"line": end, "character": 0}}
    response = execute(client, "ownit.markAi", {"uri": uri, "range": lines, "tool": "copilot"})
    assert "result" in response, response
    return str(response["result"]["regionId"])


def test_a_storm_of_malformed_messages_is_answered_and_loses_nothing(
    workspace: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    client = WireClient(isolated_env(home))
    try:
        client.initialize(workspace.resolve().as_uri())
        owned_uri = open_document(client, workspace / "owned.py")
        fuzz_uri = open_document(client, workspace / "fuzz.py")
        # Acknowledged before the storm: one claim, one region left to claim after it.
        first = mark(client, owned_uri, 0, 2)
        claimed = execute(
            client, "ownit.claim", {"uri": owned_uri, "regionId": first, "rationale": RATIONALE}
        )
        assert claimed["result"]["rationale"] == RATIONALE, claimed
        second = mark(client, owned_uri, 4, 6)
        scratch = mark(client, fuzz_uri, 0, 2)

        fuzzer = Fuzzer(random.Random(SEED), fuzz_uri, scratch)
        expected: dict[Any, Expect] = {}  # by id
        nulls_expected = 0
        silent = 0
        valid: list[int] = []
        stream = bytearray()
        for index in range(MESSAGES):
            data, expect, _ = fuzzer.next()
            stream += data
            if expect.kind == "id":
                assert expect.msg_id not in expected, expect
                expected[expect.msg_id] = expect
            elif expect.kind == "ids":
                for msg_id in expect.ids:
                    expected[msg_id] = Expect("id", msg_id, frozenset({INVALID_REQUEST}))
            elif expect.kind == "null":
                nulls_expected += 1
            else:
                silent += 1
            if index % VALID_EVERY == VALID_EVERY - 1:
                msg_id = client.new_id()
                valid.append(msg_id)
                status = {"command": "ownit.status", "arguments": [{}]}
                request = {"jsonrpc": "2.0", "id": msg_id, "method": "workspace/executeCommand"}
                body = dumps({**request, "params": status})
                stream += b"Content-Length: %d\r\n\r\n" % len(body) + body
                fuzzer.plain_header_next = False
        client.write(bytes(stream))

        # The server handles messages in order: once the last request is answered, every
        # answer written while reading the storm is out.
        final = execute(client, "ownit.status", {"includeOwned": True})
        assert "result" in final, final
        client.drain()
        assert client.process.poll() is None, "the server died"
        answers = [m for m in client.messages if "method" not in m]
        assert client.unreadable == 0

        answered: dict[Any, list[dict[str, Any]]] = {}
        nulls = []
        for answer in answers:
            if answer.get("id") is None:
                nulls.append(answer)
            else:
                answered.setdefault(answer["id"], []).append(answer)

        # Every message from the server: no traceback anywhere.
        for message in client.messages:
            assert "Traceback" not in json.dumps(message), message

        for msg_id in valid:
            [answer] = answered.pop(msg_id)
            assert isinstance(answer.get("result", {}).get("regions"), list), answer
        wrong = []
        for msg_id, expect in expected.items():
            got = answered.pop(msg_id, [])
            assert len(got) == 1, (msg_id, expect, got)
            error = got[0].get("error")
            if expect.codes is None:
                if error is not None and error["code"] not in UNDERSTOOD:
                    wrong.append((expect, got[0]))
            elif error is None or error["code"] not in expect.codes:
                wrong.append((expect, got[0]))
        assert not wrong, [(e, {**g, "id": str(g.get("id"))[:40]}) for e, g in wrong[:8]]
        # The other answers are to the set-up requests (ids 1..) and the final status.
        assert set(answered) <= set(range(1, client.next_id + 1)), list(answered)[:5]
        assert len(nulls) == nulls_expected, (len(nulls), nulls_expected)
        assert all(n["error"]["code"] in (PARSE_ERROR, INVALID_REQUEST) for n in nulls)

        sent = MESSAGES + len(valid)
        with_id = len(expected) + len(valid)
        print(
            f"\nfuzz seed {SEED}: {sent} messages sent ({MESSAGES} fuzzed, {len(valid)} valid, "
            f"{len(stream)} bytes); {with_id} with a recoverable id, {with_id} answered with "
            f"it; {nulls_expected} unreadable ids, {len(nulls)} answered with id null; "
            f"{silent} notifications/responses, none answered; mutations {fuzzer.counts}"
        )

        # Nothing acknowledged was lost, and the server still does its job.
        regions = {r["regionId"]: r for r in final["result"]["regions"]}
        assert regions[first]["ownership"] == "owned", regions[first]
        assert regions[second]["ownership"] == "unowned", regions[second]
        claim = execute(
            client, "ownit.claim", {"uri": owned_uri, "regionId": second, "rationale": RATIONALE}
        )
        assert claim["result"]["regionId"] == second, claim
        third = mark(client, owned_uri, 3, 4)
        assert third not in (first, second)
    finally:
        client.close()
    assert client.process.returncode == 0

    # What the server acknowledged is in the store on disk, as another process sees it.
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ownit"), "status", "--all", "--json"],
        cwd=workspace,
        env=isolated_env(home),
        capture_output=True,
        text=True,
        check=True,
    )
    status = json.loads(done.stdout)
    by_id = {r["regionId"]: r for r in status["regions"]}
    assert by_id[first]["ownership"] == "owned"
    assert by_id[second]["ownership"] == "owned"
    assert third in by_id
