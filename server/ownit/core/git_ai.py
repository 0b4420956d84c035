"""git-ai authorship logs (the notes git-ai keeps under ``refs/notes/ai``). Pure: no I/O.

The format is the Git AI Standard v3.0.0 (schema ``authorship/3.0.0``). A note is an
attestation section, a line that is exactly ``---``, and a JSON metadata object::

    src/main.rs
      s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20
      h_31dce776f88375 42-50
    "src/my file.rs"
      abcd1234abcd1234 1-50
    ---
    {"schema_version": "authorship/3.0.0", "base_commit_sha": "…", "prompts": {…},
     "sessions": {"s_c9883b05a2487d": {"agent_id": {"tool": "cursor", "id": "…",
                  "model": "claude-sonnet-4-5"}}}, "humans": {"h_31dce776f88375": {…}}}

A file path starts a line (in double quotes when it holds spaces); each attestation below it
is indented by two spaces: a key and 1-based inclusive line ranges (``1-5,8,10-12``) in the
file as of the note's commit. Keys ``s_<session>::t_<trace>`` are AI sessions (looked up by
the session part in ``sessions``), ``h_…`` known humans (``humans``), and bare hex keys
legacy AI sessions (``prompts``); a session or prompt record's ``agent_id`` names the tool,
the conversation id and the model.

:func:`parse_note` raises :class:`GitAiError` (one line, with the note's line number) for a
note it cannot read; it never raises anything else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

SCHEMA_PREFIX = "authorship/3."
MAX_LINE_NUMBER = 10_000_000  # far past any text file ownit tracks

_RANGES = re.compile(r"[0-9]+(?:-[0-9]+)?(?:,[0-9]+(?:-[0-9]+)?)*")
_KEY = re.compile(r"[A-Za-z0-9_:]+")

# git-ai's tool names → ownit's (docs/data-model.md's tools); others are kept as written.
_TOOLS = {"claude": "claude-code", "github-copilot": "copilot", "copilot-cli": "copilot"}


class GitAiError(ValueError):
    """A note that is not a git-ai authorship log this ownit can read."""


@dataclass(frozen=True, slots=True)
class Attestation:
    """Lines of one file that one author wrote (1-based, inclusive, sorted)."""

    path: str
    key: str
    ranges: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Author:
    """Who an attestation key stands for."""

    kind: Literal["ai", "human"]
    tool: str | None = None  # ownit's tool name, for "ai"
    model: str | None = None
    conversation: str | None = None  # the agent's session/conversation id
    human: str | None = None  # "Name <email>" of a known human, or the directing human


@dataclass(frozen=True, slots=True)
class AuthorshipLog:
    schema_version: str
    base_commit: str | None
    attestations: tuple[Attestation, ...]
    authors: dict[str, Author]  # by metadata key (session id, human hash, legacy hash)

    def author_of(self, key: str) -> Author | None:
        """The author an attestation key stands for, or None when the metadata lacks it."""
        lookup = key.split("::", 1)[0] if key.startswith("s_") else key
        return self.authors.get(lookup)


def parse_ranges(spec: str, where: str = "") -> tuple[tuple[int, int], ...]:
    """``1-5,8,10-12`` → ((1, 5), (8, 8), (10, 12))."""
    prefix = f"{where}: " if where else ""
    if not _RANGES.fullmatch(spec):
        raise GitAiError(f"{prefix}bad line ranges {spec[:40]!r} (expected e.g. 1-5,8,10-12)")
    result: list[tuple[int, int]] = []
    for part in spec.split(","):
        first_text, _, last_text = part.partition("-")
        first = int(first_text)
        last = int(last_text) if last_text else first
        if first < 1 or last < first or last > MAX_LINE_NUMBER:
            raise GitAiError(f"{prefix}bad line range {part!r}")
        result.append((first, last))
    return tuple(sorted(result))


def _path_of(line: str, number: int) -> str:
    if line.startswith('"'):
        if len(line) < 2 or not line.endswith('"'):
            raise GitAiError(f"line {number}: a quoted file path without its closing quote")
        path = line[1:-1]
    else:
        path = line.rstrip()
    if not path:
        raise GitAiError(f"line {number}: an empty file path")
    return path


def _attestations(lines: list[str]) -> list[Attestation]:
    found: list[Attestation] = []
    path: str | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if not line[0].isspace():
            path = _path_of(line, number)
            continue
        if not line.startswith("  ") or line[2:3].isspace():
            raise GitAiError(f"line {number}: an attestation must be indented by two spaces")
        if path is None:
            raise GitAiError(f"line {number}: an attestation before any file path")
        key, _, spec = line[2:].rstrip().partition(" ")
        if not _KEY.fullmatch(key) or not spec:
            raise GitAiError(f"line {number}: expected `  <key> <line ranges>`")
        found.append(Attestation(path, key, parse_ranges(spec, f"line {number}")))
    return found


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _tool(name: str | None) -> str:
    if not name:
        return "unknown"
    word = "-".join(name.lower().split())
    return _TOOLS.get(word, word)


def _ai_author(record: Any, where: str) -> Author:
    if not isinstance(record, dict):
        raise GitAiError(f"metadata: {where} is not an object")
    agent = record.get("agent_id")
    if not isinstance(agent, dict):
        raise GitAiError(f"metadata: {where} has no agent_id object")
    model = _text(agent.get("model"))
    return Author(
        kind="ai",
        tool=_tool(_text(agent.get("tool"))),
        model="-".join(model.split()) if model else None,
        conversation=_text(agent.get("id")),
        human=_text(record.get("human_author")),
    )


def _section(metadata: dict[str, Any], name: str, required: bool) -> dict[str, Any]:
    value = metadata.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        what = "is missing" if value is None else "is not an object"
        raise GitAiError(f"metadata: {name!r} {what}")
    return value


def _authors(metadata: dict[str, Any]) -> dict[str, Author]:
    authors: dict[str, Author] = {}
    for name in ("prompts", "sessions"):
        for key, record in _section(metadata, name, required=name == "prompts").items():
            authors[str(key)] = _ai_author(record, f"{name}[{str(key)[:40]!r}]")
    for key, record in _section(metadata, "humans", required=False).items():
        author = _text(record.get("author")) if isinstance(record, dict) else None
        authors[str(key)] = Author(kind="human", human=author)
    return authors


def parse_note(text: str) -> AuthorshipLog:
    """The authorship log of one note's text (GitAiError if it is not one)."""
    lines = text.replace("\r\n", "\n").split("\n")
    try:
        divider = lines.index("---")
    except ValueError:
        raise GitAiError(
            "no `---` line between the attestations and the metadata: not a git-ai authorship log"
        ) from None
    attestations = _attestations(lines[:divider])
    try:
        metadata = json.loads("\n".join(lines[divider + 1 :]))
    except (json.JSONDecodeError, RecursionError) as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        raise GitAiError(f"metadata is not valid JSON ({detail})") from None
    if not isinstance(metadata, dict):
        raise GitAiError("metadata is not a JSON object")
    version = metadata.get("schema_version")
    if not isinstance(version, str):
        raise GitAiError("metadata has no schema_version")
    if not version.startswith(SCHEMA_PREFIX):
        raise GitAiError(
            f"schema_version {version[:40]!r} is not one this ownit reads ({SCHEMA_PREFIX}x)"
        )
    return AuthorshipLog(
        schema_version=version,
        base_commit=_text(metadata.get("base_commit_sha")),
        attestations=tuple(attestations),
        authors=_authors(metadata),
    )
