"""CI adapters: ``ownit verify``'s findings as SARIF and Code Quality, and the GitHub
Action's and GitLab template's scripts (``ownit ci github``, ``ownit ci gitlab``)."""
