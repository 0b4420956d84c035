"""Setting a repository up for ownit and checking that set-up: `ownit init`, `ownit doctor`.

These call the parts that own each piece (``commit.install``, ``agents.install``, ``store``,
``policy_files``) and never re-implement them.
"""
