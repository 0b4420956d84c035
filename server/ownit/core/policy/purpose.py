"""Purpose tags on claims (``purposes:`` in ``.ownit.yaml``, ``ownit claim --purpose``)."""

from __future__ import annotations

from collections.abc import Sequence

MAX_PURPOSE = 60


class PurposeRejected(ValueError):
    """A claim's purpose tag is not one the policy lists (or not a short line)."""


def validate_purpose(text: str, purposes: Sequence[str] = ()) -> str:
    """``text`` as a purpose tag: normalized to one line; with ``purposes``, one of them
    (ignoring case; written as the policy spells it)."""
    from ownit.core.claims import normalize_rationale

    purpose = normalize_rationale(text)
    if not purpose:
        return ""
    if len(purpose) > MAX_PURPOSE:
        raise PurposeRejected(
            f"purpose too long: {len(purpose)} characters, at most {MAX_PURPOSE} — a short"
            " tag such as tests, refactor or feature"
        )
    if purposes:
        for allowed in purposes:
            if allowed.casefold() == purpose.casefold():
                return allowed
        raise PurposeRejected(
            f"purpose {purpose!r} is not one the policy lists (purposes: {', '.join(purposes)})"
        )
    return purpose
