"""A policy resolves the rule of each path once (it never changes)."""

from __future__ import annotations

from ownit.core.policy import load_policy


def test_a_policy_resolves_each_path_once_and_equal_policies_stay_equal() -> None:
    text = "version: 1\nrules:\n  - name: src\n    paths: ['src/**']\n    commit: block\n"
    policy = load_policy(text)
    first = policy.effective("src/a.py")
    assert policy.effective("./src/a.py") is first  # the same rule object, not resolved again
    assert policy.effective("docs/b.md") is not first
    assert load_policy(text) == policy  # what it remembers is no part of ==
