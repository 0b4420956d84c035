"""`ownit demo`: a real end-to-end walkthrough on a throw-away repository.

It creates a git repository in a temporary folder, starts `ownit lsp` as a subprocess and
drives it over stdio with pygls's own LSP client, exactly as an editor would: an AI
insertion is recorded, its diagnostic and hover are shown, a placeholder rationale is
refused, a real one is accepted, and an edit to the owned code brings the claim back as
stale. Nothing here is simulated: every line printed comes from the server's answers.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

from ownit.git import run as git

ORIGINAL = textwrap.dedent(
    '''\
    """Session tokens for the demo service."""

    import secrets


    def new_token() -> str:
        return secrets.token_hex(16)
    '''
)

AI_INSERTION = textwrap.dedent(
    '''\



    def tokens_match(given: str, expected: str) -> bool:
        """Compare tokens in constant time."""
        import hmac

        return hmac.compare_digest(given.encode(), expected.encode())
    '''
)


class Transcript:
    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.step = 0

    def heading(self, text: str) -> None:
        self.step += 1
        self.write(f"\n[{self.step}] {text}")

    def say(self, text: str, indent: int = 4) -> None:
        for line in text.splitlines() or [""]:
            self.write(" " * indent + line)


def _git(repo: Path, *args: str) -> None:
    git.run(args, repo)


def _make_repository(root: Path) -> Path:
    repo = root / "demo-repo"
    (repo / "src").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Dana Developer")
    _git(repo, "config", "user.email", "dana@example.com")
    (repo / "src" / "tokens.py").write_text(ORIGINAL, encoding="utf-8")
    _git(repo, "add", "--", "src/tokens.py")
    _git(repo, "commit", "-q", "-m", "Add token helper")
    return repo


def _describe(diagnostics: list[types.Diagnostic]) -> str:
    if not diagnostics:
        return "(no diagnostics: nothing unowned)"
    return "\n".join(
        f"line {d.range.start.line + 1}-{d.range.end.line + 1} [{d.code}] {d.message}"
        for d in diagnostics
    )


async def _run(transcript: Transcript, root: Path) -> int:
    repo = _make_repository(root)
    path = repo / "src" / "tokens.py"
    uri = path.resolve().as_uri()
    transcript.heading(f"A throw-away repository: {repo}")
    transcript.say(f"src/tokens.py, committed by Dana Developer:\n{ORIGINAL}")

    client = LanguageClient("ownit-demo", "1.0")
    latest: dict[str, list[types.Diagnostic]] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        latest[params.uri] = list(params.diagnostics)
        arrived.set()

    @client.feature(types.WORKSPACE_APPLY_EDIT)  # type: ignore[untyped-decorator]
    def on_apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return types.ApplyWorkspaceEditResult(applied=False)

    async def execute(command: str, argument: dict[str, Any]) -> dict[str, Any]:
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=[argument])
        )
        if not isinstance(result, dict):
            raise RuntimeError(f"{command} answered {result!r}, not an object")
        return result

    async def next_diagnostics() -> list[types.Diagnostic]:
        await asyncio.wait_for(arrived.wait(), timeout=20)
        arrived.clear()
        return latest.get(uri, [])

    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(root / "xdg-data")
    env.pop("OWNIT_STORE", None)
    transcript.heading("Start `ownit lsp` and talk to it over stdio, as an editor does")
    await client.start_io(sys.executable, "-m", "ownit", "lsp", env=env, cwd=str(repo))
    try:
        result = await client.initialize_async(
            types.InitializeParams(
                process_id=os.getpid(),
                root_uri=repo.resolve().as_uri(),
                workspace_folders=[
                    types.WorkspaceFolder(uri=repo.resolve().as_uri(), name="demo-repo")
                ],
                capabilities=types.ClientCapabilities(
                    general=types.GeneralClientCapabilities(
                        position_encodings=[types.PositionEncodingKind.Utf16]
                    )
                ),
            )
        )
        info = result.server_info
        transcript.say(f"initialized: {info.name if info else '?'} {info.version if info else ''}")
        client.initialized(types.InitializedParams())
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=ORIGINAL
                )
            )
        )
        await next_diagnostics()

        transcript.heading("An AI tool (copilot) inserts a function; the editor reports it")
        end_line = ORIGINAL.count("\n")
        insert_at = types.Position(
            line=end_line - 1, character=len("    return secrets.token_hex(16)")
        )
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=insert_at, end=insert_at),
                        text=AI_INSERTION.rstrip("\n"),
                    )
                ],
            )
        )
        first = end_line + 2  # the new function's first line (0-based), after two blanks
        last = first + AI_INSERTION.strip("\n").count("\n")
        edited = ORIGINAL.rstrip("\n") + AI_INSERTION.rstrip("\n") + "\n"
        numbered = edited.splitlines()[first : last + 1]
        transcript.say(
            "\n".join(f"{n:>3} | {text}" for n, text in enumerate(numbered, start=first + 1))
        )
        mark = await execute(
            "ownit.markAi",
            {
                "uri": uri,
                "range": {
                    "start": {"line": first, "character": 0},
                    "end": {"line": last + 1, "character": 0},
                },
                "tool": "copilot",
                "source": "inline-completion",
            },
        )
        region_id = mark["regionId"]
        transcript.say(f"ownit.markAi → region {region_id} (lines {first + 1}-{last + 1})")
        diagnostics = await next_diagnostics()
        transcript.heading("The editor shows a diagnostic on exactly those lines")
        transcript.say(_describe(diagnostics))

        transcript.heading("Hover over the region")
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=first + 1, character=4),
            )
        )
        if hover is not None and isinstance(hover.contents, types.MarkupContent):
            transcript.say(hover.contents.value)

        transcript.heading("The quick fixes offered on the region")
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(
                    start=types.Position(line=first, character=0),
                    end=types.Position(line=first, character=0),
                ),
                context=types.CodeActionContext(diagnostics=diagnostics),
            )
        )
        for action in actions or []:
            transcript.say(f"• {action.title}")

        transcript.heading("Try to own it with a placeholder rationale: 'lgtm'")
        try:
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="ownit.claim",
                    arguments=[{"uri": uri, "regionId": region_id, "rationale": "lgtm"}],
                )
            )
            transcript.say("unexpected: the placeholder was accepted")
            return 1
        except JsonRpcException as error:
            transcript.say(f"refused by the server: {error.message}")

        rationale = "Uses hmac.compare_digest, so comparison time does not leak the token"
        transcript.heading(f"Own it with a real rationale: {rationale!r}")
        claim = await execute(
            "ownit.claim", {"uri": uri, "regionId": region_id, "rationale": rationale}
        )
        transcript.say(f"claimed by {claim['owner']}")
        transcript.say(_describe(await next_diagnostics()))

        transcript.heading("Someone edits the owned code later")
        edit_line = first + 4  # the `return` line
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=edit_line, character=4),
                            end=types.Position(line=edit_line, character=4),
                        ),
                        text="return given == expected  # faster\n    ",
                    )
                ],
            )
        )
        transcript.say(_describe(await next_diagnostics()))
        status = await execute("ownit.status", {})
        transcript.heading("ownit.status: what still needs an owner")
        for region in status["regions"]:
            transcript.say(
                f"{region['path']}:{region['lines'][0]}-{region['lines'][1]} "
                f"{region['ownership']} ({region['tool']})"
            )

        transcript.heading("The change is undone in review: the code is what was owned again")
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=4),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=edit_line, character=4),
                            end=types.Position(line=edit_line + 1, character=4),
                        ),
                        text="",
                    )
                ],
            )
        )
        transcript.say(_describe(await next_diagnostics()))
        path.write_text(edited, encoding="utf-8")
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await asyncio.wait_for(client.stop(), timeout=10)  # type: ignore[no-untyped-call]

    def ownit(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "ownit", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return (result.stdout + result.stderr).rstrip()

    transcript.heading("`ownit hooks install`, then a plain `git commit`")
    transcript.say(ownit("hooks", "install"))
    _git(repo, "add", "--", "src/tokens.py")
    subprocess.run(
        ["git", "commit", "-q", "-m", "Add tokens_match"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    message = subprocess.run(
        ["git", "log", "-1", "--format=%B"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    transcript.say("the commit message, with the trailers the hooks wrote:\n" + message.rstrip())

    transcript.heading("In CI: `ownit verify HEAD~1..HEAD` re-checks every claim")
    transcript.say(ownit("verify", "HEAD~1..HEAD"))
    transcript.heading(f"Months later: `ownit blame src/tokens.py -L {first + 1},{last + 1}`")
    transcript.say(ownit("blame", "src/tokens.py", "-L", f"{first + 1},{last + 1}"))
    transcript.heading("Done: every line above came from the running server, git and ownit")
    return 0


def run_demo(write: Callable[[str], None] = print, keep: bool = False) -> int:
    root = Path(tempfile.mkdtemp(prefix="ownit-demo-"))
    transcript = Transcript(write)
    transcript.write("ownit demo — owning AI-written code, end to end")
    try:
        return asyncio.run(_run(transcript, root))
    finally:
        if keep:
            transcript.write(f"\n(kept {root})")
        else:
            import shutil

            shutil.rmtree(root, ignore_errors=True)
