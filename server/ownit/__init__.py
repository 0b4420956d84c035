"""ownit: make ownership of AI-written code explicit."""

__version__ = "0.1.0"
