"""The status query: which regions ``ownit status`` and the editor's ``ownit.status``
list (unowned or stale ones; owned, dismissed ones when asked; any the policy objects
to, when asked), open documents as edited and other files as the store holds them; and
the JSON fields of a listed region that both show (docs/cli.md, docs/lsp.md)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ownit.core.model import Ownership, RegionState
from ownit.session.contexts import RepoContext
from ownit.session.documents import Document, path_to_uri

if TYPE_CHECKING:
    from ownit.core.findings import PolicyIssue
    from ownit.git.repo import Repository

# What the policy objects to in a region of an open document (Session.policy_issue).
Issues = Callable[[Document, RegionState], "PolicyIssue | None"]


class StatusEntry(NamedTuple):  # not a dataclass: defined by every `ownit status`
    uri: str
    state: RegionState
    document: Document | None  # the open document (positions as edited); None: as stored
    issue: PolicyIssue | None = None  # what the policy objects to (when asked)


def _wanted(include_owned: bool, include_dismissed: bool) -> set[Ownership]:
    wanted = {Ownership.UNOWNED, Ownership.STALE}
    if include_owned:
        wanted.add(Ownership.OWNED)
    if include_dismissed:
        wanted.add(Ownership.DISMISSED)
    return wanted


def document_status(
    document: Document,
    states: Iterable[RegionState],
    *,
    include_owned: bool = False,
    include_dismissed: bool = False,
    issues: Issues | None = None,
) -> list[StatusEntry]:
    """The listed regions among ``states`` of the open ``document``: unowned or stale
    ones (with ``include_owned`` / ``include_dismissed``, those too), and with ``issues``
    any region not dismissed that the policy objects to, whoever owns it."""
    wanted = _wanted(include_owned, include_dismissed)
    result = []
    for state in states:
        issue = None
        if issues is not None and state.ownership is not Ownership.DISMISSED:
            issue = issues(document, state)
        if state.ownership in wanted or issue is not None:
            result.append(StatusEntry(document.uri, state, document, issue))
    return result


def status(
    open_states: Iterator[tuple[Document, RegionState]],
    contexts: Iterable[RepoContext],
    *,
    include_owned: bool = False,
) -> list[StatusEntry]:
    """Every unowned or stale region (with ``include_owned``, owned ones too):
    ``open_states`` first, then the stored regions of files not open."""
    wanted = _wanted(include_owned, False)
    result: list[StatusEntry] = []
    open_keys: set[tuple[int, str]] = set()
    for document, state in open_states:
        if document.context is not None and document.key is not None:
            open_keys.add((id(document.context), document.key))
        result += document_status(document, (state,), include_owned=include_owned)
    for context in contexts:
        for state in context.store.region_states():
            if (id(context), state.region.path) in open_keys:
                continue
            if state.ownership in wanted:
                uri = path_to_uri(context.path_for(state.region.path))
                result.append(StatusEntry(uri, state, None))
    return result


def outside_reason(repo: Repository, path: Path) -> str | None:
    """Why the stored regions of ``path`` (a file of the working tree ``repo``) cannot be
    checked there, when its name leads out of the tree (a symlink to a file elsewhere, or
    into the git directory); None when it is the tree's own file."""
    try:
        repo.relpath(path)
    except ValueError:
        target = os.path.realpath(path)
        if path.is_symlink():
            return f"not checked: a symlink to {target}, outside the repository"
        return f"not checked: it leads to {target}, outside the repository"
    return None


def region_json(state: RegionState) -> dict[str, Any]:
    """The fields of a listed region that the CLI's and the editor's status share: where
    (path, 1-based inclusive lines), which region, who wrote it and how we know, and
    whether it is owned."""
    region = state.region
    return {
        "path": region.path,
        "lines": [region.first_line + 1, region.end_line],
        "regionId": region.id,
        "tool": region.tool,
        "model": region.model,
        "source": str(region.source),
        "evidence": str(region.evidence),
        "ownership": str(state.ownership),
    }
