"""One module per `ownit` verb; see ownit.cli."""
