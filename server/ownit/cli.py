"""The `ownit` command line (docs/cli.md). Exit codes: 0 fine, 1 policy says no, 2 usage/input.

Each verb lives in ``ownit/commands/<verb>.py`` with ``add_parser(subparsers)``; modules
import their heavy dependencies inside their handlers so `ownit lsp` starts fast. The
parser itself is ``ownit/commands/_parser.py``; `ownit blame` starts its git blame before
that loads (``ownit/git/blame_start.py``).
"""

from __future__ import annotations

import os
import sys

from ownit.core.printable import printable
from ownit.exits import EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE, UsageError

# Neither argparse nor typing at import: `ownit blame` starts git before they load, and
# every hook and agent checkpoint is a new process.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

# `ownit --help` lists these first, in this order; any other module in ownit/commands/
# (not starting with "_") is a verb too, listed after them alphabetically. A new verb is a
# new module: nothing to register here.
PREFERRED_ORDER = (
    "init",
    "doctor",
    "lsp",
    "status",
    "mark",
    "claim",
    "dismiss",
    "hooks",
    "trailers",
    "verify",
    "blame",
    "checkpoint",
    "agent",
    "policy",
    "report",
    "demo",
)


def command_modules() -> list[str]:
    # A listing of the package folder (pkgutil would import inspect & co. on every hook).
    folder = os.path.join(os.path.dirname(__file__), "commands")
    names = {
        entry[:-3]
        for entry in os.listdir(folder)
        if entry.endswith(".py") and not entry.startswith("_")
    }
    first = [name for name in PREFERRED_ORDER if name in names]
    return first + sorted(names - set(first))


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of ``ownit`` with the verbs of these modules (all of them by default)."""
    from ownit.commands._parser import build_parser as build

    return build(command_modules() if modules is None else modules)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            result = _main(argv)
        except SystemExit as done:  # argparse's --help, --version and usage errors
            if done.code is not None and not isinstance(done.code, int):
                raise
            result = done.code or EXIT_OK
        if not sys.stdout.closed:  # `ownit lsp` closes it when the client hangs up
            sys.stdout.flush()  # a closed pipe shows here, not at exit where it prints a warning
    except BrokenPipeError:
        return _reader_went_away()
    finally:
        early = sys.modules.get("ownit.git.blame_start")
        if early is not None:
            early.discard()  # a blame started for a command line that did not use it
    return result


def _reader_went_away() -> int:
    """Whoever read our output stopped (`ownit status | head -1`): stop quietly, as git
    does, with the exit status of a process ended by SIGPIPE (128 + 13). Both streams go to
    /dev/null first, so Python's own flush at exit has nowhere left to fail."""
    import contextlib

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # not a real file: nothing to do
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


def _plain_arguments(verb: str, arguments: list[str]) -> argparse.Namespace | None:
    module = __import__(f"ownit.commands.{verb}", fromlist=["add_parser"])
    plain = getattr(module, "plain_arguments", None)
    return None if plain is None else plain(arguments)


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    verb = arguments[0] if arguments else ""
    # Hooks run `ownit <verb>` inside other tools (git, agents): import only that verb's
    # module when it is named like one; everything else builds the whole parser.
    if verb == "blame":  # git works while the rest loads; the verb takes it or it is ended
        from ownit.git.blame_start import start_early

        start_early(arguments[1:])
    only = [verb] if verb in command_modules() else None
    # A verb run on every event of another tool may read its usual command line itself
    # (`plain_arguments`), without argparse; any other shape goes to the parser.
    args = None if only is None else _plain_arguments(verb, arguments[1:])
    if args is None:
        parser = build_parser(only)
        args = parser.parse_args(arguments)
        if getattr(args, "handler", None) is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
    handler = args.handler
    try:
        try:
            result: int = handler(args)
        finally:
            # A progress line (ownit/progress.py, imported by the commands that show one)
            # is cleared before any error message: they never share a line.
            shown = sys.modules.get("ownit.progress")
            if shown is not None:
                shown.finish()
    except UsageError as error:
        print(f"ownit: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise  # main() ends quietly
    except Exception as error:
        # The store's errors say what is wrong and what to do: one line, exit 2, never a
        # traceback. (Imported here: a verb that never touched the store never pays.)
        from ownit.store import StoreError

        if not isinstance(error, StoreError):
            raise
        print(f"ownit: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    return result
