"""What the hook and checkpoint entry points import (issue 13, CLI start-up).

Every git commit runs three hooks and every agent edit runs a checkpoint: each is a new
interpreter, so each module it imports is paid for on every commit and every edit. These
tests start a fresh interpreter (a subprocess), import or run an entry point there, and
look at ``sys.modules``: the heavy modules a path does not use must not be loaded. They
assert on modules, never on times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Never on a hook's or a checkpoint's path: the YAML loader (only with a policy file), RE2
# (only for a policy's patterns), the language server's libraries.
NEVER = (
    "yaml",
    "re2",
    "_re2",
    "pygls",
    "lsprotocol",
    "cattrs",
    "ownit.lsp",
    "ownit.core.policy.loader",
)

# Loaded by the hooks only once there is work for them (a store to read, AI lines to judge).
NOT_AT_START = (
    *NEVER,
    "sqlite3",
    "ownit.store",
    "ownit.session",
    "ownit.core.policy",
    "ownit.core.provenance",
)

_PROBE = """
import json, runpy, sys
mode, out, *rest = sys.argv[1:]
if mode == "import":
    for name in rest:
        __import__(name)
else:
    sys.argv = ["ownit", *rest]
    try:
        runpy.run_module("ownit", run_name="__main__")
    except SystemExit:
        pass
with open(out, "w", encoding="utf-8") as file:
    json.dump(sorted(sys.modules), file)
"""


def _write_payload(repo: Path, target: Path, content: str) -> str:
    """Claude Code's PostToolUse payload for a Write of ``content`` to ``target``."""
    return json.dumps(
        {
            "session_id": "s",
            "cwd": str(repo),
            "hook_event_name": "PostToolUse",
            "tool_name": "Write",
            "tool_input": {"file_path": str(target), "content": content},
            "tool_response": {"filePath": str(target), "success": True},
        }
    )


def _loaded(tmp_path: Path, mode: str, *args: str, stdin: str = "") -> set[str]:
    out = tmp_path / "modules.json"
    env = dict(os.environ)
    env["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)  # tmp_path is no repository
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode, str(out), *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(out.read_text(encoding="utf-8")))


def _present(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(
        module
        for module in modules
        for name in names
        if module == name or module.startswith(f"{name}.")
    )


def test_the_probe_sees_what_is_imported(tmp_path: Path) -> None:
    # The check itself: a module the probe imports shows up.
    assert "ownit.core.policy" in _loaded(tmp_path, "import", "ownit.core.policy")


def test_the_hook_entry_module_imports_nothing_heavy(tmp_path: Path) -> None:
    # What the installed hook scripts run: `python -m ownit.commit.runner NAME ...`.
    modules = _loaded(tmp_path, "import", "ownit.commit.runner")
    assert _present(modules, NOT_AT_START) == []
    # The line maps serve only the hook that makes a plan (not commit-msg with a pending one).
    assert _present(modules, ("ownit.core.linemap", "ownit.core.reanchor", "difflib")) == []


def test_the_checkpoint_entry_modules_import_nothing_heavy(tmp_path: Path) -> None:
    modules = _loaded(tmp_path, "import", "ownit.cli", "ownit.commands.checkpoint")
    assert _present(modules, (*NOT_AT_START, "ownit.agents")) == []


def test_a_hook_outside_a_repository_loads_no_store_or_policy(tmp_path: Path) -> None:
    message = tmp_path / "MSG"
    message.write_text("subject\n", encoding="utf-8")
    for name in ("prepare-commit-msg", "commit-msg", "post-commit"):
        modules = _loaded(tmp_path, "run", "hook", name, str(message))
        assert "ownit.commit.runner" in modules
        assert _present(modules, NOT_AT_START) == [], name


def test_a_checkpoint_with_nothing_to_record_loads_no_session(tmp_path: Path) -> None:
    payload = {
        "session_id": "s",
        "cwd": str(tmp_path),
        "hook_event_name": "PostToolUse",
        "tool_name": "Read",
        "tool_input": {"file_path": str(tmp_path / "a.py")},
        "tool_response": {},
    }
    modules = _loaded(
        tmp_path, "run", "checkpoint", "--agent", "claude-code", stdin=json.dumps(payload)
    )
    assert "ownit.agents.payloads" in modules
    assert _present(modules, NOT_AT_START) == []


def test_a_checkpoint_that_records_loads_no_session_or_policy(tmp_path: Path) -> None:
    # The agent wrote lines: they go straight to the store, re-anchoring what it holds,
    # without the session (documents, diagnostics, findings) or the policy package.
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=_git_env())
    target = repo / "a.py"
    target.write_text("x = 1\n", encoding="utf-8")
    subprocess.run(["git", "add", "a.py"], cwd=repo, check=True, env=_git_env())
    modules: set[str] = set()
    for round_ in range(2):  # the second one re-anchors the region the first one stored
        content = f"x = 1\ndef f{round_}():\n    return {round_}\n"
        target.write_text(content, encoding="utf-8")
        modules = _loaded(
            tmp_path,
            "run",
            "checkpoint",
            "--agent",
            "claude-code",
            stdin=_write_payload(repo, target, content),
        )
        assert "ownit.store" in modules
        assert _present(modules, (*NEVER, "ownit.session", "ownit.core.policy")) == []
    assert "ownit.core.reanchor" in modules
    from ownit.store import Store

    with Store.open(repo / ".git" / "ownit" / "state.db") as store:
        states = store.region_states("a.py")
    assert [(s.region.first_line, s.region.end_line) for s in states] == [(1, 3)]


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return env


# ``dataclasses`` imports inspect, ast, dis and tokenize (6-12 ms): the records on these
# paths are slotted :class:`ownit.core.record.Record` classes instead.
GENERATED_CODE = ("dataclasses", "inspect")


def _hook_modules(tmp_path: Path, hook: str, *args: str, cwd: Path) -> set[str]:
    """The modules of a hook run as the installed script runs it (``RUN_HOOK``)."""
    from ownit.commit.install import RUN_HOOK

    out = tmp_path / f"{hook}.json"
    run_hook = RUN_HOOK.split(" ", 2)[2].strip("'")
    probe = (
        "import json, sys\n"
        "try:\n"
        f"    {run_hook.replace('; ', chr(10) + '    ')}\n"
        "finally:\n"
        f"    json.dump(sorted(sys.modules), open({str(out)!r}, 'w'))\n"
    )
    env = _git_env()
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    done = subprocess.run(
        [sys.executable, "-P", "-c", probe, hook, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(out.read_text(encoding="utf-8")))


def test_checkpoint_hooks_and_blame_do_not_import_dataclasses(tmp_path: Path) -> None:
    # A real round: an agent writes lines (checkpoint), a person claims them, the commit's
    # hooks write the trailers, blame reads them back (and then from its cache).
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=A", "-c", "user.email=a@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True, env=_git_env())
    target = repo / "a.py"
    target.write_text("x = 1\n", encoding="utf-8")
    subprocess.run([*git, "add", "a.py"], cwd=repo, check=True, env=_git_env())
    subprocess.run([*git, "commit", "-qm", "init"], cwd=repo, check=True, env=_git_env())
    content = "x = 1\ndef f():\n    return 2\n"
    target.write_text(content, encoding="utf-8")
    checkpoint = _loaded(
        tmp_path,
        "run",
        "checkpoint",
        "--agent",
        "claude-code",
        stdin=_write_payload(repo, target, content),
    )
    assert "ownit.store" in checkpoint
    assert _present(checkpoint, GENERATED_CODE) == []

    subprocess.run([*git, "add", "a.py"], cwd=repo, check=True, env=_git_env())
    claim = ["claim", "a.py:2", "-m", "returns the constant the caller expects"]
    _loaded(repo, "run", *claim)
    message = repo / ".git" / "COMMIT_EDITMSG"
    message.write_text("add f\n", encoding="utf-8")
    for hook, args in (("prepare-commit-msg", (str(message),)), ("commit-msg", (str(message),))):
        modules = _hook_modules(tmp_path, hook, *args, cwd=repo)
        assert "ownit.core.trailers" in modules, hook
        assert _present(modules, GENERATED_CODE) == [], hook
    assert "AI-Owned: a.py:2-3" in message.read_text(encoding="utf-8")
    subprocess.run(
        [*git, "commit", "-q", "--no-verify", "-F", str(message)],
        cwd=repo,
        check=True,
        env=_git_env(),
    )

    for _ in range(2):  # the second one reads the claim cache the first one wrote
        blame = _loaded(repo, "run", "blame", "a.py")
        assert "ownit.core.claim_index" in blame
        assert _present(blame, GENERATED_CODE) == []
