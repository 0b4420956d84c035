"""Agent Trace records (https://agent-trace.dev, v0.1) → AI line ranges. Pure: no I/O.

A record (one JSON object per line of ``.agent-trace/traces.jsonl``) has ``id``,
``timestamp``, ``vcs`` (``type``, ``revision``), ``tool`` (``name``, ``version``) and
``files``: each ``{path, conversations: [{url, contributor: {type, model_id}, ranges:
[{start_line, end_line, content_hash?, contributor?}]}]}``. Lines are 1-based and
inclusive; ``contributor.type`` is ``ai``, ``human``, ``mixed`` or ``unknown``; a range's
own contributor overrides its conversation's. ``content_hash`` is ``<algorithm>:<hex>``
over the range's text; ownit checks ``sha256``, ``murmur3`` (32-bit, seed 0) and
``crc32`` over the lines joined with ``\\n`` (with or without a final ``\\n``).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ownit.core.fingerprint import normalize_line
from ownit.core.window_finder import find_window

AI_TYPES = ("ai", "mixed")  # ranges with AI-written code in them


@dataclass(frozen=True, slots=True)
class TraceRange:
    record_id: str
    path: str
    first: int  # 0-based
    stop: int  # exclusive
    tool: str
    model: str | None
    conversation: str | None
    content_hash: str | None
    revision: str | None


class TraceError(ValueError):
    pass


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def ai_ranges(record: Any) -> list[TraceRange]:
    """The AI-written ranges of one trace record (raises TraceError if malformed)."""
    if not isinstance(record, dict):
        raise TraceError("a trace record is not a JSON object")
    files = record.get("files")
    if not isinstance(files, list):
        raise TraceError("the record has no files list")
    record_id = _str(record.get("id")) or ""
    tool_info = record.get("tool")
    record_tool = _str(tool_info.get("name")) if isinstance(tool_info, dict) else None
    vcs = record.get("vcs")
    revision = _str(vcs.get("revision")) if isinstance(vcs, dict) else None
    result: list[TraceRange] = []
    for file in files:
        if not isinstance(file, dict) or not _str(file.get("path")):
            raise TraceError("a file entry has no path")
        conversations = file.get("conversations")
        if not isinstance(conversations, list):
            raise TraceError(f"{file['path']}: no conversations list")
        for conversation in conversations:
            if not isinstance(conversation, dict):
                raise TraceError(f"{file['path']}: a conversation is not an object")
            conv_tool = conversation.get("tool")
            tool = (
                _str(conv_tool.get("name")) if isinstance(conv_tool, dict) else None
            ) or record_tool
            ranges = conversation.get("ranges")
            if not isinstance(ranges, list):
                raise TraceError(f"{file['path']}: a conversation has no ranges list")
            for item in ranges:
                if not isinstance(item, dict):
                    raise TraceError(f"{file['path']}: a range is not an object")
                contributor = item.get("contributor") or conversation.get("contributor")
                kind = contributor.get("type") if isinstance(contributor, dict) else None
                if kind not in AI_TYPES:
                    continue
                start, end = item.get("start_line"), item.get("end_line")
                if (
                    not isinstance(start, int)
                    or not isinstance(end, int)
                    or isinstance(start, bool)
                    or isinstance(end, bool)
                    or start < 1
                    or end < start
                ):
                    raise TraceError(f"{file['path']}: bad range {start!r}-{end!r}")
                assert isinstance(contributor, dict)
                model = _str(contributor.get("model_id"))
                result.append(
                    TraceRange(
                        record_id=record_id,
                        path=str(file["path"]),
                        first=start - 1,
                        stop=end,
                        tool=_tool_name(tool),
                        model="-".join(model.split()) if model else None,
                        conversation=_str(conversation.get("url")),
                        content_hash=_str(item.get("content_hash")),
                        revision=revision,
                    )
                )
    return result


def _tool_name(name: str | None) -> str:
    if not name:
        return "unknown"
    word = "-".join(name.lower().split())
    return {"claude": "claude-code", "claude code": "claude-code", "github-copilot": "copilot"}.get(
        word, word
    )


# ------------------------------------------------------------------------ content hashes
def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3, x86 32-bit variant."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed & mask
    whole = len(data) - len(data) % 4
    for i in range(0, whole, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    tail = data[whole:]
    if tail:
        k = int.from_bytes(tail, "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h


def hash_supported(content_hash: str) -> bool:
    algorithm = content_hash.partition(":")[0].lower()
    return algorithm in ("sha256", "murmur3", "crc32")


def hash_matches(content_hash: str, lines: Sequence[str]) -> bool:
    """Whether ``lines`` (with or without terminators) have ``content_hash``."""
    algorithm, _, expected = content_hash.partition(":")
    algorithm, expected = algorithm.lower(), expected.lower()
    if not expected:
        return False
    joined = "\n".join(normalize_line(line) for line in lines)
    for variant in (joined, joined + "\n"):
        data = variant.encode("utf-8", "surrogatepass")
        if algorithm == "sha256":
            digest = hashlib.sha256(data).hexdigest()
            if len(expected) >= 8 and digest.startswith(expected):
                return True
        elif algorithm == "murmur3":
            if int(expected, 16) == murmur3_32(data) if _is_hex(expected) else False:
                return True
        elif algorithm == "crc32" and _is_hex(expected) and int(expected, 16) == zlib.crc32(data):
            return True
    return False


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdef" for c in text)


def locate(
    lines: Sequence[str], first: int, stop: int, content_hash: str
) -> tuple[int, int] | None:
    """Where the range's text is in ``lines``: at its own position if the hash matches
    there, else the nearest window of the same length whose hash matches; None if none."""
    length = stop - first
    start = find_window(
        len(lines), length, first, lambda s: hash_matches(content_hash, lines[s : s + length])
    )
    return None if start is None else (start, start + length)
