"""Reading which tool and model an AI attribution names (docs/policy.md, "Tool and model").

An ``ai_commit_patterns`` entry may say how its matched value names a model (``read:``):

- ``model-in-parentheses``: ``Name (MODEL) <email>``, as aider writes its co-author
  (``aider (gpt-5) <aider@aider.chat>`` → model ``gpt-5``); the tool is the pattern's.
- ``model-in-name``: the name is the model, as Claude Code writes its co-author
  (``Claude Sonnet 4.5 <noreply@anthropic.com>`` → ``claude-sonnet-4.5``); a name that
  says no more than the tool (``Claude``) names no model.
- ``tool-model``: the value names the tool too, in one of the shapes project conventions
  use, tried in this order: ``TOOL (MODEL)`` (OpenLiberty's ``Co-authored-by-AI``),
  ``TOOL:MODEL [ANALYSIS-TOOL…]`` (the Linux kernel's ``Assisted-by``, ownit's own; the
  tool may be words: ``Claude Code:…``; a ``://`` is a URL, not this), ``TOOL MODEL`` when
  the second of exactly two words holds a digit and is not a version number (OpenInfra's
  ``Generated-By: <tool> [model]``), else the whole value is the tool (``Generated-by:
  GitHub Copilot``). A trailing ``<email>`` is ignored, and version numbers at the end of
  the tool (``IBM Bob 1.0.0``) are dropped.

Names are normalised the same way everywhere: lower case, each run of spaces and of
characters other than letters, digits and ``.``, ``_``, ``-`` (``/``, ``:`` and ``+`` also
kept in a model: ``openrouter/deepseek/deepseek-chat-v3-0324:free``) becomes one ``-``.
aider's ``unknown-model`` means no model. Pure.
"""

from __future__ import annotations

import re

READERS = ("tool-model", "model-in-parentheses", "model-in-name")

_VERSION = re.compile(r"^v?\d+(?:\.\d+)*$", re.IGNORECASE)
_TOOL_JUNK = re.compile(r"[^a-z0-9._]+")
_MODEL_JUNK = re.compile(r"[^a-z0-9._/:+]+")
_NO_MODEL = frozenset({"", "unknown", "unknown-model"})
MAX_NAME = 100  # a longer tool or model name is cut (trailers are short; nothing is lost)


def tool_name(text: str) -> str:
    """``text`` as a tool name: ``GitHub Copilot`` → ``github-copilot``, version numbers
    at the end dropped (``IBM Bob 1.0.0`` → ``ibm-bob``); "" when nothing is left."""
    words = text.split()
    while len(words) > 1 and _VERSION.match(words[-1]):
        words.pop()
    return _TOOL_JUNK.sub("-", " ".join(words).casefold()).strip("-.")[:MAX_NAME]


def model_name(text: str) -> str | None:
    """``text`` as a model name (``Claude Sonnet 4.5`` → ``claude-sonnet-4.5``), or None
    when it names none."""
    name = _MODEL_JUNK.sub("-", text.strip().casefold()).strip("-.")[:MAX_NAME]
    return None if name in _NO_MODEL else name


def read(reader: str | None, value: str, tool: str | None) -> tuple[str | None, str | None]:
    """The (tool, model) that ``value`` names under ``reader`` (one of :data:`READERS`, or
    None: the pattern's ``tool``, no model). ``tool`` is the pattern's, kept when the value
    names none."""
    if reader is None:
        return tool, None
    name = _without_email(value)
    if reader == "model-in-parentheses":
        found = _parenthesized(name)
        return tool, None if found is None else model_name(found[1])
    if reader == "model-in-name":
        model = model_name(name)
        if model is None or (tool is not None and tool.startswith(model)):
            return tool, None  # "Claude" for claude-code: the tool, no model
        return tool, model
    return _tool_and_model(name, tool)


# String methods rather than regexes: a trailer value is anyone's text, and these stay
# linear in it whatever it holds.


def _without_email(value: str) -> str:
    """``value`` without a trailing ``<email>``, trimmed."""
    text = value.strip()
    if text.endswith(">"):
        start = text.rfind("<")
        if start >= 0 and ">" not in text[start:-1]:
            text = text[:start]
    return text.strip()


def _parenthesized(name: str) -> tuple[str, str] | None:
    """``NAME (INNER)``: the text before the first ``(`` and inside it, or None."""
    start = name.find("(")
    end = name.find(")", start + 1)
    if start < 0 or end < 0:
        return None
    return name[:start].strip(), name[start + 1 : end]


def _tool_and_model(name: str, tool: str | None) -> tuple[str | None, str | None]:
    found = _parenthesized(name)
    if found is not None:
        return tool_name(found[0]) or tool, model_name(found[1])
    agent, colon, rest = name.partition(":")
    if colon and not rest.startswith("//"):  # TOOL:MODEL, not a URL
        after = rest.split()
        return tool_name(agent) or tool, model_name(after[0]) if after else None
    words = name.split()
    if not words:
        return tool, None
    if len(words) == 2 and any(c.isdigit() for c in words[1]) and not _VERSION.match(words[1]):
        return tool_name(words[0]) or tool, model_name(words[1])
    return tool_name(name) or tool, None
