"""How many ownit modules the three main paths pass through: didOpen, a keystroke, a commit.

    .venv/bin/python bench/module_paths.py [--ownit-src DIR] [-v]

A real ``ownit lsp`` opens a 3,000-line file with 200 AI regions already stored (marked
through ``ownit mark``) and takes one keystroke; then ``git commit`` of that file runs
ownit's installed hooks. Every Python process gets ``bench/module_trace`` on PYTHONPATH,
whose ``sitecustomize`` records the ownit modules whose functions run (module and class
bodies run by an import do not count) per JSON-RPC message or per hook process. ``--ownit-src`` runs
another checkout's ``server/`` with this venv (before/after figures on one machine).
A count, not a time: printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lspclient import LspClient, file_uri, initialize_params

TRACER = Path(__file__).resolve().parent / "module_trace"


def _env(home: Path, trace: Path, ownit_src: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNIT_"))}
    paths = [str(TRACER)] + ([str(ownit_src)] if ownit_src else [])
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Dev",
        GIT_AUTHOR_EMAIL="dev@example.com",
        GIT_COMMITTER_NAME="Dev",
        GIT_COMMITTER_EMAIL="dev@example.com",
        PYTHONPATH=os.pathsep.join(paths),
        OWNIT_TRACE_MODULES=str(trace),
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    )
    return env


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True, timeout=120)


def measure(work: Path, ownit_src: Path | None) -> dict[str, list[str]]:
    home, repo, trace = work / "home", work / "repo", work / "trace.jsonl"
    home.mkdir()
    repo.mkdir()
    env = _env(home, trace, ownit_src)
    untraced = {k: v for k, v in env.items() if k != "OWNIT_TRACE_MODULES"}
    ownit = [sys.executable, "-m", "ownit"]
    lines = [f"def f{i}(x):\n    return x + {i}\n" for i in range(1500)]
    (repo / "app.py").write_text("".join(lines), encoding="utf-8")
    _run(["git", "init", "-q", "-b", "main"], repo, untraced)
    _run(["git", "add", "--", "app.py"], repo, untraced)
    _run(["git", "commit", "-q", "-m", "start", "--no-verify"], repo, untraced)
    _run([*ownit, "hooks", "install"], repo, untraced)
    for start in range(1, 2000, 10):
        _run(
            [*ownit, "mark", "app.py", "--lines", f"{start}-{start + 3}", "--tool", "claude-code"],
            repo,
            untraced,
        )
    _run([*ownit, "claim", "app.py:1", "-m", "adds x and a constant; pure"], repo, untraced)

    uri = file_uri(repo / "app.py")
    text = (repo / "app.py").read_text(encoding="utf-8")
    with LspClient([*ownit, "lsp"], cwd=repo, env=env, stderr_path=work / "server.err") as client:
        client.request("initialize", initialize_params(repo))
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        client.wait_notification(
            "textDocument/publishDiagnostics", lambda p: bool(p.get("diagnostics")), 60
        )
        time.sleep(2.0)  # history hints and other follow-up work land in didOpen's phase
        # a keystroke inside the second region; a hover behind it says it was handled
        end = {"line": 11, "character": 14}
        change = {"range": {"start": end, "end": end}, "text": "1"}
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]},
        )
        client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": end})
        time.sleep(1.0)
        client.request("shutdown", None)
        client.notify("exit", None)
        client.close()

    (repo / "app.py").write_text(
        text.replace("return x + 7\n", "return x + 70\n", 1), encoding="utf-8"
    )
    _run(["git", "add", "--", "app.py"], repo, env)
    _run(["git", "commit", "-q", "-m", "change"], repo, env)

    paths: dict[str, set[str]] = {"didOpen": set(), "keystroke": set(), "commit hooks": set()}
    hook_processes = 0
    imported: dict[str, int] = {}
    for line in trace.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        phases = record["phases"]
        argv = record["argv"]
        if "lsp" in argv[1:3]:
            imported["language server"] = len(record["imported"])
            paths["didOpen"] |= set(phases.get("textDocument/didOpen#1", []))
            paths["keystroke"] |= set(phases.get("textDocument/didChange#1", []))
        else:  # only the commit runs traced besides the server: these are its hooks
            hook_processes += 1
            imported[f"hook {hook_processes}"] = len(record["imported"])
            for modules in phases.values():
                paths["commit hooks"] |= set(modules)
    print(f"({hook_processes} Python processes ran in the commit's hooks)")
    for process, count in imported.items():
        print(f"{process}: {count} ownit modules imported by the end")
    return {name: sorted(functions) for name, functions in paths.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ownit-src", type=Path, help="run the ownit package in this server/ folder"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list the modules")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ownit-modpaths-") as tmp:
        result = measure(Path(tmp), args.ownit_src.resolve() if args.ownit_src else None)
    for name, functions in result.items():
        modules = sorted({function.partition(":")[0] for function in functions})
        print(f"{name:13} {len(modules):3} ownit modules, {len(functions):4} functions")
        if args.verbose:
            for module in modules:
                called = [f.partition(":")[2] for f in functions if f.partition(":")[0] == module]
                print(f"    {module}: {', '.join(called)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
