"""`ownit init [--preset NAME] [--force] [--agents A,B | --no-agents] [--json]`: set this
repository up for ownit in one step (see ownit.setup.init); running it again changes
nothing and says so."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ownit.core.printable import printable
from ownit.exits import EXIT_OK, EXIT_USAGE, UsageError

if TYPE_CHECKING:
    from ownit.setup.init import InitResult, Step


def add_parser(subparsers: Any) -> None:
    from ownit.core.presets import DEFAULT_PRESET, PRESETS

    presets = "; ".join(f"{p.name}: {p.summary}" for p in PRESETS.values())
    parser = subparsers.add_parser(
        "init",
        help="set this repository up: a policy file, the git hooks, the agents' hooks",
        description=(
            "Write .ownit.yaml from a preset (never over an existing one), install the git"
            " hooks and, for the agents asked for, their hooks; print what to commit."
            " Running it again changes nothing."
        ),
    )
    parser.add_argument(
        "--preset",
        choices=list(PRESETS),
        default=DEFAULT_PRESET,
        metavar="NAME",
        help=f"the policy to start from, one of — {presets} (default: {DEFAULT_PRESET})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing .ownit.yaml with the preset (yours is kept as .ownit.yaml.bak)",
    )
    agents = parser.add_mutually_exclusive_group()
    agents.add_argument(
        "--agents",
        metavar="A,B",
        help="add ownit's hook to these agents' project settings: claude-code, cursor, copilot",
    )
    agents.add_argument(
        "--no-agents", action="store_true", help="leave every agent's settings alone, offer none"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _agent_list(raw: str) -> list[str]:
    from ownit.agents.install import SUPPORTED

    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in SUPPORTED]
    choices = f"{', '.join(SUPPORTED)} (comma-separated, e.g. --agents claude-code,cursor)"
    if unknown:
        listed = ", ".join(repr(name) for name in unknown)
        raise UsageError(f"--agents: unknown agent {listed}; ownit knows {choices}")
    if not names:
        raise UsageError(f"--agents {raw!r}: name the agents, of {choices}")
    return names


def _ask(found: dict[str, str], toplevel: Path) -> list[str]:
    """On a terminal: which of the agents found (hook not yet there) to set up."""
    from ownit.agents.install import has_entry, settings_path

    chosen = []
    for agent, marker in found.items():
        path = settings_path(agent, "project", toplevel, Path.home())
        if has_entry(agent, path):
            continue
        where = path.relative_to(toplevel).as_posix()
        # On stdout (input() would write the prompt to stderr), then one line of stdin.
        question = printable(f"found {marker}: add ownit's {agent} hook to {where}?")
        print(f"{question} [y/N] ", end="", flush=True)
        answer = sys.stdin.readline()
        if answer.strip().lower() in ("y", "yes"):
            chosen.append(agent)
    return chosen


def run(args: argparse.Namespace) -> int:
    from ownit.commands._files import current_repository
    from ownit.core.presets import PresetError
    from ownit.git.repo import GitError
    from ownit.setup.agents_found import detect_agents
    from ownit.setup.init import InitError, initialize

    repo = current_repository()
    if repo is None:
        raise UsageError("not inside a git repository: run `git init` first, then `ownit init`")
    chosen = _agent_list(args.agents) if args.agents is not None else []
    found = {} if args.no_agents else detect_agents(repo.toplevel)
    if args.agents is None and not args.no_agents and not args.json and _interactive():
        chosen = _ask(found, repo.toplevel)
    try:
        result = initialize(repo, args.preset, force=args.force, agents=chosen, found=found)
    except (InitError, PresetError) as error:
        print(f"ownit: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except (GitError, OSError) as error:
        raise UsageError(f"cannot set this repository up: {error}") from None
    if args.json:
        print(json.dumps(_as_json(result, args.preset, repo.toplevel), indent=2))
    else:
        _print(result, args.preset, repo.toplevel)
    for step in result.failed:
        print(printable(f"ownit: {step.what}: {step.detail}"), file=sys.stderr)
    return EXIT_USAGE if result.failed else EXIT_OK


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _shown(path: Path, toplevel: Path) -> str:
    from ownit.core.printable import printable

    try:
        text = path.relative_to(toplevel).as_posix()
    except ValueError:
        text = str(path)
    return printable(text)


def _step_json(step: Step, toplevel: Path) -> dict[str, str]:
    return {
        "name": step.what,
        "path": _shown(step.path, toplevel),
        "action": step.action,
        "detail": step.detail,
    }


def _as_json(result: InitResult, preset: str, toplevel: Path) -> dict[str, Any]:
    return {
        "preset": preset,
        "changed": result.changed,
        "policy": _step_json(result.policy, toplevel),
        "hooks": [_step_json(step, toplevel) for step in result.hooks],
        "agents": [_step_json(step, toplevel) for step in result.agents],
        "toCommit": result.to_commit,
    }


def _print(result: InitResult, preset: str, toplevel: Path) -> None:
    from ownit.core.printable import printable

    steps = [result.policy, *result.hooks, *result.agents]
    width = max(len(step.what) for step in steps)
    for step in steps:
        where = _shown(step.path, toplevel)
        if step.action == "offered":
            detail = f"{step.detail}; add its hook with: ownit init --agents {step.what}"
        else:
            detail = step.detail
        line = f"{step.what:<{width}}  {step.action:<9}  {where}"
        print(line + (f"  ({printable(detail)})" if detail else ""))
    if not result.changed:
        print("nothing changed: this repository was already set up")
    if result.to_commit:
        import shlex

        shown = " ".join(printable(shlex.quote(p)) for p in result.to_commit)
        print(f"to commit: git add {shown}")
    print("check the set-up any time with: ownit doctor")
