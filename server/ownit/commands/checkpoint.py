"""`ownit checkpoint --agent NAME`: record the lines a coding agent just wrote.

Run by the agent's hook with its payload (JSON) on stdin; see ``ownit.agents.payloads``
for each agent's payload and exit-code convention. For agents without hooks:
``ownit checkpoint --agent NAME --before FILE…`` before the agent runs, then
``ownit checkpoint --agent NAME --after [FILE…]``: the lines that changed in between are
recorded.

Never in the way: a hook runs inside someone else's tool. Whatever goes wrong (a malformed
payload, a path outside the repository, a binary file, a busy store) ends with one line
per problem on stderr (the first few, then how many more: a payload of thousands of
failing edits is not thousands of lines) and the agent's *non-blocking* exit code, never
a traceback and never the "block" code. Regions that cannot be stored now are queued and
recorded by the next checkpoint. The workflow is ``ownit.agents.checkpoint``; this verb
reads the options, calls it and prints the problems it met.
"""

from __future__ import annotations

import sys

from ownit.core.printable import printable
from ownit.exits import EXIT_OK

TYPE_CHECKING = False  # neither argparse nor typing at import: run on every agent edit
if TYPE_CHECKING:
    import argparse
    from typing import Any


# Problems printed before "… and N more": an agent shows them to a person (or a model).
MAX_PROBLEM_LINES = 5


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "checkpoint",
        help="record the lines a coding agent wrote (run by agent hooks)",
        description=(
            "Read an agent hook payload on stdin and record the lines the agent wrote. "
            "Agents: claude-code, cursor, copilot; any NAME with --before/--after."
        ),
    )
    parser.add_argument("--agent", default="", help="claude-code, cursor, copilot, or any name")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--before", nargs="+", metavar="FILE", help="snapshot files before")
    mode.add_argument(
        "--after", nargs="*", metavar="FILE", help="record what changed since --before"
    )
    parser.add_argument("--model", help="the model (generic mode)")
    parser.add_argument("--session", help="the agent's session id (generic mode)")
    parser.set_defaults(handler=run)


def plain_arguments(arguments: list[str]) -> argparse.Namespace | None:
    """The arguments of the command line every agent hook runs, ``--agent NAME`` (or
    ``--agent=NAME``), as argparse would give them, without loading it; None for any
    other shape."""
    if len(arguments) == 2 and arguments[0] == "--agent":
        agent = arguments[1]
    elif len(arguments) == 1 and arguments[0].startswith("--agent="):
        agent = arguments[0][len("--agent=") :]
    else:
        return None
    if agent.startswith("-") and arguments[0] == "--agent":
        return None  # argparse reads it as an option: its message says so
    from types import SimpleNamespace

    namespace: Any = SimpleNamespace(
        command="checkpoint",
        agent=agent,
        before=None,
        after=None,
        model=None,
        session=None,
        handler=run,
    )
    return namespace  # type: ignore[no-any-return]


def run(args: argparse.Namespace) -> int:
    from ownit.agents.checkpoint import Request, checkpoint
    from ownit.agents.payloads import DEFAULT_NON_BLOCKING_EXIT, NON_BLOCKING_EXIT

    failure = NON_BLOCKING_EXIT.get(args.agent, DEFAULT_NON_BLOCKING_EXIT)
    request = Request(
        args.agent,
        _read_stdin,
        before=args.before,
        after=args.after,
        model=args.model,
        session=args.session,
    )
    problems = checkpoint(request)
    for problem in problems[:MAX_PROBLEM_LINES]:
        # One line each (an agent shows the first line), nothing raw from the payload.
        print(f"ownit checkpoint: {printable(' '.join(problem.split()))}", file=sys.stderr)
    if len(problems) > MAX_PROBLEM_LINES:
        more = len(problems) - MAX_PROBLEM_LINES
        print(f"ownit checkpoint: … and {more} more problem{'s' * (more != 1)}", file=sys.stderr)
    return failure if problems else EXIT_OK


def _read_stdin() -> bytes:
    return sys.stdin.buffer.read() if sys.stdin is not None else b""
