"""What a request to mark code as AI-written must give: a tool, perhaps a model, a source.

One check for every way in (``ownit mark``, the editor's ``ownit.markAi``); each says the
field in its own terms (``--tool``, ``'tool'``) in front of the reason given here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ownit.core.model import Source


class BadMarkInput(ValueError):
    """``field`` (tool, model or source) is not acceptable; ``reason`` says what it must be."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class MarkInput:
    tool: str
    model: str | None
    source: Source


def _one_word(value: str) -> bool:
    return bool(value.strip()) and not any(c.isspace() for c in value)


def check_mark_input(tool: str, model: str | None, source: str | None) -> MarkInput:
    """The tool, model and source of a mark, checked; ``source`` None means ``manual``."""
    if not _one_word(tool):
        raise BadMarkInput("tool", f"must be one word, e.g. 'copilot'; got {tool!r}")
    if model is not None and not _one_word(model):
        raise BadMarkInput("model", f"must be one word, e.g. 'gpt-5'; got {model!r}")
    if source is None:
        return MarkInput(tool, model, Source.MANUAL)
    try:
        checked = Source(source)
    except ValueError:
        names = ", ".join(s.value for s in Source)
        raise BadMarkInput("source", f"is unknown: {source!r}; one of {names}") from None
    return MarkInput(tool, model, checked)
