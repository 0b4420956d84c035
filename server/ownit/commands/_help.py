"""Help texts shared by the verbs' parsers."""

from __future__ import annotations

# The help of --json, the same for every verb that has it.
JSON_HELP = "print one JSON document on stdout instead of text"


def doc_description(doc: str | None) -> str | None:
    """A verb module's docstring without its first paragraph (the one-line summary, which
    is the verb's help in the list), for ``description=``."""
    if not doc:
        return None
    parts = doc.split("\n\n", 1)
    return parts[1] if len(parts) > 1 else None
