"""core.baseline: `history_since` set in a policy file's text, nothing else touched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.core.baseline import BaselineError, set_history_since
from ownit.core.policy import load_policy
from ownit.policy_files import example_policy_text

SHA = "0123456789" * 4  # digits only: unquoted, YAML would read a number


def check(text: str, value: str = SHA) -> str:
    new = set_history_since(text, value)
    policy = load_policy(new)
    assert policy.defaults.history_since is not None
    assert policy.defaults.history_since.value == value
    return new


def test_the_example_policy_changes_in_one_value_only() -> None:
    text = example_policy_text()
    new = check(text)
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert changed == [("  history_since: all", f'  history_since: "{SHA}"')]
    assert check(new, "2025-06-01").count("history_since") == text.count("history_since")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\n", f'version: 1\ndefaults:\n  history_since: "{SHA}"\n'),
        ("version: 1", f'version: 1\ndefaults:\n  history_since: "{SHA}"\n'),
        (
            "version: 1\n# rules next\nrules: []\n",
            f'version: 1\ndefaults:\n  history_since: "{SHA}"\n# rules next\nrules: []\n',
        ),
        ("version: 1\ndefaults:\n", f'version: 1\ndefaults:\n  history_since: "{SHA}"\n'),
        (
            "version: 1\ndefaults:\n    severity: hint # mine\n# after\nrules: []\n",
            f'version: 1\ndefaults:\n    severity: hint # mine\n    history_since: "{SHA}"\n'
            "# after\nrules: []\n",
        ),
        (
            "version: 1\ndefaults:\n  sources:\n    count: [manual]\n\nrules: []\n",
            f'version: 1\ndefaults:\n  sources:\n    count: [manual]\n  history_since: "{SHA}"\n'
            "\nrules: []\n",
        ),
        (
            "version: 1\ndefaults:\n  history_since: 'v1.0'  # was\n",
            f'version: 1\ndefaults:\n  history_since: "{SHA}"  # was\n',
        ),
    ],
)
def test_edits(text: str, expected: str) -> None:
    assert check(text) == expected


@pytest.mark.parametrize(
    "text", ["version: 1\ndefaults: {severity: hint}\n", "{version: 1}\n", "- a\n"]
)
def test_what_cannot_be_edited_safely_is_refused(text: str) -> None:
    with pytest.raises(BaselineError):
        set_history_since(text, SHA)


@given(
    st.lists(st.sampled_from(["# a comment", "", "  # indented comment"]), max_size=4),
    st.sampled_from(["severity: hint", "stale: keep", "history_since: all"]),
)
def test_comments_and_blank_lines_survive(lines: list[str], setting: str) -> None:
    text = "version: 1\n" + "\n".join(lines) + f"\ndefaults:\n  {setting}\n" + "\n".join(lines)
    new = check(text)
    for line in lines:
        assert new.count(line) >= text.count(line)
