"""The real server over stdio, restarted, with the file changed on disk in between, and the
CLI writing to the same store while it runs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.integration.lsp_helpers import (
    SERVER,
    change,
    close_file,
    execute,
    isolated_env,
    lines_of,
    mark,
    open_file,
    start,
    stop,
    wait_for_diagnostics,
)

BODY = "".join(f"line {n}\n" for n in range(1, 21))
RATIONALE = "Bounds are checked before indexing; covered by test_bounds"


def ownit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownit", *args],
        cwd=repo,
        env=isolated_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_claims_and_regions_survive_a_restart(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    owned = await mark(client, uri, 2, 4)
    unowned = await mark(client, uri, 10, 11)
    await execute(client, "ownit.claim", {"uri": uri, "regionId": owned, "rationale": RATIONALE})
    await wait_for_diagnostics(client, uri, lambda d: lines_of(d) == [(10, 11)])
    await stop(client)

    client = await start(git_repo, home)
    uri = open_file(client, path)
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics) == [(10, 11)]
    assert diagnostics[0].data == {"regionId": unowned, "evidence": "exact"}
    status = await execute(client, "ownit.status", {})
    assert [r["regionId"] for r in status["regions"]] == [unowned]
    everything = await execute(client, "ownit.status", {"uri": uri, "includeOwned": True})
    assert sorted((r["regionId"], r["ownership"]) for r in everything["regions"]) == sorted(
        [(owned, "owned"), (unowned, "unowned")]
    )
    assert all("range" in r for r in everything["regions"])
    await stop(client)


async def test_file_changed_on_disk_while_closed(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    owned = await mark(client, uri, 4, 6)
    await mark(client, uri, 14, 15)
    await execute(client, "ownit.claim", {"uri": uri, "regionId": owned, "rationale": RATIONALE})
    close_file(client, uri)
    await stop(client)

    # Elsewhere: three lines added at the top, the unowned block edited inside.
    lines = BODY.splitlines(keepends=True)
    lines[14] = "line 15 changed by hand\n"
    path.write_text("new 1\nnew 2\nnew 3\n" + "".join(lines))

    client = await start(git_repo, home)
    uri = open_file(client, path)
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    # The owned block moved down by three lines and is still owned (no diagnostic); the
    # other one moved too and is still reported, on its new lines.
    assert lines_of(diagnostics) == [(17, 18)]
    status = await execute(client, "ownit.status", {})
    assert [tuple(r["lines"]) for r in status["regions"]] == [(18, 19)]
    await stop(client)


async def test_owned_code_edited_becomes_stale_and_survives_restart(
    git_repo: Path, home: Path
) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 2, 4)
    await execute(client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE})
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    change(client, uri, 2, [(3, 0, 3, 0, "x = 1  # edited\n")])
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics, "stale-claim") == [(2, 5)]
    path.write_text(
        "".join(BODY.splitlines(keepends=True)[:3])
        + "x = 1  # edited\n"
        + "".join(BODY.splitlines(keepends=True)[3:])
    )
    close_file(client, uri)
    await stop(client)

    client = await start(git_repo, home)
    uri = open_file(client, path)
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics, "stale-claim") == [(2, 5)]
    await stop(client)


async def test_cli_marks_and_claims_show_up_in_the_open_document(
    git_repo: Path, home: Path
) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    # The buffer has unsaved lines at the top: the CLI marks lines of the file on disk.
    change(client, uri, 2, [(0, 0, 0, 0, "unsaved 1\nunsaved 2\n")])
    result = ownit(git_repo, home, "mark", "a.py", "--lines", "5-7", "--tool", "claude-code")
    assert result.returncode == 0, result.stderr
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics) == [(6, 8)]  # lines 5-7 on disk are 7-9 in the buffer

    result = ownit(git_repo, home, "claim", "a.py:6", "-m", RATIONALE)
    assert result.returncode == 0, result.stderr
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    await stop(client)


async def test_cli_and_server_write_at_the_same_time(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ownit",
                "mark",
                "a.py",
                "--lines",
                f"{n}-{n}",
                "--tool",
                "aider",
            ],
            cwd=git_repo,
            env=isolated_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(12, 20)
    ]
    server_regions = [await mark(client, uri, n, n) for n in range(0, 8)]
    for region in server_regions:
        await execute(
            client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE}
        )
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 8)
    assert lines_of(diagnostics) == [(n, n) for n in range(11, 19)]
    await stop(client)

    listing = ownit(git_repo, home, "status", "--all", "--json")
    assert listing.returncode == 0, listing.stderr
    import json

    regions = json.loads(listing.stdout)["regions"]
    assert sum(r["ownership"] == "owned" for r in regions) == 8
    assert sum(r["ownership"] == "unowned" for r in regions) == 8


@pytest.mark.parametrize("full_sync", [False, True])
async def test_agent_writes_the_file_before_the_editor_reloads_it(
    git_repo: Path, home: Path, full_sync: bool
) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    # An agent inserts three lines after line 8 on disk and reports them at once.
    agent_lines = "agent 1\nagent 2\nagent 3\n"
    lines = BODY.splitlines(keepends=True)
    path.write_text("".join(lines[:8]) + agent_lines + "".join(lines[8:]))
    result = ownit(git_repo, home, "mark", "a.py", "--lines", "9-11", "--tool", "claude-code")
    assert result.returncode == 0, result.stderr
    # The editor has not reloaded yet: nothing may be shown on the old text's lines 9-11.
    await asyncio.sleep(1.0)
    assert lines_of(client.diagnostics.get(uri, [])) == []
    # The editor reloads the file (incrementally, or as a full-text change).
    if full_sync:
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text=path.read_text())
                ],
            )
        )
    else:
        change(client, uri, 2, [(8, 0, 8, 0, agent_lines)])
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics) == [(8, 10)]
    await stop(client)


async def test_multi_root_workspace_and_files_outside_any_repository(
    tmp_path: Path, home: Path
) -> None:
    repos = []
    for name in ("front", "back"):
        repo = tmp_path / name
        repo.mkdir()
        for args in (
            ["init", "-q", "-b", "main"],
            ["config", "user.name", "Multi Root"],
            ["config", "user.email", "multi@example.com"],
        ):
            subprocess.run(["git", *args], cwd=repo, check=True)
        (repo / "a.py").write_text(BODY)
        repos.append(repo)
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "notes.py").write_text(BODY)

    client = await ClientServerConfig(server_command=SERVER, server_env=isolated_env(home)).start()
    assert isinstance(client, LanguageClient)
    capabilities = client_capabilities("neovim")
    if capabilities.text_document is not None:
        capabilities.text_document.diagnostic = None
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            workspace_folders=[
                types.WorkspaceFolder(uri=repo.as_uri(), name=repo.name) for repo in repos
            ],
        )
    )
    uris = [open_file(client, repo / "a.py") for repo in repos]
    loose_uri = open_file(client, loose / "notes.py")
    for index, uri in enumerate([*uris, loose_uri]):
        await mark(client, uri, index, index + 1)
    status = await execute(client, "ownit.status", {})
    assert sorted((r["uri"], r["lines"][0]) for r in status["regions"]) == sorted(
        [(uris[0], 1), (uris[1], 2), (loose_uri, 3)]
    )
    # Each repository has its own store; the loose file uses the user data directory.
    for repo in repos:
        assert (repo / ".git" / "ownit" / "state.db").exists()
    assert (home / "data" / "ownit" / "state.db").exists()
    loose_region = next(r["regionId"] for r in status["regions"] if r["uri"] == loose_uri)
    claim = await execute(
        client, "ownit.claim", {"uri": loose_uri, "regionId": loose_region, "rationale": RATIONALE}
    )
    assert claim["ownerEmail"].endswith("@localhost")  # no git identity outside a repository
    await stop(client)


async def test_code_lenses_are_refreshed_when_ownership_changes(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)  # VS Code's capabilities: codeLens.refreshSupport
    refreshes: list[None] = []

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_refresh(params: None) -> None:
        refreshes.append(params)

    uri = open_file(client, path)
    region = await mark(client, uri, 2, 3)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None and "unowned — Own…" in str(lenses[0].command)
    marked = len(refreshes)
    assert marked >= 1
    await execute(client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE})
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    assert len(refreshes) > marked
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None and "owned by Test User" in str(lenses[0].command)
    await stop(client)


async def test_marking_inside_a_region_reuses_it_unless_it_was_dismissed(
    git_repo: Path, home: Path
) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    outer = await mark(client, uri, 2, 6)
    assert await mark(client, uri, 3, 4) == outer  # the same lines again: nothing new
    await execute(
        client, "ownit.dismiss", {"uri": uri, "regionId": outer, "reason": "written by hand"}
    )
    await wait_for_diagnostics(client, uri, lambda d: d == [])
    # New AI code accepted inside the dismissed lines is a region of its own.
    inner = await mark(client, uri, 3, 4)
    assert inner != outer
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics) == [(3, 4)]
    await stop(client)


async def test_regions_follow_a_renamed_file(git_repo: Path, home: Path) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    subprocess.run(["git", "add", "a.py"], cwd=git_repo, check=True)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    region = await mark(client, uri, 3, 5)
    close_file(client, uri)
    await stop(client)

    subprocess.run(["git", "mv", "a.py", "b.py"], cwd=git_repo, check=True)
    client = await start(git_repo, home)
    new_uri = open_file(client, git_repo / "b.py")
    diagnostics = await wait_for_diagnostics(client, new_uri, lambda d: len(d) == 1)
    assert lines_of(diagnostics) == [(3, 5)] and diagnostics[0].data == {
        "regionId": region,
        "evidence": "exact",
    }
    status = await execute(client, "ownit.status", {})
    assert [r["path"] for r in status["regions"]] == ["b.py"]
    await stop(client)


async def test_a_deleted_file_does_not_lend_its_regions_to_an_unrelated_one(
    git_repo: Path, home: Path
) -> None:
    path = git_repo / "a.py"
    path.write_text(BODY)
    client = await start(git_repo, home)
    uri = open_file(client, path)
    await mark(client, uri, 3, 3)  # "line 4"
    close_file(client, uri)
    await stop(client)
    path.unlink()
    other = git_repo / "other.py"
    other.write_text("something else\nline 4\nentirely\n")  # holds the same one line
    client = await start(git_repo, home)
    other_uri = open_file(client, other)
    await asyncio.sleep(1.0)
    assert list(client.diagnostics.get(other_uri, [])) == []
    await stop(client)
