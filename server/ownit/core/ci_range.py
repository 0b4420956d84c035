"""Which commits a CI job checks: the range of a pull request, merge request or push, from
the event GitHub or GitLab describes. Pure (the payload and variables come in).

A pull request is checked as ``base..head`` (the commits the pull request adds, judged by
the policy of the branch it goes into); a push as ``before..after``. A push that creates
a branch has no ``before`` (all zeros): its commits are the ones not on the default
branch (``origin/<default>...after``), or, for the default branch itself, its tip commit
alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_ZERO = re.compile(r"0+")
# A branch name we pass to git (git's check-ref-format, the parts that matter here).
_BRANCH = re.compile(r"(?!-)(?!.*\.\.)(?!.*//)(?!.*@\{)[A-Za-z0-9._/+-]+(?<!\.lock)(?<![./])")


class RangeError(ValueError):
    """The event does not say which commits to check; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What to give ``ownit verify``: a range (None: nothing to check, ``note`` says why),
    the commits that must be in the clone, and what to try when they cannot be had."""

    range: str | None
    needs: tuple[str, ...] = ()
    note: str = ""
    default_branch: str | None = None  # a new branch: its commits not on this one
    fallback: Plan | None = None


def is_sha(value: object) -> bool:
    return isinstance(value, str) and _SHA.fullmatch(value) is not None


def is_zero(value: object) -> bool:
    return not value or (isinstance(value, str) and _ZERO.fullmatch(value) is not None)


def _sha(value: object, where: str) -> str:
    if not is_sha(value):
        raise RangeError(f"{where} is not a commit id ({value!r}); give the range input instead")
    assert isinstance(value, str)
    return value


def _get(payload: Mapping[str, Any], *keys: str) -> object:
    node: object = payload
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def new_branch(after: str, default: object, ref: object, where: str) -> Plan:
    """The plan for a push that created a branch (no ``before``)."""
    tip_only = Plan(after, (after,), f"{where}: a new branch; its tip commit is checked")
    if not isinstance(default, str) or _BRANCH.fullmatch(default) is None:
        return tip_only
    if ref in (default, f"refs/heads/{default}"):
        return Plan(after, (after,), f"{where}: the first push of {default}; its tip is checked")
    return Plan(
        f"refs/remotes/origin/{default}...{after}",
        (after,),
        f"{where}: a new branch; its commits not on {default} are checked",
        default_branch=default,
        fallback=tip_only,
    )


def github_plan(event_name: str, payload: Mapping[str, Any]) -> Plan:
    """The plan for a GitHub Actions event (``GITHUB_EVENT_NAME``, the JSON of
    ``GITHUB_EVENT_PATH``)."""
    if event_name in ("pull_request", "pull_request_target"):
        base = _sha(_get(payload, "pull_request", "base", "sha"), "pull_request.base.sha")
        head = _sha(_get(payload, "pull_request", "head", "sha"), "pull_request.head.sha")
        return Plan(f"{base}..{head}", (base, head), f"pull request {base[:10]}..{head[:10]}")
    if event_name == "merge_group":
        base = _sha(_get(payload, "merge_group", "base_sha"), "merge_group.base_sha")
        head = _sha(_get(payload, "merge_group", "head_sha"), "merge_group.head_sha")
        return Plan(f"{base}..{head}", (base, head), f"merge group {base[:10]}..{head[:10]}")
    if event_name == "push":
        after_value = _get(payload, "after")
        if is_zero(after_value) or _get(payload, "deleted") is True:
            return Plan(None, note="the push deleted a branch: nothing to check")
        after = _sha(after_value, "push after")
        default = _get(payload, "repository", "default_branch")
        ref = _get(payload, "ref")
        before_value = _get(payload, "before")
        if is_zero(before_value):
            return new_branch(after, default, ref, "push")
        before = _sha(before_value, "push before")
        return Plan(
            f"{before}..{after}",
            (before, after),
            f"push {before[:10]}..{after[:10]}",
            fallback=new_branch(after, default, ref, "push (its before commit is gone)"),
        )
    raise RangeError(
        f"a {event_name or 'run'} event names no commits to check; give the range input "
        "(e.g. range: origin/main..HEAD)"
    )


def gitlab_plan(env: Mapping[str, str]) -> Plan:
    """The plan for a GitLab CI pipeline, from its predefined variables."""
    if not env.get("CI_COMMIT_SHA"):
        raise RangeError(
            "CI_COMMIT_SHA is not set: this runs inside GitLab CI (elsewhere: --range A..B)"
        )
    sha = _sha(env.get("CI_COMMIT_SHA"), "CI_COMMIT_SHA")
    if env.get("CI_PIPELINE_SOURCE") == "merge_request_event" or env.get("CI_MERGE_REQUEST_IID"):
        base = _sha(env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"), "CI_MERGE_REQUEST_DIFF_BASE_SHA")
        # In merged-results pipelines CI_COMMIT_SHA is a merge GitLab made: the merge
        # request's own commits end at the source branch's head.
        source = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or ""
        head = _sha(source, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") if source else sha
        return Plan(f"{base}..{head}", (base, head), f"merge request {base[:10]}..{head[:10]}")
    default = env.get("CI_DEFAULT_BRANCH")
    ref = env.get("CI_COMMIT_BRANCH")
    before_value = env.get("CI_COMMIT_BEFORE_SHA")
    if is_zero(before_value):
        return new_branch(sha, default, ref, "pipeline")
    before = _sha(before_value, "CI_COMMIT_BEFORE_SHA")
    return Plan(
        f"{before}..{sha}",
        (before, sha),
        f"push {before[:10]}..{sha[:10]}",
        fallback=new_branch(sha, default, ref, "pipeline (its before commit is gone)"),
    )
