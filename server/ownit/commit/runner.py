"""What each of ownit's git hooks does (``ownit hook <name> ...``).

A hook never stops a commit because ownit itself failed: the error is one line on stderr
and the commit goes on (``OWNIT_DEBUG=1`` shows the traceback). Only the ``commit-msg``
hook may say no, and only for policy: the working tree's ``.ownit.yaml`` (the built-in
defaults without one, or — with a message naming each problem — when it is invalid),
read only when the commit holds AI-written lines. Its ``commit`` key decides, per path,
what unowned or stale AI code does: ``block`` refuses the commit (exit 1) with the list
and how to own each, ``warn`` commits it with ``AI-Unowned`` trailers and a warning,
``allow`` commits it with the trailers and says nothing. Excluded paths get no trailers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from ownit.commit import HOOK_NAMES, ONLY_REGIONS_ENV, display, pending
from ownit.commit import message as msg
from ownit.commit.amend import is_amend
from ownit.commit.planning import commit_base, open_store, plan_commit, tree_policy
from ownit.commit.record import record_commit
from ownit.core import trailers as tr
from ownit.core.commit_plan import PathRules, Plan, apply_policy, gate, policy_objects
from ownit.git import run as git
from ownit.git import staged
from ownit.git.repo import Repository, find_repository

EXIT_OK = 0
EXIT_BLOCKED = 1


class _Hook:
    """What one hook run reads at most once: the repository, HEAD, the tree's policy."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.head = git.rev(repo.toplevel, "HEAD")
        self._policy: tuple[PathRules, str | None] | None = None
        self._head_message: tuple[str | None] | None = None

    def policy(self, err: TextIO | None = None) -> tuple[PathRules, str | None]:
        """The policy in force (each path's rule resolved once) and ``.gitattributes``,
        read once; an invalid policy file is said on ``err`` when that read is given one."""
        if self._policy is None:
            policy, attributes = tree_policy(self.repo, err)
            self._policy = PathRules(policy), attributes
        return self._policy

    def head_message(self) -> str | None:
        if self._head_message is None:
            self._head_message = (msg.head_message(self.repo),)
        return self._head_message[0]

    def carried_from_head(self) -> tr.OwnitTrailers | None:
        """HEAD's ownit lines, which an amend keeps whatever its new message is (``git
        commit --amend -m`` gives the hooks a message without them)."""
        message = self.head_message()
        return None if message is None else tr.parse_message(message)


def _repository() -> Repository | None:
    return find_repository(Path.cwd(), refresh=True)


def _message_path(arg: str) -> Path:
    path = Path(arg)
    return path if path.is_absolute() else Path.cwd() / path


def _plan(hook: _Hook, *, amend: bool) -> Plan:
    repo = hook.repo
    if staged.in_sequencer(repo.git_dir, repo.common_dir):
        # Replaying commits: the store describes the working tree the user left, not the
        # commits being replayed. Only the claims the messages carry are kept (moved to
        # where their code is now).
        base = commit_base(repo, amend=amend, head=hook.head)
        return Plan(base=base, amend=amend, from_store=False)
    store = open_store(repo)
    try:
        plan = plan_commit(repo, store, amend=amend, head=hook.head)
    finally:
        if store is not None:
            store.close()
    only = os.environ.get(ONLY_REGIONS_ENV)
    if only is not None:  # `ownit claim --commit`: that claim and nothing else
        wanted = set(only.split(","))
        plan.pieces = [p for p in plan.pieces if p.region_id in wanted]
    return plan


def prepare_commit_msg(args: list[str], err: TextIO = sys.stderr) -> int:
    if not args:
        print("ownit: prepare-commit-msg: no message file given", file=err)
        return EXIT_OK
    source = args[1] if len(args) > 1 else os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    obj = args[2] if len(args) > 2 else os.environ.get("PRE_COMMIT_COMMIT_OBJECT_NAME", "")
    repo = _repository()
    if repo is None:
        return EXIT_OK
    hook = _Hook(repo)
    amend = is_amend(repo.toplevel, source, obj, has_head=hook.head is not None)
    plan = _plan(hook, amend=amend)
    rules: PathRules | None = None
    if plan.pieces:
        rules, attributes = hook.policy()
        plan = apply_policy(plan, rules, attributes)
    path = _message_path(args[0])
    message = msg.read_message(path)
    carried = hook.carried_from_head() if amend else None
    plan.inherit_exact = msg.inherits_exact(
        repo, _rewritten(hook, source, message, amend=amend), lambda: hook.policy()[0].policy
    )
    new = msg.apply_to_message(
        repo, plan, message, as_comment_if_empty=True, carried=carried, head=hook.head
    )
    if not amend and source not in ("commit", "squash", "merge"):
        _report_removed(repo, message, new, err)
    new = _signed(hook, message, new, err, amend=amend)
    display.report_problems(plan.problems, err)
    if new != message:
        msg.write_message(path, new)
    pending.save_pending(repo, plan, hook.head)
    # Nothing for commit-msg to add or say unless the message changes (an editor, a
    # chained hook): the installed commit-msg script then skips starting Python.
    quiet = not plan.unowned and not plan.notes
    if quiet and rules is not None:
        quiet = not policy_objects(plan, rules)  # forbidden paths, unapproved tools
    pending.save_commit_msg_ok(repo, new if quiet else None)
    return EXIT_OK


def _signed(hook: _Hook, message: str, new: str, err: TextIO, *, amend: bool) -> str:
    """``new`` with each ``AI-Owned`` line's ``AI-Signature`` (kept from ``message``,
    HEAD's message on an amend or the squashed messages, or made now where the policy
    asks for signed claims); what could not be signed is said on ``err``."""
    if "ai-owned:" not in new.lower():
        return new
    repo = hook.repo
    comment = staged.comment_char(repo.toplevel, new)
    if msg.message_is_empty(new, comment):
        return new  # the note shown in an empty message: commit-msg signs for real
    from ownit.core.commit_plan import asks_signatures

    sources = [message]
    if amend and (head := hook.head_message()) is not None:
        sources.append(head)
    if (folded := msg.squashed_away_text(repo)) is not None:
        sources.append(folded)
    policy = hook.policy()[0].policy
    if not asks_signatures(policy) and not any("ai-signature:" in m.lower() for m in sources):
        return new  # nothing to sign and no signature to carry
    from ownit.git.claim_signing import sign_message

    result = sign_message(repo, new, policy, comment=comment, sources=sources)
    display.report_problems(result.problems, err)
    display.unsigned_required(result.unsigned_required, policy, err)
    return result.message


def _report_removed(repo: Repository, message: str, new: str, err: TextIO) -> None:
    """Say which ``AI-Owned:``/``AI-Unowned:``/``Owned-by:`` lines typed into a new
    commit's message the hook removed (it writes them itself, from recorded claims), and
    how to claim instead. Not while commits are replayed (rebase, cherry-pick): there a
    claim whose code is gone is dropped on purpose."""
    if staged.in_sequencer(repo.git_dir, repo.common_dir):
        return
    comment = staged.comment_char(repo.toplevel, message)
    kept = {line.strip() for line in new.split("\n")}
    removed = [
        line.strip()
        for line in msg.body_lines(message, comment)
        if msg.TYPED_OWNIT_LINE.match(line) and line.strip() not in kept
    ]
    display.report_removed(removed, err)


def _rewritten(hook: _Hook, source: str, message: str, *, amend: bool) -> list[str]:
    """The messages whose claims this commit keeps, when it rewrites commits: HEAD's for
    an amend; the message git gives for a rebase, cherry-pick, squash or ``-c``/``-C``,
    with the ``fixup`` messages a rebase folds in. Never a message typed for this commit
    (``-m``, ``-F``, an editor): an ``AI-Lines:`` line there is not ownit's."""
    repo = hook.repo
    messages: list[str] = []
    if amend:
        head = hook.head_message()
        if head is not None:
            messages.append(head)
    if source in ("commit", "squash") or staged.in_sequencer(repo.git_dir, repo.common_dir):
        messages.append(message)
        folded = msg.squashed_away_text(repo)
        if folded is not None:
            messages.append(folded)
    return messages


def commit_msg(args: list[str], err: TextIO = sys.stderr) -> int:
    if not args:
        print("ownit: commit-msg: no message file given", file=err)
        return EXIT_OK
    repo = _repository()
    if repo is None:
        return EXIT_OK
    hook = _Hook(repo)
    pending.save_commit_msg_ok(repo, None)  # used once, by the script that ran this hook
    loaded = pending.load_pending(repo)
    plan: Plan | None = None
    if loaded is not None:
        made_for, data = loaded
        if (
            data.get("index") == staged.index_signature(repo.git_dir)
            and data.get("head") == hook.head
        ):
            plan = made_for
            plan.notes = []
    rules: PathRules | None = None
    if plan is None:
        amend = loaded is not None and loaded[0].amend
        plan = _plan(hook, amend=amend)
        plan.inherit_exact = loaded is not None and loaded[0].inherit_exact
        if plan.pieces:
            rules, attributes = hook.policy(err)
            plan = apply_policy(plan, rules, attributes)
    elif plan.pieces:
        rules, _ = hook.policy(err)  # the pending plan has it applied already
    path = _message_path(args[0])
    message = msg.read_message(path)
    if msg.message_is_empty(message, staged.comment_char(repo.toplevel, message)):
        return EXIT_OK  # git aborts the commit itself
    verdict = gate(plan, rules) if rules is not None else None
    if verdict is not None and verdict.block:
        display.report_blocked(verdict.block, err)
        pending.clear_pending(repo)
        return EXIT_BLOCKED
    carried = hook.carried_from_head() if plan.amend else None
    # A pending plan's problems were said by prepare-commit-msg already.
    reported = len(plan.problems) if loaded is not None and plan is loaded[0] else 0
    new = msg.apply_to_message(
        repo, plan, message, as_comment_if_empty=False, carried=carried, head=hook.head
    )
    if not plan.amend:
        _report_removed(repo, message, new, err)
    new = _signed(hook, message, new, err, amend=plan.amend)
    display.report_problems(plan.problems[reported:], err)
    if new != message:
        msg.write_message(path, new)
    display.warn_unowned(plan, err, verdict.warn if verdict is not None else None)
    if verdict is not None:
        display.warn_unapproved(verdict, err)
    pending.save_pending(repo, plan, hook.head)
    return EXIT_OK


def post_commit(args: list[str], err: TextIO = sys.stderr) -> int:
    repo = _repository()
    if repo is None:
        return EXIT_OK
    loaded = pending.load_pending(repo)
    pending.clear_pending(repo)
    if loaded is None:
        return EXIT_OK
    plan, data = loaded
    if not plan.pieces or not pending.parent_matches(repo, data):
        return EXIT_OK
    message = git.text(git.run(["log", "-1", "--format=%B", "HEAD"], repo.toplevel).stdout)
    store = open_store(repo)
    if store is None:
        return EXIT_OK
    try:
        record_commit(repo, store, plan, message)
    finally:
        store.close()
    return EXIT_OK


HOOKS = dict(zip(HOOK_NAMES, (prepare_commit_msg, commit_msg, post_commit), strict=True))


def run(name: str, args: list[str], err: TextIO | None = None) -> int:
    """Run hook ``name``; ownit's own failures are reported, never fatal to the commit.
    ``err``: where to say things (None: ``sys.stderr`` as it is when the hook runs)."""
    if err is None:
        err = sys.stderr
    handler = HOOKS[name]
    try:
        return handler(args, err)
    except Exception as error:
        if os.environ.get("OWNIT_DEBUG"):
            raise
        display.hook_failed(name, error, err)
        return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``<hook> ARGS...``: what the installed hook scripts run (``install.RUN_HOOK``; also
    ``python -m ownit.commit.runner``): ``ownit hook`` without the command line's start-up
    cost."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in HOOKS:
        print(
            f"usage: python -m ownit.commit.runner {{{','.join(HOOKS)}}} ARGS...",
            file=sys.stderr,
        )
        return 2
    return run(args[0], args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
