"""Doctor check of who the user is to git, which is who owns what they claim: the author
git would record for a commit made now (``Repository.identity``: ``GIT_AUTHOR_*`` first,
then git config, then ``$EMAIL``)."""

from __future__ import annotations

from collections.abc import Mapping

from ownit.core.doctor import Check, fail, ok
from ownit.git.repo import Identity, IdentityError, Repository

FIX = 'git config user.name "Your Name" && git config user.email you@example.com'


def identity_of(repo: Repository) -> tuple[Identity | None, str | None]:
    """(the identity, or None; why there is none)."""
    try:
        ident = repo.identity()
    except IdentityError as error:
        return None, str(error)
    if ident is None:
        return None, (
            "git has no e-mail address to write here (user.email, GIT_AUTHOR_EMAIL or"
            " EMAIL): commits fail and claims have no owner"
        )
    return ident, None


def check_identity(repo: Repository, environ: Mapping[str, str]) -> Check:
    ident, why = identity_of(repo)
    if ident is None:
        return fail("identity", why or "no identity", FIX)
    source = "GIT_AUTHOR_EMAIL" if environ.get("GIT_AUTHOR_EMAIL", "").strip() else "git"
    return ok("identity", f"{ident} ({'from ' + source if source != 'git' else 'git config'})")
