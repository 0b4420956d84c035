"""Whether a commit hook runs for ``git commit --amend``.

git does not tell a hook. ``prepare-commit-msg`` gets the message's source, and
``--amend`` gives ``commit HEAD`` only when the message is HEAD's: with ``-m``, ``-F`` or
``-t`` the source is ``message`` or ``template`` (git 2.39 and later alike), and ``commit
HEAD`` is also what ``git commit -C HEAD`` gives for a new commit. So, in this order:

1. On Linux, the ``git commit`` process that runs the hook: the nearest ancestor of this
   process whose ``/proc/<pid>/cmdline`` is a git command line. Its arguments are read as
   git reads them: git's own options first, a (non-shell) alias expanded with ``git
   config``, then ``commit``'s options with their arguments skipped, long options
   abbreviated as git allows (``--am``), the last of ``--amend`` / ``--no-amend``
   winning, nothing after ``--``. The option table is the running git's own
   (``git commit --git-completion-helper-all``), else git 2.39's.
2. Elsewhere (or when the git process is not ``commit``, e.g. a rebase committing in its
   own process): the source ``commit HEAD``, or a ``message`` / ``template`` source whose
   author (``GIT_AUTHOR_NAME``, ``GIT_AUTHOR_EMAIL``, ``GIT_AUTHOR_DATE``, which git sets
   for the hook) is HEAD's author to the second — what ``--amend`` keeps. A new commit by
   the same person in the same second as HEAD is taken for an amend there.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path

from ownit.git import run as git

MAX_ANCESTORS = 8  # the hook runner, a hook framework or two, then git

# git's own options (git.c), with and without a separate argument.
_GIT_OPTIONS_WITH_ARG = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env"}
_GIT_FLAGS = {
    "-p",
    "-P",
    "--paginate",
    "--no-pager",
    "--bare",
    "--no-replace-objects",
    "--literal-pathspecs",
    "--no-literal-pathspecs",
    "--glob-pathspecs",
    "--noglob-pathspecs",
    "--icase-pathspecs",
    "--no-optional-locks",
    "--no-advice",
}

# `git commit`'s short options that take an argument (attached or the next one), and
# those whose optional argument can only be attached.
_SHORT_WITH_ARG = set("FmcCt")
_SHORT_OPTIONAL_ARG = set("uS")

# git 2.39's `git commit --git-completion-helper-all`: "=" marks a required argument.
_GIT_239_LONG = (
    "--quiet --verbose --file= --author= --date= --message= --reedit-message= "
    "--reuse-message= --fixup= --squash= --reset-author --trailer= --signoff --template= "
    "--edit --cleanup= --status --gpg-sign --all --include --interactive --patch --only "
    "--no-verify --dry-run --short --branch --ahead-behind --porcelain --long --null "
    "--amend --no-post-rewrite --untracked-files --pathspec-from-file= --pathspec-file-nul "
    "--allow-empty --allow-empty-message --verify --post-rewrite -- --no-quiet --no-verbose "
    "--no-file --no-author --no-date --no-message --no-reedit-message --no-reuse-message "
    "--no-fixup --no-squash --no-reset-author --no-signoff --no-template --no-edit "
    "--no-cleanup --no-status --no-gpg-sign --no-all --no-include --no-interactive "
    "--no-patch --no-only --no-dry-run --no-short --no-branch --no-ahead-behind "
    "--no-porcelain --no-long --no-null --no-amend --no-untracked-files "
    "--no-pathspec-from-file --no-pathspec-file-nul --no-allow-empty --no-allow-empty-message"
)


def long_options(helper_output: str) -> dict[str, bool]:
    """Long option name -> whether it takes a (required) argument, from the output of
    ``git commit --git-completion-helper-all``."""
    table: dict[str, bool] = {}
    for word in helper_output.split():
        if word.startswith("--") and len(word) > 2:
            name = word[2:]
            table[name.rstrip("=")] = name.endswith("=")
    return table


def _resolve_long(name: str, table: dict[str, bool]) -> str | None:
    """The option ``--name`` means: itself, or the one option it abbreviates."""
    if name in table:
        return name
    candidates = [option for option in table if option.startswith(name)]
    return candidates[0] if len(candidates) == 1 else None


def amend_in_commit_args(args: Sequence[str], table: dict[str, bool]) -> bool:
    """Whether ``git commit`` with these arguments (after ``commit``) amends."""
    amend = False
    at = 0
    while at < len(args):
        arg = args[at]
        at += 1
        if arg == "--":
            break
        if arg.startswith("--"):
            name, eq, _ = arg[2:].partition("=")
            option = _resolve_long(name, table)
            if option == "amend":
                amend = True
            elif option == "no-amend":
                amend = False
            if option is not None and table[option] and not eq:
                at += 1  # its argument is the next word
        elif arg.startswith("-") and len(arg) > 1:
            cluster = arg[1:]
            for index, char in enumerate(cluster):
                if char in _SHORT_WITH_ARG:
                    if index == len(cluster) - 1:
                        at += 1
                    break  # the rest of the word is the argument
                if char in _SHORT_OPTIONAL_ARG:
                    break
    return amend


def _git_subcommand(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """The subcommand of a git command line and its arguments, git's own options skipped;
    None when it is not a git command line."""
    if not argv:
        return None
    exe = os.path.basename(argv[0])
    if exe.startswith("git-"):
        return exe[4:], list(argv[1:])  # the dashed form: git-commit
    if exe not in ("git", "git.exe"):
        return None
    at = 1
    while at < len(argv):
        arg = argv[at]
        if arg in _GIT_OPTIONS_WITH_ARG:
            at += 2
        elif arg in _GIT_FLAGS or (arg.startswith("--") and "=" in arg):
            at += 1
        else:
            break
    if at >= len(argv):
        return None
    return argv[at], list(argv[at + 1 :])


def _expand_alias(cwd: Path, command: str, args: list[str]) -> tuple[str, list[str]] | None:
    """A non-shell alias expanded (as often as git would); None for a shell alias or a
    loop."""
    seen: set[str] = set()
    while command != "commit" and command not in seen:
        seen.add(command)
        found = git.run(["config", "--get", f"alias.{command}"], cwd, check=False)
        value = git.text(found.stdout).strip()
        if found.returncode != 0 or not value or value.startswith("!"):
            return None
        try:
            words = shlex.split(value)
        except ValueError:
            return None
        if not words:
            return None
        command, args = words[0], words[1:] + args
    return (command, args) if command == "commit" else None


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [git.text(part) for part in raw.split(b"\0")[:-1]] if raw else None


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    # pid (comm) state ppid ...: comm may hold spaces and parentheses, so from the last ")".
    fields = stat[stat.rfind(b")") + 2 :].split()
    try:
        return int(fields[1])
    except (IndexError, ValueError):
        return None


def _commit_table(cwd: Path, args: Sequence[str]) -> dict[str, bool]:
    """The long options of the running git's ``commit``; git 2.39's when every long
    option given is one of those, spelt out (no need to ask git then)."""
    known = long_options(_GIT_239_LONG)
    given = [arg[2:].partition("=")[0] for arg in args if arg.startswith("--") and arg != "--"]
    if all(name in known for name in given):
        return known
    found = git.run(["commit", "--git-completion-helper-all"], cwd, check=False)
    table = long_options(git.text(found.stdout)) if found.returncode == 0 else {}
    return table if "amend" in table else known


def amend_from_process(cwd: Path) -> bool | None:
    """What the ``git commit`` running this hook says (Linux); None when no ancestor is
    one (no ``/proc``, or git runs the hook from another command)."""
    pid: int | None = os.getppid()
    for _ in range(MAX_ANCESTORS):
        if pid is None or pid <= 1:
            return None
        argv = _cmdline(pid)
        if argv is None:
            return None
        found = _git_subcommand(argv)
        if found is not None:
            expanded = _expand_alias(cwd, *found)
            if expanded is None:
                return None
            return amend_in_commit_args(expanded[1], _commit_table(cwd, expanded[1]))
        pid = _parent(pid)
    return None


def _author_is_heads(cwd: Path) -> bool:
    env = os.environ
    name, email = env.get("GIT_AUTHOR_NAME"), env.get("GIT_AUTHOR_EMAIL")
    date = env.get("GIT_AUTHOR_DATE", "")
    if name is None or email is None or not date.startswith("@"):
        return False
    shown = git.run(
        ["log", "-1", "--format=%an%x00%ae%x00%ad", "--date=raw", "HEAD"], cwd, check=False
    )
    if shown.returncode != 0:
        return False
    head = git.text(shown.stdout).rstrip("\n").split("\0")
    return head == [name, email, date[1:]]


def is_amend(cwd: Path, source: str, obj: str, *, has_head: bool | None = None) -> bool:
    """Whether the commit being made replaces HEAD (see the module's notes); ``has_head``:
    whether there is a HEAD commit, when the caller knows already."""
    if has_head is None:
        has_head = git.rev(cwd, "HEAD") is not None
    if not has_head:
        return False
    found = amend_from_process(cwd)
    if found is not None:
        return found
    if source == "commit":
        return obj == "HEAD"
    return source in ("message", "template") and _author_is_heads(cwd)
