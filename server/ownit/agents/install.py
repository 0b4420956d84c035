"""Hook entries in agents' settings files: add or remove ownit's, touch nothing else.

The settings are parsed as JSON (object key order kept), changed in place, and written
back with the file's own indentation, so a user's other settings keep their order and
values; a file that already holds ownit's entry is not rewritten at all. A file that is
not valid JSON is never overwritten (the error says where it is broken).

- Claude Code: ``.claude/settings.json`` (project) or ``~/.claude/settings.json`` (user);
  ``hooks.PostToolUse`` gets ``{"matcher": "Edit|MultiEdit|Write", "hooks": [{"type":
  "command", "command": …}]}``.
- Cursor: ``.cursor/hooks.json`` or ``~/.cursor/hooks.json``; ``{"version": 1, "hooks":
  {"afterFileEdit": [{"command": …}]}}``.
- GitHub Copilot (coding agent and CLI): ``.github/hooks/ownit.json`` (project only);
  ``{"version": 1, "hooks": {"postToolUse": [{"type": "command", "bash": …}]}}``.

Project-level files are committed, so their command names no path of this machine (see
:func:`hook_command`); user-level files may fall back to the installing interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownit.agents.payloads import CLAUDE_CODE, COPILOT, CURSOR

CLAUDE_MATCHER = "Edit|MultiEdit|Write"
_scanstring: Any = vars(json.decoder)["scanstring"]  # (text, index after the quote)
SUPPORTED = (CLAUDE_CODE, CURSOR, COPILOT)


class InstallError(Exception):
    """The settings cannot be changed safely; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Target:
    agent: str
    path: Path


def settings_path(agent: str, scope: str, project: Path, home: Path) -> Path:
    if agent == CLAUDE_CODE:
        return (home if scope == "user" else project) / ".claude" / "settings.json"
    if agent == CURSOR:
        return (home if scope == "user" else project) / ".cursor" / "hooks.json"
    if agent == COPILOT:
        if scope == "user":
            raise InstallError(
                "GitHub Copilot reads hooks from the repository (.github/hooks/*.json); "
                "use --project"
            )
        return project / ".github" / "hooks" / "ownit.json"
    raise InstallError(f"no hook support for {agent!r}; agents: {', '.join(SUPPORTED)}")


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# The interpreter each clone records for project-level hooks (``git config --local``):
# the settings file is committed, so it names no path of one machine.
PYTHON_CONFIG = "ownit.python"


def hook_command(agent: str, python: str | None) -> str:
    """The shell command of the hook: ``ownit`` on PATH first.

    With ``python`` (user-level settings, which stay on this machine) that interpreter is
    the fallback. Without it (project-level settings, which teams commit) the command
    names no path of this machine: it falls back to the interpreter this clone recorded
    in git config ``ownit.python`` (``ownit agent install`` sets it in each clone), then to
    a ``python3`` that has ownit.
    """
    verb = f"checkpoint --agent {agent}"
    if python is not None:
        py = _sh_quote(python)
        return (
            f"if command -v ownit >/dev/null 2>&1; then exec ownit {verb}; "
            f"elif [ -x {py} ]; then exec {py} -m ownit {verb}; "
            f"else echo 'ownit: not found (not on PATH, nor {python}); "
            f"run: ownit agent install {agent}' >&2; exit 1; fi"
        )
    return (
        f"if command -v ownit >/dev/null 2>&1; then exec ownit {verb}; "
        f'elif p=$(git config --get {PYTHON_CONFIG} 2>/dev/null) && [ -x "$p" ]; '
        f'then exec "$p" -m ownit {verb}; '
        "elif python3 -c 'import ownit' >/dev/null 2>&1; "
        f"then exec python3 -m ownit {verb}; "
        "else echo 'ownit: not found (not on PATH, no git config "
        f"{PYTHON_CONFIG}, no python3 with ownit); install ownit, then run "
        f"ownit agent install {agent} in this clone' >&2; exit 1; fi"
    )


def is_ownit_command(command: Any, agent: str) -> bool:
    return isinstance(command, str) and bool(
        re.search(rf"\bownit checkpoint --agent {re.escape(agent)}(?![\w.-])", command)
    )


# --------------------------------------------------------------------------- editing
def _entries(agent: str, data: dict[str, Any]) -> tuple[str, list[Any] | None]:
    event = {CLAUDE_CODE: "PostToolUse", CURSOR: "afterFileEdit", COPILOT: "postToolUse"}[agent]
    hooks = data.get("hooks")
    if hooks is None:
        return event, None
    if not isinstance(hooks, dict):
        raise InstallError('"hooks" is not an object; fix it by hand first')
    entries = hooks.get(event)
    if entries is not None and not isinstance(entries, list):
        raise InstallError(f'"hooks.{event}" is not a list; fix it by hand first')
    return event, entries


def _command_of(agent: str, hook: Any) -> Any:
    if not isinstance(hook, dict):
        return None
    return hook.get("bash") if agent == COPILOT else hook.get("command")


def _new_hook(agent: str, command: str) -> dict[str, Any]:
    if agent == CLAUDE_CODE:
        return {"type": "command", "command": command, "timeout": 30}
    if agent == CURSOR:
        return {"command": command}
    return {"type": "command", "bash": command, "timeoutSec": 30}


def add_entry(agent: str, data: dict[str, Any], command: str) -> str:
    """Add (or update) ownit's hook in ``data``; returns installed / updated / unchanged."""
    event, entries = _entries(agent, data)
    for holder in _hook_lists(agent, entries or []):
        for index, hook in enumerate(holder):
            if is_ownit_command(_command_of(agent, hook), agent):
                if _command_of(agent, hook) == command:
                    return "unchanged"
                key = "bash" if agent == COPILOT else "command"
                holder[index] = {**hook, key: command}
                return "updated"
    if agent in (CURSOR, COPILOT):
        data.setdefault("version", 1)
    hooks = data.setdefault("hooks", {})
    entries = hooks.setdefault(event, [])
    assert isinstance(entries, list)
    if agent == CLAUDE_CODE:
        entries.append({"matcher": CLAUDE_MATCHER, "hooks": [_new_hook(agent, command)]})
    else:
        entries.append(_new_hook(agent, command))
    return "installed"


def remove_entry(agent: str, data: dict[str, Any]) -> bool:
    """Remove ownit's hook from ``data`` (and containers it leaves empty)."""
    event, entries = _entries(agent, data)
    if not entries:
        return False
    removed = False
    if agent == CLAUDE_CODE:
        for group in list(entries):
            inner = group.get("hooks") if isinstance(group, dict) else None
            if not isinstance(inner, list):
                continue
            kept = [h for h in inner if not is_ownit_command(_command_of(agent, h), agent)]
            if len(kept) != len(inner):
                removed = True
                if kept:
                    group["hooks"] = kept
                else:
                    entries.remove(group)
    else:
        kept = [h for h in entries if not is_ownit_command(_command_of(agent, h), agent)]
        removed = len(kept) != len(entries)
        entries[:] = kept
    if removed and not entries:
        del data["hooks"][event]
        if not data["hooks"]:
            del data["hooks"]
    return removed


def _hook_lists(agent: str, entries: list[Any]) -> list[list[Any]]:
    if agent != CLAUDE_CODE:
        return [entries]
    return [
        group["hooks"]
        for group in entries
        if isinstance(group, dict) and isinstance(group.get("hooks"), list)
    ]


# ------------------------------------------------------------------------- the file
def read_settings(path: Path) -> tuple[dict[str, Any], str | None]:
    """The settings object and the file's text (None: no file yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as error:
        raise InstallError(f"cannot read {path}: {error}") from None
    if not text.strip():
        return {}, text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InstallError(
            f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}); "
            "fix it by hand, ownit does not overwrite it"
        ) from None
    if not isinstance(data, dict):
        raise InstallError(f"{path}: the settings are not a JSON object; fix it by hand")
    return data, text


def _indent_of(text: str | None) -> int | str:
    if text:
        match = re.search(r"^[{\[][ \t]*\r?\n([ \t]+)\S", text, re.MULTILINE)
        if match:
            indent = match.group(1)
            return len(indent) if set(indent) == {" "} else indent
    return 2


def write_settings(path: Path, data: dict[str, Any], old_text: str | None) -> None:
    newline = "\r\n" if old_text and "\r\n" in old_text else "\n"
    body = json.dumps(data, indent=_indent_of(old_text), ensure_ascii=False)
    if newline != "\n":
        body = body.replace("\n", newline)
    if old_text is None or old_text.endswith(("\n", "\r")) or not old_text:
        body += newline
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.ownit-tmp")
    tmp.write_text(body, encoding="utf-8", newline="")
    if old_text is not None:
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
    os.replace(tmp, path)


def has_entry(agent: str, path: Path) -> bool:
    """Whether the settings file at ``path`` holds ownit's hook for ``agent``."""
    try:
        data, _ = read_settings(path)
        _, entries = _entries(agent, data)
    except InstallError:
        return False
    return any(
        is_ownit_command(_command_of(agent, hook), agent)
        for holder in _hook_lists(agent, entries or [])
        for hook in holder
    )


def install(agent: str, path: Path, python: str | None) -> str:
    """Add ownit's hook to the settings at ``path``; ``python`` as in :func:`hook_command`
    (None for project-level settings)."""
    data, text = read_settings(path)
    before = json.loads(json.dumps(data))
    action = add_entry(agent, data, hook_command(agent, python))
    if action != "unchanged":
        _save(path, before, data, text)
    return action


def uninstall(agent: str, path: Path) -> bool:
    data, text = read_settings(path)
    before = json.loads(json.dumps(data))
    if text is None or not remove_entry(agent, data):
        return False
    if agent == COPILOT and set(data) <= {"version"}:
        path.unlink()  # ownit's own file
        return True
    _save(path, before, data, text)
    return True


def _save(path: Path, before: dict[str, Any], after: dict[str, Any], text: str | None) -> None:
    """Write ``after``: as a minimal edit of ``text`` when there is one (the user's
    formatting stays), checked by parsing the result."""
    if text and text.strip():
        edited = edit_text(text, before, after)
        if edited is not None:
            _write(path, edited, exists=True)
            return
    write_settings(path, after, text)


def _write(path: Path, body: str, *, exists: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.ownit-tmp")
    tmp.write_text(body, encoding="utf-8", newline="")
    if exists:
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
    os.replace(tmp, path)


# ------------------------------------------------------ format-preserving text edits
Key = tuple[str | int, ...]


class _Scan:
    """Where each value of a JSON text is: path -> (member start, value start, end)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[Key, tuple[int, int, int]] = {}
        self.children: dict[Key, list[Key]] = {}
        end = self._value(self._ws(0), (), self._ws(0))
        if self._ws(end) != len(text):
            raise ValueError("trailing data")

    def _ws(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def _value(self, i: int, path: Key, member: int) -> int:
        text = self.text
        char = text[i]
        kids: list[Key] = []
        if char in "{[":
            close = "}" if char == "{" else "]"
            j = self._ws(i + 1)
            index = 0
            while text[j] != close:
                start = j
                key: str | int = index
                if char == "{":
                    key, j = _scanstring(text, j + 1)
                    j = self._ws(j)
                    if text[j] != ":":
                        raise ValueError("expected :")
                    j = self._ws(j + 1)
                kids.append((*path, key))
                j = self._ws(self._value(j, (*path, key), start))
                index += 1
                if text[j] == ",":
                    j = self._ws(j + 1)
            end = j + 1
            self.children[path] = kids
        elif char == '"':
            end = _scanstring(text, i + 1)[1]
        else:
            match = re.compile(r"-?[0-9.eE+-]+|true|false|null").match(text, i)
            if match is None:
                raise ValueError("bad value")
            end = match.end()
        self.spans[path] = (member, i, end)
        return end

    def line_indent(self, offset: int) -> str:
        start = self.text.rfind("\n", 0, offset) + 1
        line = self.text[start:offset]
        return line[: len(line) - len(line.lstrip(" \t"))]


def _diff_paths(before: Any, after: Any, path: Key = ()) -> list[tuple[str, Key, Any]]:
    """The edits from ``before`` to ``after``: (add|remove|set, path, value)."""
    if isinstance(before, dict) and isinstance(after, dict):
        ops: list[tuple[str, Key, Any]] = []
        for key in before:
            if key not in after:
                ops.append(("remove", (*path, key), None))
            else:
                ops.extend(_diff_paths(before[key], after[key], (*path, key)))
        ops.extend(("add", (*path, key), after[key]) for key in after if key not in before)
        return ops
    if isinstance(before, list) and isinstance(after, list):
        if after[: len(before)] == before:
            return [("add", (*path, i), after[i]) for i in range(len(before), len(after))]
        removed: list[int] = []
        rest = list(after)
        for i, item in enumerate(before):
            if rest and rest[0] == item:
                rest.pop(0)
            else:
                removed.append(i)
        if not rest:
            return [("remove", (*path, i), None) for i in reversed(removed)]
    if before == after:
        return []
    return [("set", path, after)]


def edit_text(text: str, before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """``text`` (whose value is ``before``) changed to hold ``after``, touching only what
    changed; None when that cannot be done (the caller rewrites the file instead)."""
    unit = _indent_of(text)
    step = unit if isinstance(unit, str) else " " * unit
    newline = "\r\n" if "\r\n" in text else "\n"
    current = text
    try:
        for op, path, value in _diff_paths(before, after):
            scan = _Scan(current)
            if op == "set":
                _, start, end = scan.spans[path]
                current = (
                    current[:start]
                    + _dump(value, step, scan.line_indent(start), newline)
                    + current[end:]
                )
            elif op == "remove":
                current = _remove(scan, path, current)
            else:
                current = _add(scan, path, value, current, step, newline)
        if json.loads(current) != after:
            return None
    except (ValueError, KeyError, IndexError):
        return None
    return current


def _dump(value: Any, step: str, indent: str, newline: str) -> str:
    body = json.dumps(value, indent=step, ensure_ascii=False)
    return body.replace("\n", newline + indent)


def _add(scan: _Scan, path: Key, value: Any, text: str, step: str, newline: str) -> str:
    parent = path[:-1]
    _, start, _end = scan.spans[parent]
    kids = scan.children[parent]
    if kids:
        last_member = scan.spans[kids[-1]][0]
        indent = scan.line_indent(last_member)
        at = scan.spans[kids[-1]][2]
        prefix = "," + newline + indent
    else:
        indent = scan.line_indent(start) + step
        at = start + 1
        prefix = newline + indent
    member = _dump(value, step, indent, newline)
    if isinstance(path[-1], str):
        member = json.dumps(path[-1], ensure_ascii=False) + ": " + member
    suffix = "" if kids else newline + scan.line_indent(start)
    return text[:at] + prefix + member + suffix + text[at:]


def _remove(scan: _Scan, path: Key, text: str) -> str:
    parent = path[:-1]
    kids = scan.children[parent]
    index = kids.index(path)
    member, _, end = scan.spans[path]
    if len(kids) == 1:
        _, start, close = scan.spans[parent]
        return text[: start + 1] + text[close - 1 :]
    if index + 1 < len(kids):
        return text[:member] + text[scan.spans[kids[index + 1]][0] :]
    previous_end = scan.spans[kids[index - 1]][2]
    return text[:previous_end] + text[end:]
