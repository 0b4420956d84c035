"""Agent hook payloads → what each agent says it did to which file. Pure: no I/O.

Shapes (from each agent's hook documentation):

- **Claude Code** ``PostToolUse`` (settings ``hooks.PostToolUse``, matcher
  ``Edit|MultiEdit|Write``): ``session_id``, ``cwd``, ``hook_event_name``, ``tool_name``,
  ``tool_input`` (``file_path``; ``old_string``/``new_string``/``replace_all`` for Edit;
  ``edits`` for MultiEdit; ``content`` for Write) and ``tool_response`` (may carry
  ``structuredPatch`` hunks ``{oldStart, oldLines, newStart, newLines, lines}`` and
  ``originalFile``). Exit code 2 is a *blocking* error (stderr is fed to the model); any
  other non-zero code is a non-blocking error shown to the user: ownit uses 1.
- **Cursor** ``afterFileEdit`` (``.cursor/hooks.json``): ``conversation_id``,
  ``generation_id``, ``workspace_roots``, ``model``, ``file_path`` and ``edits``
  (``[{old_string, new_string}]``). Observational: it cannot stop the edit; exit 2 means
  "deny" for the ``before…`` hooks, other non-zero codes are a failed hook and the agent
  goes on: ownit uses 1.
- **GitHub Copilot** (coding agent and CLI, ``.github/hooks/*.json``) ``postToolUse``:
  ``timestamp``, ``cwd``, ``toolName``, ``toolArgs`` (a JSON string, or an object) and
  ``toolResult`` (``resultType`` success / failure / denied). Edit tools are ``edit``
  (``path``, ``old_str``, ``new_str``) and ``create`` (``path``, ``file_text``). The
  VS Code compatible form (``PostToolUse``: ``tool_name``, ``tool_input``, ``session_id``)
  is read too. The hook's output is not used and it cannot block: ownit exits 1 on error.

Anything else fed to ``ownit checkpoint --agent NAME`` is tried against these shapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ownit.agents.edits import Hunk, Replacement

CLAUDE_CODE = "claude-code"
CURSOR = "cursor"
COPILOT = "copilot"
KNOWN_AGENTS = (CLAUDE_CODE, CURSOR, COPILOT)

# The exit code that tells each agent "the hook failed, carry on" (never 2: Claude Code
# and Cursor treat 2 as "block").
NON_BLOCKING_EXIT = {CLAUDE_CODE: 1, CURSOR: 1, COPILOT: 1}
DEFAULT_NON_BLOCKING_EXIT = 1

_AGENT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


_TOO_DEEP = "payload is not a valid hook payload: its JSON is nested too deeply to read"


class PayloadError(ValueError):
    """The payload is not one ownit understands; the message says what is wrong."""


# Plain classes, not dataclasses: every agent edit starts a process that defines them.
class FileChange:
    """What an agent did to one file. ``path`` is as the payload gives it: untrusted."""

    __slots__ = ("content", "hunks", "original", "path", "replacements")

    def __init__(
        self,
        path: str,
        replacements: list[Replacement] | None = None,
        content: str | None = None,  # a whole-file write
        hunks: list[Hunk] | None = None,  # exact positions, when the agent gave them
        original: str | None = None,  # the file before the edit, when the agent gave it
    ) -> None:
        self.path = path
        self.replacements: list[Replacement] = [] if replacements is None else replacements
        self.content = content
        self.hunks = hunks
        self.original = original

    @property
    def is_write(self) -> bool:
        return self.content is not None


class Checkpoint:
    """A parsed payload: the edits, who made them, and where the agent was running."""

    __slots__ = ("changes", "cwd", "ignored", "model", "session")

    def __init__(
        self,
        changes: list[FileChange],
        model: str | None = None,
        session: str | None = None,
        cwd: str | None = None,
        ignored: str | None = None,  # why nothing is to be recorded (not an edit, failed tool)
    ) -> None:
        self.changes = changes
        self.model = model
        self.session = session
        self.cwd = cwd
        self.ignored = ignored


def valid_agent_name(name: str) -> bool:
    return bool(_AGENT_NAME.match(name))


def one_word(value: Any) -> str | None:
    """A model or session id as one word (trailers and messages need that), or None."""
    if not isinstance(value, str):
        return None
    word = "-".join(value.split())
    return word[:200] or None


def parse(agent: str, raw: bytes) -> Checkpoint:
    """The payload ``raw`` (stdin of the hook) sent by ``agent``."""
    if not raw.strip():
        raise PayloadError("no payload on stdin (the agent sends its hook payload as JSON)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PayloadError("payload is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise PayloadError(f"payload is not JSON ({error.msg} at char {error.pos})") from None
    except RecursionError:  # JSON nested thousands deep: no agent sends that
        raise PayloadError(_TOO_DEEP) from None
    if not isinstance(data, dict):
        raise PayloadError(f"payload is a JSON {type(data).__name__}, not an object")
    parsers: list[Callable[[dict[str, Any]], Checkpoint]]
    if agent == CLAUDE_CODE:
        parsers = [parse_claude]
    elif agent == CURSOR:
        parsers = [parse_cursor]
    elif agent == COPILOT:
        parsers = [parse_copilot, parse_claude]
    else:
        parsers = [parse_claude, parse_cursor, parse_copilot]
    errors: list[str] = []
    for parser in parsers:
        try:
            return parser(data)
        except PayloadError as error:
            errors.append(str(error))
    raise PayloadError(errors[0] if len(errors) == 1 else "; ".join(dict.fromkeys(errors)))


def _str(data: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


def _need_str(data: dict[str, Any], where: str, *keys: str) -> str:
    value = _str(data, *keys)
    if value is None:
        raise PayloadError(f"{where} has no {' or '.join(keys)} string")
    return value


def _replacement(edit: Any, where: str, old: str, new: str, every: str) -> Replacement:
    if not isinstance(edit, dict):
        raise PayloadError(f"{where} is not an object")
    replace_all = edit.get(every, False)
    return Replacement(
        _need_str(edit, where, old), _need_str(edit, where, new), replace_all is True
    )


def _hunks(response: Any) -> list[Hunk] | None:
    if not isinstance(response, dict):
        return None
    patch = response.get("structuredPatch")
    if not isinstance(patch, list) or not patch:
        return None
    hunks = []
    for hunk in patch:
        if not isinstance(hunk, dict):
            return None
        start, lines = hunk.get("newStart"), hunk.get("lines")
        if not isinstance(start, int) or isinstance(start, bool) or not isinstance(lines, list):
            return None
        if not all(isinstance(line, str) for line in lines):
            return None
        hunks.append(Hunk(start, tuple(lines)))
    return hunks


# ------------------------------------------------------------------------ Claude Code
CLAUDE_EDIT_TOOLS = ("Edit", "MultiEdit", "Write")


def parse_claude(data: dict[str, Any]) -> Checkpoint:
    tool = data.get("tool_name")
    if not isinstance(tool, str) or not isinstance(data.get("tool_input"), dict):
        raise PayloadError("not a Claude Code tool hook payload (no tool_name / tool_input)")
    checkpoint = Checkpoint(
        [],
        model=one_word(data.get("model")),
        session=one_word(data.get("session_id")),
        cwd=_str(data, "cwd"),
    )
    event = data.get("hook_event_name")
    if event is not None and event != "PostToolUse":
        checkpoint.ignored = f"{event} is not an edit that happened (install on PostToolUse)"
        return checkpoint
    if tool not in CLAUDE_EDIT_TOOLS:
        checkpoint.ignored = f"tool {tool} does not edit files"
        return checkpoint
    args: dict[str, Any] = data["tool_input"]
    response = data.get("tool_response")
    change = FileChange(_need_str(args, "tool_input", "file_path"))
    change.hunks = _hunks(response)
    if isinstance(response, dict):
        change.original = _str(response, "originalFile")
    if tool == "Write":
        change.content = _need_str(args, "tool_input", "content")
    elif tool == "Edit":
        change.replacements = [
            _replacement(args, "tool_input", "old_string", "new_string", "replace_all")
        ]
    else:
        edits = args.get("edits")
        if not isinstance(edits, list):
            raise PayloadError("MultiEdit tool_input has no edits list")
        change.replacements = [
            _replacement(e, f"edits[{i}]", "old_string", "new_string", "replace_all")
            for i, e in enumerate(edits)
        ]
    checkpoint.changes.append(change)
    return checkpoint


# ----------------------------------------------------------------------------- Cursor
def parse_cursor(data: dict[str, Any]) -> Checkpoint:
    event = data.get("hook_event_name")
    if event is None and "edits" not in data:
        raise PayloadError("not a Cursor hook payload (no hook_event_name)")
    roots = data.get("workspace_roots")
    checkpoint = Checkpoint(
        [],
        model=one_word(data.get("model")),
        session=one_word(data.get("conversation_id")),
        cwd=roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], str) else None,
    )
    if event is not None and event != "afterFileEdit":
        checkpoint.ignored = f"{event} is not an agent file edit (install on afterFileEdit)"
        return checkpoint
    edits = data.get("edits")
    if not isinstance(edits, list):
        raise PayloadError("afterFileEdit payload has no edits list")
    change = FileChange(_need_str(data, "afterFileEdit payload", "file_path"))
    change.replacements = [
        _replacement(e, f"edits[{i}]", "old_string", "new_string", "replace_all")
        for i, e in enumerate(edits)
    ]
    checkpoint.changes.append(change)
    return checkpoint


# ---------------------------------------------------------------------------- Copilot
_PATH_KEYS = ("path", "filePath", "file_path")
_OLD_KEYS = ("old_str", "oldString", "old_string")
_NEW_KEYS = ("new_str", "newString", "new_string")
_CONTENT_KEYS = ("file_text", "content", "fileText")


def parse_copilot(data: dict[str, Any]) -> Checkpoint:
    tool = _str(data, "toolName", "tool_name")
    if tool is None:
        raise PayloadError("not a GitHub Copilot tool hook payload (no toolName)")
    args: Any = data.get("toolArgs", data.get("tool_input"))
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except json.JSONDecodeError:
            raise PayloadError("toolArgs is not JSON") from None
        except RecursionError:
            raise PayloadError(_TOO_DEEP) from None
    checkpoint = Checkpoint(
        [],
        model=one_word(data.get("model")),
        session=one_word(_str(data, "sessionId", "session_id")),
        cwd=_str(data, "cwd"),
    )
    event = _str(data, "hook_event_name", "hookEventName")
    if event is not None and event not in ("postToolUse", "PostToolUse"):
        checkpoint.ignored = f"{event} is not an edit that happened (install on postToolUse)"
        return checkpoint
    result = data.get("toolResult")
    if isinstance(result, dict) and result.get("resultType") in ("failure", "denied"):
        checkpoint.ignored = f"the {tool} tool call did not succeed"
        return checkpoint
    if not isinstance(args, dict):
        checkpoint.ignored = f"tool {tool} has no arguments ownit reads"
        return checkpoint
    path = _str(args, *_PATH_KEYS)
    if path is None:
        checkpoint.ignored = f"tool {tool} does not edit a file"
        return checkpoint
    change = FileChange(path)
    content = _str(args, *_CONTENT_KEYS)
    if _str(args, *_NEW_KEYS) is not None:
        change.replacements = [
            Replacement(_str(args, *_OLD_KEYS) or "", _str(args, *_NEW_KEYS) or "")
        ]
    elif content is not None and (
        "create" in tool.lower() or "write" in tool.lower() or args.get("command") == "create"
    ):
        change.content = content
    else:
        checkpoint.ignored = f"tool {tool} does not edit a file"
        return checkpoint
    checkpoint.changes.append(change)
    return checkpoint
