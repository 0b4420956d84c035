"""`ownit hooks install [--force]` / `ownit hooks uninstall`: ownit's git hooks.

See :mod:`ownit.commit.install` for what is installed where, how a hook that is already there
is chained (never overwritten), and what ``--force`` does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ownit.commands._help import JSON_HELP
from ownit.core.printable import printable
from ownit.exits import EXIT_OK, EXIT_USAGE, UsageError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "hooks",
        help="install or remove ownit's git hooks (commit trailers)",
        description=(
            "Install ownit's prepare-commit-msg, commit-msg and post-commit hooks in the"
            " hooks directory git uses (core.hooksPath and worktrees included). A hook"
            " already there is moved to <name>.ownit-chained and run first; uninstall puts"
            " it back."
        ),
    )
    sub = parser.add_subparsers(dest="hooks_command", metavar="ACTION")
    install = sub.add_parser("install", help="install the hooks")
    install.add_argument(
        "--force",
        action="store_true",
        help=(
            "chain a foreign hook even when a <name>.ownit-chained file is in the way"
            " (that file is kept as <name>.ownit-chained.<n>.bak); never deletes a hook"
        ),
    )
    install.add_argument("--json", action="store_true", help=JSON_HELP)
    install.set_defaults(handler=run_install)
    uninstall = sub.add_parser("uninstall", help="remove the hooks, restoring chained ones")
    uninstall.add_argument("--json", action="store_true", help=JSON_HELP)
    uninstall.set_defaults(handler=run_uninstall)
    parser.set_defaults(handler=_missing_action(parser))


def _missing_action(parser: argparse.ArgumentParser) -> Any:
    def handler(args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)  # a usage error: stderr, as every verb's
        raise UsageError("say what to do: `ownit hooks install` or `ownit hooks uninstall`")

    return handler


def _repo() -> Any:
    from pathlib import Path

    from ownit.git.repo import GitError, find_repository

    try:
        repo = find_repository(Path.cwd(), refresh=True)
    except GitError as error:
        raise UsageError(str(error)) from error
    if repo is None:
        raise UsageError("not inside a git repository: run this in your project")
    return repo


def _report(actions: list[Any], as_json: bool) -> None:
    if as_json:
        rows = [
            {"hook": a.name, "path": str(a.path), "action": a.action, "detail": a.detail}
            for a in actions
        ]
        print(json.dumps({"hooks": rows}, indent=2))
        return
    for a in actions:
        detail = f" ({a.detail})" if a.detail else ""
        print(printable(f"{a.name}: {a.action} {a.path}{detail}"))


def run_install(args: argparse.Namespace) -> int:
    from ownit.commit.install import HookInstallError, install
    from ownit.git.repo import GitError

    repo = _repo()
    try:
        actions = install(repo.toplevel, force=args.force)
    except HookInstallError as error:
        print("ownit: hooks not installed:", file=sys.stderr)
        for line in str(error).split("\n"):  # one problem a line (ours)
            print(f"  {printable(line)}", file=sys.stderr)
        return EXIT_USAGE
    except (GitError, OSError) as error:
        raise UsageError(f"cannot install the hooks: {error}") from error
    _report(actions, args.json)
    return EXIT_OK


def run_uninstall(args: argparse.Namespace) -> int:
    from ownit.commit.install import uninstall
    from ownit.git.repo import GitError

    repo = _repo()
    try:
        actions = uninstall(repo.toplevel)
    except (GitError, OSError) as error:
        raise UsageError(f"cannot remove the hooks: {error}") from error
    _report(actions, args.json)
    return EXIT_OK
