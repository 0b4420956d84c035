"""`ownit doctor`: every check of a repository's ownit set-up, in the order a user fixes
them (identity, hooks, agents, policy, signing, store, editor). Nothing is changed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ownit import __version__
from ownit.core.doctor import Check, ok
from ownit.git.repo import Repository


def run_checks(repo: Repository, home: Path | None = None) -> list[Check]:
    from ownit.agents.clone_python import recorded_python
    from ownit.policy_files import load_tree_policy
    from ownit.setup.agents_found import detect_agents
    from ownit.setup.check_agents import check_agents
    from ownit.setup.check_editor import check_editor
    from ownit.setup.check_hooks import check_hooks, check_hooks_path
    from ownit.setup.check_identity import check_identity, identity_of
    from ownit.setup.check_policy import check_codeowners, check_gitattributes, check_policy
    from ownit.setup.check_signing import check_signing
    from ownit.setup.check_store import check_store

    toplevel = repo.toplevel
    checks = [ok("ownit", f"ownit {__version__} on Python {sys.version.split()[0]}")]
    checks.append(check_identity(repo, os.environ))
    hooks = check_hooks(toplevel)
    checks += [hooks, check_hooks_path(toplevel, hooks)]
    checks += check_agents(
        toplevel, home or Path.home(), detect_agents(toplevel), recorded_python(toplevel)
    )
    loaded = load_tree_policy(toplevel)
    checks.append(check_policy(loaded))
    ident, _ = identity_of(repo)
    checks.append(check_signing(toplevel, loaded.policy, ident.email if ident else None))
    checks += [check_gitattributes(toplevel), check_codeowners(toplevel, loaded.policy)]
    checks += check_store(repo)
    checks.append(check_editor())
    return checks
