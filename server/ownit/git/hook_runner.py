"""Hook scripts installed by ownit before the commit workflow had its own package run
``python -m ownit.git.hook_runner NAME ARGS...``: they keep working (``ownit hooks
install`` rewrites them to run :mod:`ownit.commit.runner` directly; ``ownit doctor``
says when they are out of date).

An entry point, so an adapter (docs/INTERNALS.md, "The layers"), though it sits in
``git/``: its name is fixed by the scripts already out there. Nothing imports it."""

from ownit.commit.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
