"""`python -m ownit` runs the command line (used by git hooks when `ownit` is not on PATH)."""

from ownit.cli import main

raise SystemExit(main())
