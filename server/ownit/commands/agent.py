"""`ownit agent install|uninstall NAME [--project | --user]`: the agent's hook entry that
runs `ownit checkpoint --agent NAME` after each file edit (see ownit.agents.install)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ownit.cli import EXIT_OK, UsageError

AGENTS = ("claude-code", "cursor", "copilot")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "agent", help="install or remove the hook that tells ownit what a coding agent wrote"
    )
    actions = parser.add_subparsers(dest="agent_action", metavar="ACTION")
    for action, text in (
        ("install", "add ownit's hook to the agent's settings (other settings untouched)"),
        ("uninstall", "remove ownit's hook from the agent's settings"),
    ):
        sub = actions.add_parser(action, help=text, description=text)
        sub.add_argument("name", choices=AGENTS, metavar="NAME", help=", ".join(AGENTS))
        scope = sub.add_mutually_exclusive_group()
        scope.add_argument(
            "--project",
            dest="scope",
            action="store_const",
            const="project",
            help="this repository's settings (default)",
        )
        scope.add_argument(
            "--user", dest="scope", action="store_const", const="user", help="your settings"
        )
        sub.set_defaults(handler=run, agent_action=action, scope="project")
    parser.set_defaults(handler=_no_action)


def _no_action(args: argparse.Namespace) -> int:
    raise UsageError("say what to do: ownit agent install NAME | ownit agent uninstall NAME")


def _project_root() -> Path:
    from ownit.git.repo import GitError, find_repository

    try:
        repo = find_repository(Path.cwd())
    except GitError as error:
        raise UsageError(str(error)) from None
    return repo.toplevel if repo is not None else Path.cwd()


def run(args: argparse.Namespace) -> int:
    from ownit.agents.install import InstallError, install, settings_path, uninstall

    try:
        path = settings_path(args.name, args.scope, _project_root(), Path.home())
        if args.agent_action == "install":
            action = install(args.name, path, sys.executable)
            messages = {
                "installed": f"installed ownit's {args.name} hook in {path}",
                "updated": f"updated ownit's {args.name} hook in {path}",
                "unchanged": f"ownit's {args.name} hook is already in {path}",
            }
            print(messages[action])
        elif uninstall(args.name, path):
            print(f"removed ownit's {args.name} hook from {path}")
        else:
            print(f"ownit's {args.name} hook was not in {path}; nothing to remove")
    except InstallError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK
