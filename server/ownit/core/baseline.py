"""`ownit baseline`: write ``history_since`` into a policy file's ``defaults``, keeping
the rest of the file (comments, order, quoting, blank lines) exactly as it is. Pure: text
in, text out.

Only the characters of one value change (or one line is added): the file is composed as
a YAML node tree, whose nodes know where they start and end in the text, and the new
value is spliced in there. The result is loaded again and must say the new value, so a
file this cannot edit safely is refused, never damaged.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

KEY = "history_since"


class BaselineError(Exception):
    """The file cannot be edited safely; the message says what to do instead."""


def quoted(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (a commit id of digits alone would
    otherwise be read as a number). Values are commit ids, dates and revisions: no
    quote or backslash can be in them, but they are escaped all the same."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _get(mapping: MappingNode, name: str) -> tuple[ScalarNode, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _last_scalar_end(node: Node) -> int:
    """The text index just after the last scalar inside ``node`` (the end of what the
    node really holds: a collection's own end mark can lie past comments that belong to
    what comes next)."""
    while True:
        if isinstance(node, MappingNode) and node.value:
            node = node.value[-1][1]
        elif isinstance(node, SequenceNode) and node.value:
            node = node.value[-1]
        else:
            return int(node.end_mark.index)


def _line_end(text: str, index: int) -> int:
    """The index just after the line break ending the line that holds ``index``."""
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def set_history_since(text: str, value: str) -> str:
    """``text`` with ``defaults.history_since`` set to ``value``. ``text`` must be a
    policy file that loads (the caller checks); ``value`` a commit id, revision or date."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise BaselineError(f"the policy file is not valid YAML ({error})") from None
    if not isinstance(root, MappingNode) or root.flow_style:
        raise BaselineError(
            "the policy file is not a block mapping; add `defaults:` with"
            f" `{KEY}: {quoted(value)}` by hand"
        )
    line = f"{KEY}: {quoted(value)}"
    found = _get(root, "defaults")
    if found is None:
        block = f"defaults:\n  {line}\n"
        version = _get(root, "version")
        at = _line_end(text, _last_scalar_end(version[1])) if version is not None else len(text)
        before = text[:at]
        if before and not before.endswith("\n"):
            before += "\n"
        return before + block + text[at:]
    defaults_key, defaults = found
    if isinstance(defaults, ScalarNode) and defaults.tag.endswith(":null"):
        # `defaults:` with nothing under it
        at = _line_end(text, defaults_key.end_mark.index)
        before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
        indent = defaults_key.start_mark.column + 2
        return before + " " * indent + line + "\n" + text[at:]
    if not isinstance(defaults, MappingNode) or defaults.flow_style:
        raise BaselineError(
            "`defaults` in the policy file is not a block mapping; set"
            f" `{KEY}: {quoted(value)}` in it by hand"
        )
    entry = _get(defaults, KEY)
    if entry is not None:
        old = entry[1]
        if not isinstance(old, ScalarNode):
            raise BaselineError(f"`defaults.{KEY}` is not a plain value; set it by hand")
        start, end = int(old.start_mark.index), int(old.end_mark.index)
        return text[:start] + quoted(value) + text[end:]
    if not defaults.value:
        raise BaselineError(f"`defaults` is empty; set `{KEY}: {quoted(value)}` in it by hand")
    indent = int(defaults.value[0][0].start_mark.column)
    at = _line_end(text, _last_scalar_end(defaults))
    before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
    return before + " " * indent + line + "\n" + text[at:]
