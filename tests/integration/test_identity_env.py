"""A claim names whom git would record as the author: with only git's identity variables set
(as CI jobs and scripts do), `ownit claim` and the editor's `ownit.claim` work as `git commit`
does, through the real CLI and the real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests import support
from tests.integration.lsp_helpers import SERVER, execute, isolated_env, mark, open_file, stop

RATIONALE = "Bounds are checked before indexing; covered by test_bounds"
AUTHOR = {"GIT_AUTHOR_NAME": "Ci Author", "GIT_AUTHOR_EMAIL": "ci-author@example.com"}
COMMITTER = {"GIT_COMMITTER_NAME": "Ci Committer", "GIT_COMMITTER_EMAIL": "ci-bot@example.com"}


def run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return support.run(cwd, env, *args, timeout=60)


@pytest.fixture
def bare_identity_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A repository with no user.name/user.email anywhere (empty global config)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    assert run(repo, env, "git", "init", "-q", "-b", "main").returncode == 0
    (repo / "a.py").write_text("".join(f"line {n}\n" for n in range(1, 11)))
    return repo


def test_cli_claim_with_only_the_identity_variables(
    bare_identity_repo: Path, env: dict[str, str]
) -> None:
    ownit = str(Path(sys.executable).parent / "ownit")
    repo = bare_identity_repo
    marked = run(repo, env, ownit, "mark", "a.py", "--lines", "2-4", "--tool", "copilot")
    assert marked.returncode == 0, marked.stderr

    refused = run(repo, {**env, **COMMITTER}, ownit, "claim", "a.py:3", "-m", RATIONALE)
    assert refused.returncode != 0
    assert "user.email" in refused.stderr and "Traceback" not in refused.stderr

    claimed = run(repo, {**env, **AUTHOR, **COMMITTER}, ownit, "claim", "a.py:3", "-m", RATIONALE)
    assert claimed.returncode == 0, claimed.stderr
    assert "as Ci Author <ci-author@example.com>" in claimed.stdout
    # ... and `git commit` with the same environment records the same author.
    committed = run(repo, {**env, **AUTHOR, **COMMITTER}, "git", "var", "GIT_AUTHOR_IDENT")
    assert committed.stdout.startswith("Ci Author <ci-author@example.com> ")


async def test_editor_claim_with_only_the_identity_variables(
    bare_identity_repo: Path, tmp_path: Path
) -> None:
    home = tmp_path / "lsp-home"
    home.mkdir()
    server_env = {**isolated_env(home), **AUTHOR, **COMMITTER}
    client = await ClientServerConfig(server_command=SERVER, server_env=server_env).start()
    assert isinstance(client, LanguageClient)
    root = bare_identity_repo
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri()
        )
    )
    try:
        uri = open_file(client, root / "a.py")
        region = await mark(client, uri, 1, 3)
        claim = await execute(
            client, "ownit.claim", {"uri": uri, "regionId": region, "rationale": RATIONALE}
        )
        assert claim["ownerEmail"] == "ci-author@example.com"
        assert claim["owner"] == "Ci Author <ci-author@example.com>"
    finally:
        await stop(client)
