"""The commit message with ownit's trailers in it (docs/trailers.md): the plan's lines
merged into the message git gives the hooks, old claim lines (from the message being
amended or squashed, HEAD's, the ``fixup`` commits a rebase folds in) moved to where their
code is in the staged content, or dropped with a note when it is gone."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.commit import display
from ownit.commit.planning import reraise_when_debugging, tree_policy
from ownit.core import trailers as tr
from ownit.core.commit_plan import Plan
from ownit.git import run as git
from ownit.git import staged
from ownit.git.repo import Repository

if TYPE_CHECKING:
    from ownit.core.policy import Policy


def reanchorer(repo: Repository, plan: Plan, head: str | None) -> tr.Reanchor:
    """Moves an old claim line (kept from the message being amended or squashed) to where
    its code is in the staged blob, by fingerprint; drops it, with a note, when the staged
    content no longer holds that code. A file renamed since (``git mv`` before an amend:
    HEAD or the commit's base against what is staged) is followed to its new name. When
    the staged file cannot be read, the line is kept as it was and the problem said (a
    claim is never lost to ownit failing)."""
    cache: dict[str, list[str] | None] = {}
    moves: dict[str, str] | None = None

    def renamed(path: str) -> str | None:
        nonlocal moves
        if moves is None:
            from ownit.git import renames  # only for a claim line whose file is gone

            moves = {}
            for base in dict.fromkeys((head, plan.base)):
                for old, new in renames.staged(repo.toplevel, base).items():
                    moves.setdefault(old, new)
        return moves.get(path)

    def lines_of(path: str) -> list[str] | None:
        if path not in cache:
            blob = staged.read_blobs(repo.toplevel, [f":{path}"])[f":{path}"]
            cache[path] = None if blob is None else staged.git_lines(git.text(blob))
        return cache[path]

    def move(claim: tr.ClaimLine) -> tr.ClaimLine | None:
        try:
            return _moved(claim)
        except Exception as error:
            reraise_when_debugging()
            plan.problems.append(display.claim_not_found(claim, error))
            return claim

    def _moved(claim: tr.ClaimLine) -> tr.ClaimLine | None:
        from ownit.core.linemap import find_fingerprint  # only when a claim line is kept

        notes = plan.notes
        path = claim.path
        lines = lines_of(path)
        if lines is None:
            new = renamed(path)
            if new is not None:
                path, lines = new, lines_of(new)
        length = claim.last - claim.first + 1
        found = None
        if lines is not None:
            found = find_fingerprint(lines, claim.fingerprint, length, near=claim.first - 1)
        if found is None:
            notes.append(display.claim_dropped(claim))
            return None
        first = found[0] + 1
        return tr.ClaimLine(
            path,
            first,
            first + length - 1,
            claim.fingerprint,
            claim.tool,
            claim.owner_email,
            claim.rationale,
            claim.purpose,
        )

    return move


# A line someone typed that only ownit may write (see runner._report_removed).
TYPED_OWNIT_LINE = re.compile(r"^[ \t]*(?:AI-Owned|AI-Unowned|Owned-by)[ \t]*:", re.IGNORECASE)


def body_lines(message: str, comment: str) -> list[str]:
    """The message's lines after its subject: no comment lines, nothing after git's
    scissors line."""
    lines = [
        line
        for line in message[: tr.ignored_tail_start(message, comment)].split("\n")
        if not (comment and line.startswith(comment))
    ]
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines[1:]


def message_is_empty(message: str, comment: str) -> bool:
    cut = tr.ignored_tail_start(message, comment)
    return all(
        not line.strip() or (comment and line.startswith(comment))
        for line in message[:cut].split("\n")
    )


def apply_to_message(
    repo: Repository,
    plan: Plan,
    message: str,
    *,
    as_comment_if_empty: bool,
    carried: tr.OwnitTrailers | None = None,
    head: str | None,
) -> str:
    """The message with the plan's trailers merged in; ``carried``: old lines from
    elsewhere to keep too (HEAD's, when amending with a new message); ``head``: HEAD's id
    (None: unborn), where old claim lines' renames are looked for."""
    comment = staged.comment_char(repo.toplevel, message)
    empty = message_is_empty(message, comment)
    if empty and not as_comment_if_empty:
        return message  # git will abort the commit: adding trailers would make it go on
    gathered = [found for found in (squashed_away(repo), carried) if found is not None]
    trailers = plan.trailers()
    merged = tr.merge_into_message(
        message,
        trailers,
        comment_char=comment,
        reanchor=reanchorer(repo, plan, head),
        as_comment=empty,
        gathered=tr.combine(gathered) if gathered else None,
    )
    if trailers.exact and not plan.exact:
        # An old line could not be re-anchored (kept as it was): the set is not exact. The
        # one marker line in the message is the one just written.
        merged = merged.replace(f"\n{tr.EXACT_MARKER}\n", "\n", 1)
    return merged


def head_message(repo: Repository) -> str | None:
    shown = git.run(["log", "-1", "--format=%B", "HEAD"], repo.toplevel, check=False)
    return git.text(shown.stdout) if shown.returncode == 0 else None


def inherits_exact(
    repo: Repository, messages: list[str], policy: Callable[[], Policy] | None = None
) -> bool:
    """Whether the messages a rewrite keeps the claims of were exact (``AI-Lines: exact``
    with claim lines) and nothing else in them, nor the author, marks the commit as
    AI-assisted under the working tree's policy: then their claim lines still say exactly
    which lines are AI. A message typed for a new commit is never one of them.
    ``policy``: gives the tree's policy (read only for an exact message)."""
    from ownit.core import attribution

    if not any(attribution.exact_anywhere(message) for message in messages):
        return False
    from ownit.core.provenance import AiCommitDetector  # only for exact messages

    detector = AiCommitDetector(policy() if policy is not None else tree_policy(repo, None)[0])
    name = os.environ.get("GIT_AUTHOR_NAME", "")
    email = os.environ.get("GIT_AUTHOR_EMAIL", "")
    return all(detector.match(message, name, email) is None for message in messages)


def squashed_away(repo: Repository) -> tr.OwnitTrailers | None:
    """During ``rebase -i``, the claims of the ``fixup`` commits folded into the commit
    being made: git comments their messages out (in ``rebase-merge/message-squash``) and
    leaves them out of the message it gives the hooks, but their claims must stay."""
    squash = _fixup_messages(repo)
    if squash is None:
        return None
    return tr.parse_commented(squash, staged.comment_char(repo.toplevel, squash))


def squashed_away_text(repo: Repository) -> str | None:
    """The commented-out messages of :func:`squashed_away`, uncommented (their co-author
    lines count for :func:`inherits_exact` too)."""
    squash = _fixup_messages(repo)
    if squash is None:
        return None
    comment = staged.comment_char(repo.toplevel, squash)
    return tr.uncommented(squash, comment)


def _fixup_messages(repo: Repository) -> str | None:
    """``rebase-merge/message-squash`` while ``rebase -i`` folds fixups in, else None."""
    state = repo.git_dir / "rebase-merge"
    try:
        if not (state / "current-fixups").read_bytes().strip():
            return None
        return read_message(state / "message-squash")
    except OSError:
        return None


def read_message(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def write_message(path: Path, message: str) -> None:
    path.write_bytes(message.encode("utf-8", "surrogateescape"))
