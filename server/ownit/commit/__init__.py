"""The commit workflow: ownit's git hooks, what they plan, write, say and record.

A commit passes through these modules (docs/trailers.md, docs/INTERNALS.md):

- :mod:`.runner`: the three hooks (its ``main`` is what the installed scripts run, see
  :data:`.install.RUN_HOOK`; ``python -m ownit.commit.runner NAME ARGS...`` and ``ownit
  hook NAME`` are the same);
- :mod:`.planning`: which AI regions of the store the staged content holds (reads the
  store and the staged blobs, then the pure plan of :mod:`ownit.core.commit_plan`);
- :mod:`.message`: the commit message with the plan's trailers merged in, old claim lines
  moved to where their code is now;
- :mod:`.pending`: the plan handed from one hook to the next (``<git-dir>/ownit/``);
- :mod:`.record`: what each commit carried, recorded in the store;
- :mod:`.display`: every line the workflow says to the user;
- :mod:`.claim_only`: ``ownit claim --commit``;
- :mod:`.amend`: whether a hook runs for ``git commit --amend``;
- :mod:`.install`: installing the hooks (``ownit hooks install|uninstall``).

:mod:`ownit.git` keeps only repository access.
"""

# The git hooks ownit installs and runs, in the order git runs them.
HOOK_NAMES = ("prepare-commit-msg", "commit-msg", "post-commit")
# Set by `ownit claim --commit`: the hooks put only these regions (comma-separated ids)
# in the commit's trailers.
ONLY_REGIONS_ENV = "OWNIT_ONLY_REGIONS"
