"""core.mark_input: the one check of a mark's tool, model and source (CLI and editor)."""

from __future__ import annotations

import pytest

from ownit.core.mark_input import BadMarkInput, MarkInput, check_mark_input
from ownit.core.model import Source


def test_a_good_mark_input_is_kept_and_the_source_defaults_to_manual() -> None:
    assert check_mark_input("copilot", None, None) == MarkInput("copilot", None, Source.MANUAL)
    checked = check_mark_input("claude-code", "claude-sonnet-5", "agent-hook")
    assert checked == MarkInput("claude-code", "claude-sonnet-5", Source("agent-hook"))


@pytest.mark.parametrize(
    ("tool", "model", "source", "field", "says"),
    [
        ("", None, None, "tool", "must be one word"),
        ("two words", None, None, "tool", "got 'two words'"),
        ("copilot", " ", None, "model", "must be one word"),
        ("copilot", "gpt 5", None, "model", "got 'gpt 5'"),
        ("copilot", None, "guess", "source", "one of agent-hook"),
    ],
)
def test_a_bad_mark_input_names_its_field_and_what_it_must_be(
    tool: str, model: str | None, source: str | None, field: str, says: str
) -> None:
    with pytest.raises(BadMarkInput) as raised:
        check_mark_input(tool, model, source)
    assert raised.value.field == field
    assert says in raised.value.reason
