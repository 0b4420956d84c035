"""Pure readers of `.gitattributes` (linguist attributes) and CODEOWNERS text.

Both take the file's text; finding and reading the file is the caller's job.
"""

from __future__ import annotations

from ownit.core.policy.globs import Glob, GlobError, normalize_path

LINGUIST_ATTRIBUTES = ("linguist-generated", "linguist-vendored")


def _unquote(pattern: str) -> str:
    """A C-style quoted gitattributes pattern (``"a b.txt"``) without its quotes."""
    if len(pattern) >= 2 and pattern.startswith('"') and pattern.endswith('"'):
        body = pattern[1:-1]
        out = []
        index = 0
        while index < len(body):
            if body[index] == "\\" and index + 1 < len(body):
                escaped = body[index + 1]
                out.append({"t": "\t", "n": "\n"}.get(escaped, escaped))
                index += 2
            else:
                out.append(body[index])
                index += 1
        return "".join(out)
    return pattern


def _split_attribute_line(line: str) -> tuple[str, list[str]] | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    if stripped.startswith('"'):
        end = 1
        while end < len(stripped) and not (stripped[end] == '"' and stripped[end - 1] != "\\"):
            end += 1
        pattern, rest = stripped[: end + 1], stripped[end + 1 :]
    else:
        pattern, _, rest = stripped.partition(" ")
        if "\t" in pattern:
            pattern, _, tail = pattern.partition("\t")
            rest = tail + " " + rest
    return _unquote(pattern), rest.split()


def linguist_attribute(gitattributes_text: str, path: str) -> str | None:
    """``linguist-generated`` or ``linguist-vendored`` when the text sets it on ``path``.

    Lines are read in order and a later line overrides an earlier one per attribute, as git
    does: ``attr``/``attr=true`` set it; ``-attr``, ``!attr`` and ``attr=false`` unset it.
    Patterns follow gitattributes: no recursive directory match, no negation (such lines,
    and invalid patterns, are ignored as git ignores them).
    """
    path = normalize_path(path)
    state: dict[str, bool] = {}
    for line in gitattributes_text.splitlines():
        parsed = _split_attribute_line(line)
        if parsed is None:
            continue
        pattern, attributes = parsed
        relevant = []
        for attribute in attributes:
            name, value = _attribute_value(attribute)
            if name in LINGUIST_ATTRIBUTES:
                relevant.append((name, value))
        if not relevant:
            continue
        try:
            glob = Glob.compile(pattern, contents=False)
        except GlobError:
            continue
        if glob.matches(path):
            for name, value in relevant:
                state[name] = value
    for name in LINGUIST_ATTRIBUTES:
        if state.get(name):
            return name
    return None


def _attribute_value(attribute: str) -> tuple[str, bool]:
    if attribute.startswith(("-", "!")):
        return attribute[1:], False
    name, equals, value = attribute.partition("=")
    if not equals:
        return name, True
    return name, value.strip().casefold() not in ("false", "0", "no", "off", "")


def codeowners_for(codeowners_text: str, path: str) -> tuple[str, ...]:
    """The owners CODEOWNERS lists for ``path``: the last matching line wins (GitHub rules).

    A matching line with no owners means "nobody" for that path. Invalid patterns are
    skipped.
    """
    path = normalize_path(path)
    owners: tuple[str, ...] = ()
    for line in codeowners_text.splitlines():
        stripped = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not stripped:
            continue
        pattern, *names = stripped.split()
        try:
            glob = Glob.compile(pattern.replace("\\#", "#"), contents=True)
        except GlobError:
            continue
        if glob.matches(path):
            owners = tuple(names)
    return owners
