"""Doctor check of who the user is to git, which is who owns what they claim."""

from __future__ import annotations

import os

from ownit.core.doctor import Check, fail, ok, warn
from ownit.git.repo import Repository

FIX = 'git config user.name "Your Name" && git config user.email you@example.com'


def check_identity(repo: Repository, environ: dict[str, str] | None = None) -> Check:
    env = os.environ if environ is None else environ
    ident = repo.identity()
    if ident is not None:
        return ok("identity", f"{ident} (git config)")
    name, email = env.get("GIT_AUTHOR_NAME", "").strip(), env.get("GIT_AUTHOR_EMAIL", "").strip()
    if name and email:
        return warn(
            "identity",
            f"only GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL are set ({name} <{email}>): git commits "
            "with them, but `ownit claim` needs git config user.name and user.email",
            FIX,
        )
    return fail(
        "identity",
        "git has no user.name/user.email here (nor GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL): "
        "commits fail and claims have no owner",
        FIX,
    )
