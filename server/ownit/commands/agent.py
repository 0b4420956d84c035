"""`ownit agent install|uninstall NAME [--project | --user]`: the agent's hook entry that
runs `ownit checkpoint --agent NAME` after each file edit (see ownit.agents.install).

Project-level settings are committed, so their command names no path of this machine;
install records this clone's interpreter in git config ``ownit.python`` as its fallback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ownit.core.printable import printable
from ownit.exits import EXIT_OK, UsageError

if TYPE_CHECKING:
    from ownit.git.repo import Repository

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


def _repository() -> Repository | None:
    from ownit.git.repo import GitError, find_repository

    try:
        return find_repository(Path.cwd())
    except GitError as error:
        raise UsageError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    from ownit.agents.install import InstallError, install, settings_path, uninstall

    repo = _repository()
    project = repo.toplevel if repo is not None else Path.cwd()
    project_level = args.scope == "project"
    try:
        path = settings_path(args.name, args.scope, project, Path.home())
        if args.agent_action == "install":
            # Project settings are committed: the command names no interpreter of this
            # machine; this clone records its own in git config instead.
            action = install(args.name, path, None if project_level else sys.executable)
            messages = {
                "installed": f"installed ownit's {args.name} hook in {path}",
                "updated": f"updated ownit's {args.name} hook in {path}",
                "unchanged": f"ownit's {args.name} hook is already in {path}",
            }
            print(printable(messages[action]))
            if project_level and repo is not None:
                _record_python(repo.toplevel)
                print(
                    "  commit it; each teammate runs this command once in their clone "
                    "(the hook runs ownit from the PATH, else from the Python recorded "
                    "in git config ownit.python)"
                )
        elif uninstall(args.name, path):
            print(printable(f"removed ownit's {args.name} hook from {path}"))
            if project_level and repo is not None:
                _forget_python(repo.toplevel, project)
        else:
            print(printable(f"ownit's {args.name} hook was not in {path}; nothing to remove"))
    except InstallError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK


def _record_python(toplevel: Path) -> None:
    """``git config --local ownit.python`` = this interpreter (this clone's fallback)."""
    from ownit.agents.clone_python import record_python
    from ownit.git.repo import GitError

    try:
        record_python(toplevel, sys.executable)
    except GitError as error:
        raise UsageError(f"cannot record this clone's Python in git config: {error}") from None


def _forget_python(toplevel: Path, project: Path) -> None:
    """Unset ``ownit.python`` once no project-level agent hook of ownit is left."""
    from ownit.agents.clone_python import forget_python
    from ownit.agents.install import has_entry, settings_path
    from ownit.git.repo import GitError

    for agent in AGENTS:
        if has_entry(agent, settings_path(agent, "project", project, Path.home())):
            return
    try:
        forget_python(toplevel)
    except GitError as error:
        raise UsageError(f"cannot update git config: {error}") from None
