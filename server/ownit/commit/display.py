"""Everything the commit workflow says to the user, in one place (stderr, ``ownit: ``
lines): why a commit is refused and how to own or dismiss each piece, the unowned and
unapproved AI lines it carries, the files ownit failed on, typed ownit lines it removed,
claims committed unsigned, a store that had to be moved aside, and a hook that failed.
``preview``: said by ``ownit trailers`` before any commit (the git command that would
make it), not by a hook."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ownit.core.commit_plan import FORBIDS, Gate, Piece, Plan
from ownit.core.printable import not_an_option, printable
from ownit.core.trailers import encode_path

if TYPE_CHECKING:
    from ownit.core.policy import Policy
    from ownit.core.trailers import ClaimLine


def say(lines: Iterable[str], err: TextIO) -> None:
    """Each line as ``ownit: <line>``, control characters made printable."""
    for line in lines:
        print(f"ownit: {printable(line)}", file=err)


def store_recovered(message: str, err: TextIO) -> None:
    """The store could not be read and was moved aside (``Store.recovery_message``)."""
    print(
        f"ownit: {printable(message)} This commit gets no ownit trailers"
        " for what could not be read: mark and claim that code again (ownit mark,"
        " ownit claim), then `git commit --amend --no-edit` adds them.",
        file=err,
        flush=True,
    )


def file_problem(path: str, error: Exception, lines: str | None = None) -> str:
    """A file (or region ``lines`` of it) the plan had to leave out, and what that means."""
    where = f"{encode_path(path)}:{lines}" if lines else encode_path(path)
    return (
        f"could not work out the trailers of {where} ({type(error).__name__}: {error});"
        " its AI-written lines are not in this commit's trailers (every other file's are),"
        " and the commit is not marked `AI-Lines: exact`, so every line it adds counts as"
        " AI-written downstream. Set OWNIT_DEBUG=1 to see why"
    )


def claim_not_found(claim: ClaimLine, error: Exception) -> str:
    """An old claim line that could not be looked for in the staged content (kept)."""
    return (
        f"could not find {claim.key} {encode_path(claim.location)} in the staged"
        f" content ({type(error).__name__}: {error}); the line is kept as it was"
    )


def claim_dropped(claim: ClaimLine) -> str:
    return f"dropped {claim.key} {claim.location}: that code is not in this commit any more"


def regions_left_behind(left: int, old: str, new: str) -> str:
    return (
        f"{left} AI-written region{'s' if left != 1 else ''} of {encode_path(old)} could"
        f" not be found in {encode_path(new)} (renamed): they stay recorded under the old name"
    )


def report_problems(problems: Iterable[str], err: TextIO) -> None:
    say(problems, err)


def report_removed(removed: list[str], err: TextIO) -> None:
    """The ``AI-Owned:``/``AI-Unowned:``/``Owned-by:`` lines typed into a new commit's
    message that the hook removed, and how to claim instead."""
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


def unsigned_required(claims: Iterable[ClaimLine], policy: Policy, err: TextIO) -> None:
    """Claims committed unsigned where the path's rule requires signed claims."""
    for claim in claims:
        rule = policy.effective(claim.path)
        print(
            f"ownit: {printable(claim.location)} is committed UNSIGNED, and"
            f" {rule.origin_phrase('signatures')} requires signed claims: `ownit verify` will"
            f" not count it as owned ({printable(claim.owner_email or '')} must sign it"
            " with the key the allowed signers list for them)",
            file=err,
        )


def hook_failed(name: str, error: Exception, err: TextIO) -> None:
    """ownit itself failed in hook ``name``: the commit goes on (or was made)."""
    outcome = (
        "the commit was made, but ownit did not record which claims it carried"
        if name == "post-commit"
        else "the commit goes on without ownit's trailers"
    )
    print(
        f"ownit: {name} hook failed ({_describe(error)}); {outcome}. Set OWNIT_DEBUG=1 to see why.",
        file=err,
    )


def _describe(error: Exception) -> str:
    """What went wrong, in one line; a file standing where ownit's folder should be (the
    one failure outside the store's own errors that the user must fix) is named."""
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


def report_blocked(
    blocked: list[tuple[Piece, str, str]],
    out: TextIO = sys.stderr,
    *,
    preview: str | None = None,
) -> None:
    """Why the commit was refused: each AI piece, and the way out of each. ``preview``:
    no commit was tried (`ownit trailers`); the git command that would make it."""
    n = sum(p.end - p.first for p, _, _ in blocked)
    lines = f"{n} AI-written line{'s' if n != 1 else ''}"
    if any(why for _, _, why in blocked):  # forbidden or unapproved: owning is not enough
        if preview is None:
            head = f"ownit: commit refused by policy: {lines} cannot be committed as they are:"
        else:
            head = f"ownit: `{preview}` would be refused by policy: {lines} cannot be committed:"
    elif preview is None:
        they = "it is" if n == 1 else "they are"
        head = f"ownit: commit refused by policy: {lines} must be owned before {they} committed:"
    else:
        head = f"ownit: `{preview}` would be refused by policy: {lines} must be owned first:"
    print(head, file=out)
    for piece, rule, why in blocked:
        stale = "claim is stale: the code changed after it was owned; " if piece.stale else ""
        reason = why or f"{stale}`commit: block` in {rule}"
        print(
            printable(
                f"  {piece.path}:{line_span(piece.first + 1, piece.end)} ({piece.tool}; {reason})"
            ),
            file=out,
        )
    forbidden = [p for p, _, why in blocked if FORBIDS in why]
    others = [p for p, _, why in blocked if FORBIDS not in why]
    unapproved = [p for p, _, why in blocked if why and p in others]
    if forbidden:
        print(
            "ownit: AI-written code may not be committed where the policy forbids it, owned"
            " or not: remove it, or, if a person wrote it, dismiss it (recorded):",
            file=out,
        )
        _print_dismiss_commands(forbidden, out)
    if unapproved:
        print(
            "ownit: code from a tool or model the policy does not approve here: rewrite it"
            " with an approved one, or dismiss it if a person wrote it",
            file=out,
        )
    owning = [p for p in others if p not in unapproved]
    if owning:
        print("ownit: own each one, saying why it is right:", file=out)
        _print_claim_commands(owning, out)
    if preview is None:
        print("ownit: then run the same `git commit` again", file=out)
    else:
        print(f"ownit: then `{preview}`", file=out)


def warn_unapproved(verdict: Gate, out: TextIO = sys.stderr) -> None:
    """The pieces of the commit from tools or models the policy does not approve."""
    if not verdict.unapproved:
        return
    n = sum(p.end - p.first for p, _ in verdict.unapproved)
    print(
        f"ownit: this commit has {n} AI-written line{'s' if n != 1 else ''} from a tool or"
        " model the policy does not approve there (`ownit verify` reports them):",
        file=out,
    )
    for piece, why in verdict.unapproved:
        print(printable(f"  {piece.path}:{piece.first + 1}-{piece.end} ({why})"), file=out)


def _print_dismiss_commands(pieces: list[Piece], out: TextIO) -> None:
    _print_commands("dismiss", '"written by a person: <how you know>"', pieces, out)


def _print_claim_commands(pieces: list[Piece], out: TextIO) -> None:
    _print_commands("claim", '"<why this code is right>"', pieces, out)


def _print_commands(verb: str, message: str, pieces: list[Piece], out: TextIO) -> None:
    """One ``ownit VERB PATH:LINE -m MESSAGE`` line per worktree line the pieces start at."""
    seen: set[tuple[str, int]] = set()
    for piece in pieces:
        key = (piece.path, piece.worktree_line)
        if key in seen:
            continue
        seen.add(key)
        where = _shell_word(not_an_option(piece.path))
        line = f"  ownit {verb} {where}:{piece.worktree_line} -m {message}"
        print(printable(line), file=out)


def warn_unowned(
    plan: Plan,
    out: TextIO = sys.stderr,
    unowned: list[Piece] | None = None,
    *,
    preview: str | None = None,
) -> None:
    """The unowned AI lines of the commit (``unowned``: only these), each with its
    evidence class and how to own it. ``preview``: the commit is not made yet (`ownit
    trailers`); the git command that would make it."""
    from ownit.core.model import evidence_of_source

    for note in plan.notes:
        print(f"ownit: {printable(note)}", file=out)
    if unowned is None:
        unowned = plan.unowned
    if not unowned:
        return
    n = sum(p.end - p.first for p in unowned)
    lines = f"{n} AI-written line{'s' if n != 1 else ''} nobody owns yet"
    if preview is None:
        head = f"ownit: this commit has {lines} (committed with AI-Unowned trailers):"
    else:
        head = f"ownit: `{preview}` would commit {lines} (with AI-Unowned trailers):"
    print(head, file=out)
    for piece in unowned:
        why = " (claim is stale: the code changed after it was owned)" if piece.stale else ""
        evidence = f", {evidence_of_source(piece.source)} evidence" if piece.source else ""
        span = line_span(piece.first + 1, piece.end)
        where = printable(f"{piece.path}:{span} ({piece.tool}{evidence})")
        print(f"  {where}{why}", file=out)
    if preview is None:
        print("ownit: to own them, say why each is right, e.g.:", file=out)
        _print_claim_commands(unowned, out)
        print(
            "ownit: then `git commit --amend --no-edit` to put the claims in this commit",
            file=out,
        )
        return
    print("ownit: to own them before you commit, say why each is right, e.g.:", file=out)
    _print_claim_commands(unowned, out)
    print(f"ownit: then `{preview}`: the trailers become AI-Owned", file=out)


def line_span(first: int, last: int) -> str:
    """``25`` or ``25-30`` (:func:`ownit.core.columns.line_span`, loaded with the first
    message that shows lines: it brings the terminal-width tables along)."""
    from ownit.core.columns import line_span as span

    return span(first, last)


def _shell_word(text: str) -> str:
    if text and all(c.isalnum() or c in "-_./" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"
