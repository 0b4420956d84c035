"""Which AI tools and models a policy rule approves (``tools:`` / ``models:``), and where
AI is allowed at all (``ai:``). Pure; docs/policy.md, "Where AI is allowed, which tools".

A ``tools`` entry is a glob over the tool (``copilot``, ``claude-*``) or over
``tool:model`` (``claude-code:*``, ``aider:gpt-5*``); a ``models`` entry a glob over the
model alone. ``*`` matches any run of characters (``:`` and ``/`` included), ``?`` one
character; nothing else is special. Names are compared ignoring case, as ownit
normalises them (``core/policy/tool_model.py``). A region or commit that names no tool or
no model counts as ``unknown`` for it: ``claude-code:*`` approves claude-code with any
model or none; ``models: [claude-*]`` does not approve a commit that names no model.

Matching is a plain two-pointer walk (no regular expression), linear in practice and
never worse than the product of the two lengths, so no entry can be slow.
"""

from __future__ import annotations

import re

from ownit.core.policy.keys import AiUse
from ownit.core.record import Record, set_field

__all__ = [
    "MAX_PATTERN",
    "UNKNOWN",
    "AiUse",
    "Approval",
    "glob_match",
    "model_pattern_problem",
    "split_label",
    "tool_pattern_problem",
]

UNKNOWN = "unknown"
MAX_PATTERN = 100

# Only the loader checks entries: compiled there (re caches them), not at import.
_TOOL_PATTERN = r"^[a-z0-9*?][a-z0-9._*?-]*(?::[a-z0-9._/:+*?-]+)?$"
_MODEL_PATTERN = r"^[a-z0-9*?][a-z0-9._/:+*?-]*$"


def tool_pattern_problem(text: str) -> str | None:
    """Why ``text`` is not a ``tools`` entry, or None when it is one."""
    if len(text) > MAX_PATTERN:
        return f"at most {MAX_PATTERN} characters"
    if not re.match(_TOOL_PATTERN, text.casefold()):
        return (
            "expected a tool name or glob such as copilot, claude-code:* or aider:gpt-5*"
            " (letters, digits, . _ - and * ?; a model after ':')"
        )
    return None


def model_pattern_problem(text: str) -> str | None:
    """Why ``text`` is not a ``models`` entry, or None when it is one."""
    if len(text) > MAX_PATTERN:
        return f"at most {MAX_PATTERN} characters"
    if not re.match(_MODEL_PATTERN, text.casefold()):
        return (
            "expected a model name or glob such as claude-sonnet-4.5 or gpt-5*"
            " (letters, digits, . _ - / : + and * ?)"
        )
    return None


def glob_match(pattern: str, text: str) -> bool:
    """``text`` matches ``pattern`` (``*`` any run, ``?`` one character), ignoring case."""
    p, t = pattern.casefold(), text.casefold()
    pi = ti = 0
    star = -1
    mark = 0
    while ti < len(t):
        if pi < len(p) and (p[pi] == "?" or p[pi] == t[ti]):
            pi += 1
            ti += 1
        elif pi < len(p) and p[pi] == "*":
            star, mark = pi, ti
            pi += 1
        elif star >= 0:
            pi = star + 1
            mark += 1
            ti = mark
        else:
            return False
    while pi < len(p) and p[pi] == "*":
        pi += 1
    return pi == len(p)


def split_label(label: str) -> tuple[str, str]:
    """``tool`` / ``tool:model`` as (tool, model), each ``unknown`` when not named."""
    tool, _, model = (label or "").strip().partition(":")
    return tool.strip() or UNKNOWN, model.strip() or UNKNOWN


class Approval(Record):
    """The ``tools`` and ``models`` lists in force on a path (None: any)."""

    __slots__ = ("models", "tools")
    tools: tuple[str, ...] | None
    models: tuple[str, ...] | None

    def __init__(
        self, tools: tuple[str, ...] | None = None, models: tuple[str, ...] | None = None
    ) -> None:
        set_field(self, "tools", tools)
        set_field(self, "models", models)

    @property
    def restricted(self) -> bool:
        return self.tools is not None or self.models is not None

    def problem(self, label: str) -> tuple[str, str] | None:
        """The key (``tools`` or ``models``) that does not approve the tool (``tool`` or
        ``tool:model``) and why, or None when it is approved."""
        tool, model = split_label(label)
        if self.tools is not None and not any(
            glob_match(entry, f"{tool}:{model}") if ":" in entry else glob_match(entry, tool)
            for entry in self.tools
        ):
            listed = ", ".join(self.tools) or "none"
            return "tools", f"tool {tool} is not approved here (tools: {listed})"
        if self.models is not None and not any(glob_match(e, model) for e in self.models):
            listed = ", ".join(self.models) or "none"
            named = "names no model" if model == UNKNOWN else f"model {model} is not approved"
            return "models", f"{tool} {named} (models: {listed})"
        return None
