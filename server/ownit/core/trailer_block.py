"""A commit message's parts as git sees them: its comment lines and the scissors line, and
its trailer block, found the way ``git interpret-trailers`` finds it (``trailer.c``
with ``--no-divider``). Pure."""

from __future__ import annotations

from ownit.core.trailer_text import GIT_GENERATED_PREFIXES, SCISSORS


def message_lines(message: str, comment_char: str) -> list[str]:
    text = message[: scissors_at(message, comment_char)]
    return [
        line for line in text.split("\n") if not (comment_char and line.startswith(comment_char))
    ]


# --------------------------------------------------------------------------- trailer block


def scissors_at(message: str, comment_char: str) -> int:
    """Where the scissors line starts (everything from it on is dropped), or len."""
    if not comment_char:
        return len(message)
    line = f"{comment_char} {SCISSORS}\n"
    if message.startswith(line):
        return 0
    at = message.find("\n" + line)
    return len(message) if at < 0 else at + 1


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        out.append((pos, text[pos:end]))
        pos = end
    return out


GIT_SPACE = " \t\n\r"  # git's isspace(): not \f, \v or any non-ASCII space


def is_blank(line: str) -> bool:
    return not line.strip(GIT_SPACE)


def ignored_tail_start(message: str, comment_char: str = "#") -> int:
    """Start of what git ignores at the end of a message: the trailing run of comment and
    blank lines (and old-style ``Conflicts:`` blocks) before the scissors line, the
    scissors line and all after it."""
    cutoff = scissors_at(message, comment_char)
    boc: int | None = None
    in_conflicts = False
    for start, line in _lines_with_offsets(message[:cutoff]):
        if (comment_char and line.startswith(comment_char)) or line.startswith("\n"):
            if boc is None:
                boc = start
        elif line.startswith("Conflicts:\n"):
            in_conflicts = True
            if boc is None:
                boc = start
        elif in_conflicts and line.startswith("\t"):
            pass
        elif boc is not None:
            boc = None
            in_conflicts = False
    return cutoff if boc is None else boc


def _separator_at(line: str) -> int:
    """Index of the ``:`` separating a trailer's key from its value, or -1 (git's rules)."""
    whitespace_found = False
    for i, char in enumerate(line):
        if char == ":":
            return i
        if not whitespace_found and ((char.isascii() and char.isalnum()) or char == "-"):
            continue
        if i > 0 and char in " \t":
            whitespace_found = True
            continue
        break
    return -1


def find_trailer_block(message: str, comment_char: str = "#") -> tuple[int, int]:
    """``(start, end)`` of the message's trailer block; ``start == end`` (the end of the
    message proper) when it has none."""
    end = ignored_tail_start(message, comment_char)
    body = message[:end]
    lines = _lines_with_offsets(body)
    # The first paragraph is the title and cannot hold trailers.
    end_of_title = len(body)
    for start, line in lines:
        if comment_char and line.startswith(comment_char):
            continue
        if is_blank(line):
            end_of_title = start
            break
    only_spaces = True
    recognized = False
    trailer_lines = non_trailer_lines = continuation_lines = 0
    for start, line in reversed(lines):
        if start < end_of_title:
            break
        if comment_char and line.startswith(comment_char):
            non_trailer_lines += continuation_lines
            continuation_lines = 0
            continue
        if is_blank(line):
            if only_spaces:
                continue
            non_trailer_lines += continuation_lines
            after = start + len(line)
            if recognized and trailer_lines * 3 >= non_trailer_lines:
                return after, end
            if trailer_lines and not non_trailer_lines:
                return after, end
            return end, end
        only_spaces = False
        if line.startswith(GIT_GENERATED_PREFIXES):
            trailer_lines += 1
            continuation_lines = 0
            recognized = True
            continue
        if _separator_at(line) >= 1 and line[0] not in GIT_SPACE:
            trailer_lines += 1
            continuation_lines = 0
        elif line[0] in GIT_SPACE:
            continuation_lines += 1
        else:
            non_trailer_lines += 1 + continuation_lines
            continuation_lines = 0
    return end, end


def block_entries(block: str) -> list[str]:
    """The block's lines, each trailer with its continuation lines as one entry."""
    entries: list[str] = []
    for line in block.split("\n"):
        if is_blank(line):
            continue
        if entries and line[0] in GIT_SPACE:
            entries[-1] += "\n" + line
        else:
            entries.append(line)
    return entries


def entry_key_value(entry: str, comment_char: str) -> tuple[str, str] | None:
    if comment_char and entry.startswith(comment_char):
        return None
    sep = _separator_at(entry)
    if sep < 1:
        return None
    value = " ".join(part.strip(GIT_SPACE) for part in entry[sep + 1 :].split("\n"))
    return entry[:sep].strip(GIT_SPACE), value.strip(GIT_SPACE)


def existing_trailers(message: str, comment_char: str = "#") -> list[tuple[str, str]]:
    """``(key, value)`` of every trailer in the message's trailer block, unfolded."""
    start, end = find_trailer_block(message, comment_char)
    pairs = (entry_key_value(e, comment_char) for e in block_entries(message[start:end]))
    return [pair for pair in pairs if pair is not None]
