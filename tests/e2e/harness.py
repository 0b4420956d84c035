"""Helpers shared by the end-to-end tests: a throw-away git repository, a hermetic environment
(HOME and XDG_* in tmp dirs, OWNIT_STORE unset) and the command that starts the real server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EDITORS_DIR = REPO_ROOT / "editors"
E2E_DIR = Path(__file__).resolve().parent

# Hard cap on one editor run; only a hang guard, never a timing assertion.
EDITOR_TIMEOUT_S = 60

GIT_NAME = "Ada Tester"
GIT_EMAIL = "ada@example.com"

REAL_RATIONALE = "Uses hmac.compare_digest so the comparison runs in constant time"
PLACEHOLDER_RATIONALE = "lgtm"
COMMENT_RATIONALE = "Adds two numbers; covered by the arithmetic unit tests"

OWN_TITLE = "Own this AI-written code…"
DISMISS_TITLE = "Not AI-written…"
OWN_ABOVE_TITLE = "Own with the rationale above"

# The file the editors open. 0-based lines 7-9 are the region the claim flow marks; lines 3-4
# are the region the comment flow marks (a comment goes above line 3).
SAMPLE_LINES = [
    "import os",
    "",
    "",
    "def add(a, b):",
    "    return a + b",
    "",
    "",
    "def token_ok(given, expected):",
    "    import hmac",
    "    return hmac.compare_digest(given, expected)",
    "",
    "",
    "print(os.name)",
]
CLAIM_REGION = (7, 9)  # first, last (0-based, inclusive)
COMMENT_REGION = (3, 4)


@dataclass(frozen=True)
class Workspace:
    """A git repository in a tmp dir, and the environment every process of a test runs in."""

    tmp: Path
    root: Path
    file: Path
    env: dict[str, str]
    server_log: Path

    def server_command(self) -> list[str]:
        """`<python> -m ownit lsp`, its stderr appended to `server_log` (exec keeps the pid)."""
        return [
            "/bin/sh",
            "-c",
            'exec "$0" -m ownit lsp 2>>"$1"',
            sys.executable,
            str(self.server_log),
        ]

    def server_stderr(self) -> str:
        return self.server_log.read_text(errors="replace") if self.server_log.exists() else ""


def hermetic_env(tmp: Path) -> dict[str, str]:
    """The parent's environment minus anything that could leak state in or out."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OWNIT_", "XDG_", "GIT_", "NVIM", "VIM", "EMACS"))
    }
    home = tmp / "home"
    env["HOME"] = str(home)
    for name in ("CONFIG", "DATA", "STATE", "CACHE", "RUNTIME"):
        path = tmp / "xdg" / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME" if name != "RUNTIME" else "XDG_RUNTIME_DIR"] = str(path)
    home.mkdir(parents=True, exist_ok=True)
    # The global git config lives in the tmp HOME; nothing from the machine is read.
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    env["PYTHONUNBUFFERED"] = "1"
    env["TERM"] = "dumb"
    return env


def git(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=EDITOR_TIMEOUT_S,
        check=True,
    )
    return done.stdout


def make_workspace(tmp: Path, text: str, name: str = "sample.py") -> Workspace:
    env = hermetic_env(tmp)
    root = tmp / "repo"
    root.mkdir()
    git(env, root, "init", "-q")
    git(env, root, "config", "user.name", GIT_NAME)
    git(env, root, "config", "user.email", GIT_EMAIL)
    path = root / name
    path.write_bytes(text.encode("utf-8"))
    git(env, root, "add", name)
    git(env, root, "commit", "-q", "-m", "initial")
    return Workspace(tmp=tmp, root=root, file=path, env=env, server_log=tmp / "server-stderr.log")


def covered_lines(lsp_range: dict[str, Any]) -> tuple[int, int]:
    """First and last line (0-based, inclusive) an LSP range covers; an end at character 0
    does not take that line."""
    start, end = lsp_range["start"], lsp_range["end"]
    last = end["line"]
    if end["character"] == 0 and end["line"] > start["line"]:
        last -= 1
    return start["line"], last


def assert_says_why(message: str) -> None:
    """A rejected rationale's error message names the rule it broke, not just "invalid"."""
    lowered = message.lower()
    assert "rationale" in lowered, message
    assert any(word in lowered for word in ("short", "placeholder", "say why")), message


def scenario_workspace(
    ws: Workspace, editor: str, scenario: str, region: tuple[int, int], rationale: str
) -> tuple[Workspace, Path]:
    """The workspace an editor script runs a scenario in (its config file named by
    OWNIT_E2E_CONFIG) and the file the script writes its results to."""
    result = ws.tmp / f"{editor}-{scenario}.json"
    config = ws.tmp / f"{editor}-{scenario}-config.json"
    config.write_text(
        json.dumps(
            {
                "scenario": scenario,
                "result": str(result),
                "editors_dir": str(EDITORS_DIR),
                "server_cmd": ws.server_command(),
                "file": str(ws.file),
                "region": list(region),
                "rationale": rationale,
                "placeholder": PLACEHOLDER_RATIONALE,
                "own_above_title": OWN_ABOVE_TITLE,
                "own_title": OWN_TITLE,
                "line_count": len(SAMPLE_LINES),
            }
        )
    )
    env = dict(ws.env, OWNIT_E2E_CONFIG=str(config))
    return Workspace(ws.tmp, ws.root, ws.file, env, ws.server_log), result


def run_editor(
    argv: Sequence[str], ws: Workspace, result_path: Path, extra_files: Sequence[Path] = ()
) -> dict[str, Any]:
    """Run an editor headless; return the JSON its script wrote. Any failure reports the
    editor's output, the script's own record, the server's stderr and the given log files."""
    try:
        done = subprocess.run(
            list(argv),
            cwd=ws.root,
            env=ws.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=EDITOR_TIMEOUT_S,
        )
        out, err, rc = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        out = _text(expired.stdout)
        err = _text(expired.stderr)
        rc = None
    result: dict[str, Any] | None = None
    if result_path.exists():
        try:
            result = json.loads(result_path.read_text())
        except json.JSONDecodeError:
            result = None
    if rc != 0 or result is None or result.get("error"):
        logs = "".join(
            f"\n--- {path} ---\n{path.read_text(errors='replace')[-20000:]}"
            for path in extra_files
            if path.exists()
        )
        pytest.fail(
            f"editor run failed (exit {'TIMEOUT' if rc is None else rc})\n"
            f"script error: {(result or {}).get('error')}\n"
            f"script record: {json.dumps(result, indent=1, ensure_ascii=False)}\n"
            f"--- editor stdout ---\n{out[-20000:]}\n--- editor stderr ---\n{err[-20000:]}\n"
            f"--- server stderr ---\n{ws.server_stderr()[-20000:]}{logs}",
            pytrace=False,
        )
    return result


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data
