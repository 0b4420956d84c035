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
from typing import TYPE_CHECKING, TextIO

from ownit.core.printable import printable
from ownit.git import commit_trailers as ct
from ownit.git import run as git
from ownit.git import staged
from ownit.git.amend import is_amend
from ownit.git.repo import Repository, find_repository

if TYPE_CHECKING:
    from ownit.core.policy import Policy

EXIT_OK = 0
EXIT_BLOCKED = 1


def _repository() -> Repository | None:
    return find_repository(Path.cwd(), refresh=True)


def _message_path(repo: Repository, arg: str) -> Path:
    path = Path(arg)
    return path if path.is_absolute() else Path.cwd() / path


def _plan(repo: Repository, *, amend: bool) -> ct.Plan:
    if staged.in_sequencer(repo.git_dir, repo.common_dir):
        # Replaying commits: the store describes the working tree the user left, not the
        # commits being replayed. Only the claims the messages carry are kept (moved to
        # where their code is now).
        plan = ct.Plan(base=ct.commit_base(repo, amend=amend), amend=amend, from_store=False)
        return plan
    store = ct.open_store(repo)
    try:
        plan = ct.plan_commit(repo, store, amend=amend)
    finally:
        if store is not None:
            store.close()
    only = os.environ.get(ct.ONLY_REGIONS_ENV)
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
    amend = is_amend(repo.toplevel, source, obj)
    plan = _plan(repo, amend=amend)
    policy: Policy | None = None
    if plan.pieces:
        policy, attributes = ct.tree_policy(repo, None)
        plan = ct.apply_policy(plan, policy, attributes)
    path = _message_path(repo, args[0])
    message = ct.read_message(path)
    carried = ct.carried_from_head(repo) if amend else None
    plan.inherit_exact = ct.inherits_exact(repo, _rewritten(repo, source, message, amend=amend))
    new = ct.apply_to_message(repo, plan, message, as_comment_if_empty=True, carried=carried)
    if not amend and source not in ("commit", "squash", "merge"):
        _report_removed(repo, message, new, err)
    new = _signed(repo, message, new, err, amend=amend)
    _report_problems(plan, err)
    if new != message:
        ct.write_message(path, new)
    ct.save_pending(repo, plan)
    # Nothing for commit-msg to add or say unless the message changes (an editor, a
    # chained hook): the installed commit-msg script then skips starting Python.
    quiet = not plan.unowned and not plan.notes
    if quiet and policy is not None:
        quiet = not ct.policy_objects(plan, policy)  # forbidden paths, unapproved tools
    ct.save_commit_msg_ok(repo, new if quiet else None)
    return EXIT_OK


def _signed(repo: Repository, message: str, new: str, err: TextIO, *, amend: bool) -> str:
    """``new`` with each ``AI-Owned`` line's ``AI-Signature`` (kept from ``message``,
    HEAD's message on an amend or the squashed messages, or made now where the policy
    asks for signed claims); what could not be signed is said on ``err``."""
    if "ai-owned:" not in new.lower():
        return new
    comment = staged.comment_char(repo.toplevel, new)
    if ct.message_is_empty(new, comment):
        return new  # the note shown in an empty message: commit-msg signs for real
    from ownit.git.claim_signing import asks_signatures, sign_message

    sources = [message]
    if amend and (head := ct.head_message(repo)) is not None:
        sources.append(head)
    if (folded := ct.squashed_away_text(repo)) is not None:
        sources.append(folded)
    policy, _ = ct.tree_policy(repo, None)
    if not asks_signatures(policy) and not any("ai-signature:" in m.lower() for m in sources):
        return new  # nothing to sign and no signature to carry
    result = sign_message(repo, new, policy, comment=comment, sources=sources)
    for problem in result.problems:
        print(f"ownit: {printable(problem)}", file=err)
    for claim in result.unsigned_required:
        rule = policy.effective(claim.path)
        print(
            f"ownit: {printable(claim.location)} is committed UNSIGNED, and"
            f" {rule.origin_phrase('signatures')} requires signed claims: `ownit verify` will"
            f" not count it as owned ({printable(claim.owner_email or '')} must sign it"
            " with the key the allowed signers list for them)",
            file=err,
        )
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
        for line in ct.body_lines(message, comment)
        if ct.TYPED_OWNIT_LINE.match(line) and line.strip() not in kept
    ]
    if not removed:
        return
    print(
        "ownit: removed from the message what only ownit writes (its AI-Owned, AI-Unowned"
        " and Owned-by lines come from the claims it records; a typed one was never"
        " checked):",
        file=err,
    )
    for line in dict.fromkeys(removed):
        shown = line if len(line) <= 120 else line[:119] + "…"
        print(f"  removed the line '{printable(shown)}'", file=err)
    print(
        'ownit: to own AI-written code, run ownit claim PATH:LINE -m "<why this code is'
        ' right>" before committing (or use the editor\'s "Own this AI-written code…"); for'
        ' code already committed: ownit claim PATH:LINE -m "<why>" --commit',
        file=err,
    )


def _report_problems(plan: ct.Plan, err: TextIO) -> None:
    for problem in plan.problems:
        print(f"ownit: {printable(problem)}", file=err)


def _rewritten(repo: Repository, source: str, message: str, *, amend: bool) -> list[str]:
    """The messages whose claims this commit keeps, when it rewrites commits: HEAD's for
    an amend; the message git gives for a rebase, cherry-pick, squash or ``-c``/``-C``,
    with the ``fixup`` messages a rebase folds in. Never a message typed for this commit
    (``-m``, ``-F``, an editor): an ``AI-Lines:`` line there is not ownit's."""
    messages: list[str] = []
    if amend:
        head = ct.head_message(repo)
        if head is not None:
            messages.append(head)
    if source in ("commit", "squash") or staged.in_sequencer(repo.git_dir, repo.common_dir):
        messages.append(message)
        folded = ct.squashed_away_text(repo)
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
    ct.save_commit_msg_ok(repo, None)  # used once, by the script that ran this hook
    loaded = ct.load_pending(repo)
    plan: ct.Plan | None = None
    if loaded is not None:
        pending, data = loaded
        if data.get("index") == staged.index_signature(repo.git_dir) and data.get(
            "head"
        ) == git.rev(repo.toplevel, "HEAD"):
            plan = pending
            plan.notes = []
    policy: Policy | None = None
    if plan is None:
        amend = loaded is not None and loaded[0].amend
        plan = _plan(repo, amend=amend)
        plan.inherit_exact = loaded is not None and loaded[0].inherit_exact
        if plan.pieces:
            policy, attributes = ct.tree_policy(repo, err)
            plan = ct.apply_policy(plan, policy, attributes)
    elif plan.pieces:
        policy, _ = ct.tree_policy(repo, err)  # the pending plan has it applied already
    path = _message_path(repo, args[0])
    message = ct.read_message(path)
    if ct.message_is_empty(message, staged.comment_char(repo.toplevel, message)):
        return EXIT_OK  # git aborts the commit itself
    verdict = ct.gate(plan, policy) if policy is not None else None
    if verdict is not None and verdict.block:
        ct.report_blocked(verdict.block, err)
        ct.clear_pending(repo)
        return EXIT_BLOCKED
    carried = ct.carried_from_head(repo) if plan.amend else None
    # A pending plan's problems were said by prepare-commit-msg already.
    reported = len(plan.problems) if loaded is not None and plan is loaded[0] else 0
    new = ct.apply_to_message(repo, plan, message, as_comment_if_empty=False, carried=carried)
    if not plan.amend:
        _report_removed(repo, message, new, err)
    new = _signed(repo, message, new, err, amend=plan.amend)
    for problem in plan.problems[reported:]:
        print(f"ownit: {printable(problem)}", file=err)
    if new != message:
        ct.write_message(path, new)
    ct.warn_unowned(plan, err, verdict.warn if verdict is not None else None)
    if verdict is not None:
        ct.warn_unapproved(verdict, err)
    ct.save_pending(repo, plan)
    return EXIT_OK


def post_commit(args: list[str], err: TextIO = sys.stderr) -> int:
    repo = _repository()
    if repo is None:
        return EXIT_OK
    loaded = ct.load_pending(repo)
    ct.clear_pending(repo)
    if loaded is None:
        return EXIT_OK
    plan, data = loaded
    if not plan.pieces or not ct.parent_matches(repo, data):
        return EXIT_OK
    message = git.text(git.run(["log", "-1", "--format=%B", "HEAD"], repo.toplevel).stdout)
    store = ct.open_store(repo)
    if store is None:
        return EXIT_OK
    try:
        ct.record_commit(repo, store, plan, message)
    finally:
        store.close()
    return EXIT_OK


HOOKS = {
    "prepare-commit-msg": prepare_commit_msg,
    "commit-msg": commit_msg,
    "post-commit": post_commit,
}


def run(name: str, args: list[str], err: TextIO = sys.stderr) -> int:
    """Run hook ``name``; ownit's own failures are reported, never fatal to the commit."""
    handler = HOOKS[name]
    try:
        return handler(args, err)
    except Exception as error:
        if os.environ.get("OWNIT_DEBUG"):
            raise
        outcome = (
            "the commit was made, but ownit did not record which claims it carried"
            if name == "post-commit"
            else "the commit goes on without ownit's trailers"
        )
        print(
            f"ownit: {name} hook failed ({_describe(error)}); {outcome}."
            " Set OWNIT_DEBUG=1 to see why.",
            file=err,
        )
        return EXIT_OK


def _describe(error: Exception) -> str:
    """What went wrong, in one line; a file standing where ownit's folder should be (the
    one failure outside the store's own errors that the user must fix) is named."""
    from ownit.core.printable import printable
    from ownit.store.errors import blocking_file

    if isinstance(error, OSError) and isinstance(error.filename, str):
        target = Path(error.filename)
        blocker = target if target.is_file() and isinstance(error, FileExistsError) else None
        blocker = blocker or blocking_file(target)
        if blocker is not None:
            return (
                f"{printable(str(blocker))} is a file, not a folder; move it away (ownit"
                " will create the folder and a fresh store there)"
            )
    return f"{type(error).__name__}: {printable(str(error))}"


def main(argv: list[str] | None = None) -> int:
    """``python -m ownit.git.hook_runner <hook> ARGS...``: what the installed hook scripts
    run (``ownit hook`` without the command line's start-up cost)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in HOOKS:
        print(
            f"usage: python -m ownit.git.hook_runner {{{','.join(HOOKS)}}} ARGS...", file=sys.stderr
        )
        return 2
    return run(args[0], args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
