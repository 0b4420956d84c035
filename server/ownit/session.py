"""The one object holding mutable state: open documents and their stores.

The language server keeps one (its handlers in ``lsp/features/`` stay thin: they convert
LSP types and call a method here); each CLI command uses one on the files as they are on
disk, so the CLI and the server share every rule.
Everything computed lives in ``ownit.core``; everything persisted goes through
``ownit.store``. Positions here are core positions (code points); ``lsp/convert.py`` does
the client-unit conversion.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from ownit.core.claims import RationaleRejected, RationaleRules, validate_rationale
from ownit.core.findings import FindingCode, PolicyIssue, comment_rationale, policy_issue
from ownit.core.fingerprint import fingerprint
from ownit.core.model import (
    CONFIDENCE,
    Claim,
    Dismissal,
    Ownership,
    Region,
    RegionState,
    RegionStatus,
    Severity,
    Source,
)
from ownit.core.reanchor import (
    Anchor,
    Reanchoring,
    StoredGroup,
    line_opcodes,
    map_lines,
    reanchor,
    reanchor_groups,
)
from ownit.core.region_index import RegionIndex
from ownit.core.text import EditResult, Pos, TextBuffer
from ownit.core.tracking import Span, line_range, span_for_lines
from ownit.git.repo import (
    IdentityError,
    Repository,
    fallback_identity,
    find_repository,
    store_path,
)
from ownit.store import Store, StoreError, new_region_id

if TYPE_CHECKING:  # the policy (and YAML) loads on first use, not at start-up
    from ownit.core.policy import EffectiveRule, Policy, PolicyProblem
    from ownit.core.provenance import HistoryRun

POLICY_FILE = ".ownit.yaml"


def default_policy() -> Policy:
    from ownit.core.policy import default_policy as built_in

    return built_in()


# Files larger than this are not tracked (a clear message says so); 50,000 lines of code
# stay well below it.
MAX_TRACKED_BYTES = 20 * 1024 * 1024
# How long a region written by another process waits for the editor's buffer to show the
# text it was recorded on (an agent wrote the file; the editor reloads it a moment later).
LIVE_GRACE_SECONDS = 5.0


class RequestError(Exception):
    """A request the session cannot honour; the message says why and what to do."""


class UnknownDocument(RequestError):
    pass


@dataclass(slots=True)
class Tracked:
    """A region of an open document: its state and its exact character span."""

    state: RegionState
    span: Span
    history: HistoryRun | None = None  # set for lines known from history, not the store
    revision: int = 0  # bumped when anything its diagnostic shows may have changed
    shown: Any = None  # the LSP diagnostics feature's record of what it made of it

    @property
    def region(self) -> Region:
        return self.state.region

    @property
    def key(self) -> str:
        return self.state.region.id

    def place(self, span: Span) -> None:
        """Take ``span`` as the region's extent (the region index moves regions so)."""
        self.span = span
        region = self.state.region
        region.first_line, region.end_line = line_range(span)

    def shift(self, delta: int) -> None:
        start, end = self.span.start, self.span.end
        self.span = Span(Pos(start.line + delta, start.col), Pos(end.line + delta, end.col))
        region = self.state.region
        region.first_line += delta
        region.end_line += delta


@dataclass(slots=True)
class PolicyState:
    """The policy of one repository: what is in force, and what is wrong with the file."""

    policy: Policy | None
    problems: tuple[PolicyProblem, ...] = ()
    path: Path | None = None
    mtime: float | None = None
    gitattributes: str | None = None
    kept_last_good: bool = False

    @classmethod
    def load(cls, toplevel: Path | None) -> PolicyState:
        if toplevel is None:
            return cls(default_policy())
        from ownit.policy_files import load_tree_policy, read_gitattributes

        loaded = load_tree_policy(toplevel)
        path = toplevel / POLICY_FILE
        try:
            mtime: float | None = path.stat().st_mtime
        except OSError:
            mtime = None
        policy = loaded.policy if loaded.policy is not None else None
        state = cls(policy, loaded.problems, loaded.path, mtime, read_gitattributes(toplevel))
        if policy is None:
            state.policy = default_policy()  # invalid at start: the built-in defaults hold
            state.kept_last_good = True
        return state

    @property
    def in_force(self) -> Policy:
        return self.policy or default_policy()

    def rule(self, key: str) -> EffectiveRule:
        return self.in_force.effective(key)

    def exclusion(self, key: str) -> str | None:
        return self.in_force.exclusion_reason(key, self.gitattributes)


class RepoContext:
    """One store and the repository it belongs to (None: files outside any repository)."""

    def __init__(self, repo: Repository | None, store: Store) -> None:
        self.repo = repo
        self.store = store
        self.seen_data_version = store.data_version()
        self._policy: PolicyState | None = None
        self.history_cache: dict[tuple[str | None, str, bytes], list[HistoryRun]] = {}
        self.head_mtime: float | None = None
        self.head_seen = False
        self.store_problem: str | None = None  # the last store failure told to the user

    @property
    def policy_file(self) -> Path | None:
        return None if self.repo is None else self.repo.toplevel / POLICY_FILE

    def policy(self) -> PolicyState:
        """The policy in force (loaded on first use: start-up never pays for YAML)."""
        if self._policy is None:
            self._policy = PolicyState.load(self.repo.toplevel if self.repo else None)
        return self._policy

    @property
    def loaded_policy(self) -> PolicyState | None:
        return self._policy

    def reload_policy(self) -> PolicyState:
        """Read `.ownit.yaml` again; an invalid file keeps the last good policy in force."""
        previous = self._policy
        fresh = PolicyState.load(self.repo.toplevel if self.repo else None)
        if fresh.policy is None and previous is not None:
            fresh.policy = previous.policy or default_policy()
            fresh.kept_last_good = True
        self._policy = fresh
        return fresh

    def key_for(self, path: Path) -> str:
        if self.repo is None:
            return path.resolve().as_posix()
        return self.repo.relpath(path)

    def path_for(self, key: str) -> Path:
        return Path(key) if self.repo is None else self.repo.toplevel / key

    def identity(self) -> tuple[str, str]:
        if self.repo is not None:
            try:
                ident = self.repo.identity()
            except IdentityError as error:  # refused: a claim must name its owner as git does
                raise RequestError(str(error)) from None
            if ident is None:
                raise RequestError(
                    "git has no user.name/user.email for this repository, so a claim would "
                    "have no owner: run `git config user.name 'Your Name'` and "
                    "`git config user.email you@example.com`"
                )
            return ident.name, ident.email
        ident = fallback_identity()
        return ident.name, ident.email


@dataclass(frozen=True, slots=True)
class PendingLoad:
    """Stored regions of a document opened with ``defer``: re-anchored against ``text``
    (the text at open) by a worker, then installed by ``Session.finish_loading``."""

    groups: list[StoredGroup]
    text: str
    lines: list[str]  # split_lines(text): a copy (the buffer's list changes with edits)


@dataclass(slots=True)
class Document:
    uri: str
    version: int | None
    buffer: TextBuffer
    context: RepoContext | None = None
    key: str | None = None
    # Regions in text order (an edit moves only those it can affect; see region_index).
    tracked: RegionIndex[Tracked] = field(default_factory=RegionIndex)
    unsupported: str | None = None  # why regions cannot be tracked here
    positions_dirty: bool = False
    rule: EffectiveRule | None = None  # the policy's rule for this path (see rule_for)
    excluded: str | None = None  # why the policy ignores AI code here
    policy_resolved: bool = False  # rule/excluded are resolved on first use
    is_policy_file: bool = False  # `.ownit.yaml` itself: its problems are its diagnostics
    published: list[str] | None = None  # what the LSP layer last sent for it
    pending: dict[str, float] = field(default_factory=dict)  # region id -> give-up time
    # What history says (AI-assisted commits, their claims), tracked like regions under
    # edits but never stored: claiming one records a real region and its claim.
    history: RegionIndex[Tracked] = field(default_factory=RegionIndex)
    # Bumped whenever anything a diagnostic shows may have changed (a region moved, was
    # edited, claimed, dismissed, added or removed; the policy changed). An edit that
    # leaves the revision alone needs no diagnostics work at all.
    revision: int = 0
    published_revision: int = -1
    # Stored regions being re-anchored off the message loop (Session.open with defer).
    loading: PendingLoad | None = None
    merge_after_load: bool = False  # another process wrote the store while it loaded

    def states(self) -> list[RegionState]:
        return [tracked.state for tracked in self.tracked.values()]


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    # A byte that is not UTF-8 (%FF) is the byte it was, as os.fsdecode has it (not U+FFFD).
    return Path(unquote(parsed.path, errors="surrogateescape"))


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # bytes os.fsdecode kept as surrogates
        return False
    return True


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


class Session:
    def __init__(self, *, check_stores: bool = True) -> None:
        """``check_stores=False``: skip the full integrity read of each store on open
        (for short-lived processes on hot paths, like agent checkpoints)."""
        self.check_stores = check_stores
        self.documents: dict[str, Document] = {}
        self.contexts: dict[Path, RepoContext] = {}
        self.rationale_rules = RationaleRules()
        self.notices: list[str] = []  # messages for the user (e.g. a store moved aside)

    def take_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices

    def rule_for(self, document: Document) -> EffectiveRule | None:
        """The policy's rule for the document's path, resolved (and the policy loaded) on
        first use: commands that never ask, like an agent checkpoint, never pay for it."""
        if not document.policy_resolved:
            document.policy_resolved = True
            if document.context is not None and document.key is not None:
                state = document.context.policy()
                document.rule = state.rule(document.key)
                document.excluded = state.exclusion(document.key)
        return document.rule

    def policy_problems(self, document: Document) -> list[PolicyProblem]:
        """What is wrong with an open `.ownit.yaml`, as typed (not yet saved)."""
        if not document.is_policy_file:
            return []
        from ownit.core.policy import PolicyError, load_policy

        try:
            load_policy(document.buffer.text, POLICY_FILE)
        except PolicyError as error:
            return list(error.problems)
        return []

    def reload_policy(self, context: RepoContext) -> PolicyState:
        """Re-read the repository's policy and re-resolve every open document's rule."""
        state = context.reload_policy()
        for document in self.documents.values():
            if document.context is context:
                document.policy_resolved = False
                document.revision += 1
                for tracked in document.tracked.values():
                    tracked.revision += 1
        return state

    def heads_moved(self) -> list[RepoContext]:
        """Repositories whose HEAD moved (a commit, checkout, rebase) since last asked:
        their open documents' history hints are out of date."""
        moved = []
        for context in self.contexts.values():
            if context.repo is None:
                continue
            try:
                mtime: float | None = (context.repo.git_dir / "logs" / "HEAD").stat().st_mtime
            except OSError:
                mtime = None
            if context.head_seen and mtime != context.head_mtime:
                moved.append(context)
            context.head_mtime, context.head_seen = mtime, True
        return moved

    def policy_files_changed(self) -> list[RepoContext]:
        """Contexts whose `.ownit.yaml` changed on disk since it was read (or appeared)."""
        changed = []
        for context in self.contexts.values():
            path = context.policy_file
            if path is None or context.loaded_policy is None:
                continue
            try:
                mtime: float | None = path.stat().st_mtime
            except OSError:
                mtime = None
            if mtime != context.loaded_policy.mtime:
                changed.append(context)
        return changed

    def policy_issue(self, document: Document, state: RegionState) -> PolicyIssue | None:
        """What the path's rule says against the region beyond ownership (AI forbidden
        here, an unapproved tool), or None."""
        if document.excluded:
            return None
        return policy_issue(self.rule_for(document), state.region)

    def severity_for(
        self, document: Document, state: RegionState, issue: PolicyIssue | None = None
    ) -> Severity:
        """How the editor shows this region under the policy (``off``: not at all);
        ``issue`` as :meth:`policy_issue` gives it (AI forbidden here: always an error)."""
        rule = self.rule_for(document)
        if rule is None:
            return Severity.WARNING
        region = state.region
        if issue is not None and issue.code is FindingCode.AI_FORBIDDEN:
            return Severity.ERROR
        if document.excluded or (not rule.needs_ownership and issue is None):
            return Severity.OFF
        if not rule.counts_source(region.source, region.line_count):
            return Severity.OFF
        if state.ownership is Ownership.STALE and str(rule.stale) == "keep":
            return Severity.HINT  # the claim keeps holding; the change is only a hint
        if not rule.requires_evidence(region.evidence):
            return Severity.HINT  # known with less than min_evidence: shown, never pressing
        return Severity(str(rule.severity))

    # ----------------------------------------------------------------- contexts
    def context_for(self, path: Path) -> RepoContext:
        repo = find_repository(path.parent if not path.is_dir() else path)
        if repo is not None:
            try:
                repo.relpath(path)
            except ValueError:
                repo = None  # e.g. a symlink pointing out of the repository
        db = store_path(repo)
        context = self.contexts.get(db)
        if context is None:
            store = Store.open(db, check=self.check_stores)
            if store.recovery_message:
                self.notices.append(store.recovery_message)
            context = RepoContext(repo, store)
            self.contexts[db] = context
            store.on_recreated = lambda reopened, reason: self._store_recreated(
                context, reopened, reason
            )
        return context

    def _store_recreated(self, context: RepoContext, store: Store, reason: str) -> None:
        """The store's file was deleted or replaced while open (see Store.ensure_current):
        write back every region the open documents hold, with its claims and dismissal,
        before the write that noticed goes on, and tell the user."""
        held = [
            (tracked.state, document.buffer.text)
            for document in self.documents.values()
            if document.context is context
            for tracked in document.tracked.values()
        ]
        regions, claims, dismissals = store.restore(held)
        for document in self.documents.values():
            if document.context is context:
                document.positions_dirty = False  # just written, from the same text
        context.seen_data_version = -1  # merge whatever the new file already holds
        what = "recreated it" if reason == "deleted" else "now uses the new file"
        notice = (
            f"The ownit store {store.path} was {reason} while ownit had it open: ownit {what}"
            f" and wrote back what the open files hold ({regions} region(s), {claims}"
            f" claim(s), {dismissals} dismissal(s)); regions of files that were not open"
            " were only in the old file."
        )
        if store.recovery_message and store.recovered_from is not None:
            notice += " " + store.recovery_message
            store.recovery_message = None
        self.notices.append(notice)

    def add_workspace_folder(self, uri: str) -> None:
        path = uri_to_path(uri)
        if path is not None and path.is_dir():
            try:
                self.context_for(path)
            except Exception as error:  # a broken folder must not stop the server
                self.notices.append(f"ownit cannot open the store for {path}: {error}")

    # ---------------------------------------------------------------- documents
    def document(self, uri: str) -> Document:
        """An open document with its regions (a deferred load finishes here and now)."""
        document = self._open_document(uri)
        if document.loading is not None:
            self.finish_loading(document, None)
        return document

    def loaded(self, uri: str) -> Document | None:
        """The open document with its regions in place, or None if it is not open."""
        document = self.documents.get(uri)
        if document is not None and document.loading is not None:
            self.finish_loading(document, None)
        return document

    def _open_document(self, uri: str) -> Document:
        document = self.documents.get(uri)
        if document is None:
            raise UnknownDocument(f"{uri} is not open in the editor (open it first)")
        return document

    def finish_loading(self, document: Document, results: list[Reanchoring] | None) -> bool:
        """Install the regions of a deferred open: ``results`` as a worker found them for
        the text at open, or (None, or the text changed since) re-anchored now against
        the current text. False when there was nothing to do (loaded, or closed)."""
        pending = document.loading
        if pending is None or self.documents.get(document.uri) is not document:
            return False
        document.loading = None
        text = document.buffer.text
        if results is None or text != pending.text:
            results = reanchor_groups(pending.groups, text, document.buffer.lines)
        self._install(document, results)
        if not document.tracked and not document.is_policy_file:
            self._adopt_moved(document)
        if document.merge_after_load and document.context is not None:
            document.merge_after_load = False
            document.context.seen_data_version = -1  # what others wrote: merged next poll
        return True

    def open(self, uri: str, text: str, version: int | None, *, defer: bool = False) -> Document:
        """Open a document and track its stored regions. ``defer``: when there are stored
        regions to re-anchor, leave that to ``reanchor_groups`` (a worker can run it) and
        ``finish_loading``; until then ``document.loading`` is set."""
        document = Document(uri=uri, version=version, buffer=TextBuffer(text))
        self.documents[uri] = document
        path = uri_to_path(uri)
        if path is None:
            document.unsupported = "only files on disk can be tracked"
        elif "\x00" in text:
            document.unsupported = "binary file: ownit tracks text files only"
        elif len(text) > MAX_TRACKED_BYTES:
            document.unsupported = f"file larger than {MAX_TRACKED_BYTES // 2**20} MiB"
        elif not _utf8_name(path):
            document.unsupported = (
                "its name is not valid UTF-8, so ownit cannot record it faithfully"
                " (rename the file to track it)"
            )
        else:
            try:
                context = self.context_for(path)
                key = context.key_for(path)
            except Exception as error:  # git refuses the repository, the store is unusable
                # The document stays open, untracked, saying why; the caller reports it.
                document.unsupported = f"the ownit store cannot be used here: {error}"
                raise
            document.context = context
            document.key = key
            document.is_policy_file = context.policy_file == path
            states = context.store.region_states(document.key)
            if defer:
                groups = self._stored_groups(document, states)
                if groups:
                    document.loading = PendingLoad(groups, text, list(document.buffer.lines))
                    return document
            self._load_regions(document, states)
            if not document.tracked and not document.is_policy_file:
                self._adopt_moved(document)
        return document

    def _adopt_moved(self, document: Document) -> None:
        """A file with no regions may be a renamed or moved one: regions whose file no
        longer exists and whose lines are found here, unchanged, move to this path."""
        context, key = document.context, document.key
        assert context is not None and key is not None
        store = context.store
        text = document.buffer.text
        for old_path in store.active_paths():
            if old_path == key or context.path_for(old_path).exists():
                continue
            states = store.region_states(old_path)
            basis = store.basis_text(states[0].region.id) if states else None
            if basis is None or not _similar(basis, text):
                continue  # a rename keeps most of a file (git's rule: half of it at least)
            anchors = [
                Anchor(s.region.id, s.region.first_line, s.region.end_line, s.region.fingerprint)
                for s in states
            ]
            found, _ = reanchor(None, text, anchors)
            exact = [r for r in found if r.how in ("unchanged", "fingerprint")]
            if not exact:
                continue
            positions = []
            for result in exact:
                lines = document.buffer.contents(result.first_line, result.end_line)
                positions.append(
                    (result.region_id, result.first_line, result.end_line, fingerprint(lines))
                )
            store.move_regions(old_path, key, positions, text)
            self._load_regions(document, store.region_states(key))

    def close(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        if document is not None:
            self.persist(document)

    def change(self, uri: str, version: int | None, edits: Iterable[tuple[Pos, Pos, str]]) -> None:
        """Apply edits, each relative to the text after the previous one (to a document
        still loading its regions too: they are then re-anchored to the edited text)."""
        document = self._open_document(uri)
        document.version = version
        removed: list[Tracked] = []
        for start, end, new_text in edits:
            edit = document.buffer.replace(start, end, new_text)
            removed.extend(self._track_edit(document, edit))
        if document.tracked or removed:
            document.positions_dirty = True
        for tracked in removed:
            self._record_removed(document, tracked)

    def replace_all(self, uri: str, version: int | None, text: str) -> None:
        """Full-text sync: the change is the smallest single edit between old and new text."""
        document = self._open_document(uri)
        old = document.buffer.text
        prefix = _common_prefix_length(old, text)
        suffix = _common_suffix_length(old, text, prefix)
        # Never split a \r\n of the old text: core positions cannot point between the two.
        if 0 < prefix < len(old) and old[prefix - 1 : prefix + 1] == "\r\n":
            prefix -= 1
        cut = len(old) - suffix
        if 0 < cut < len(old) and old[cut - 1 : cut + 1] == "\r\n":
            suffix -= 1
        buffer = document.buffer
        start = _pos_of_offset(buffer, prefix)
        end = _pos_of_offset(buffer, len(old) - suffix)
        self.change(uri, version, [(start, end, text[prefix : len(text) - suffix])])

    def _track_edit(self, document: Document, edit: EditResult) -> list[Tracked]:
        """Move every region (and history run) through one edit; returns the regions gone."""
        removed = self._track_in(document, document.tracked, edit)
        if document.history:
            self._track_in(document, document.history, edit)
        return removed

    def _track_in(
        self, document: Document, regions: RegionIndex[Tracked], edit: EditResult
    ) -> list[Tracked]:
        """Move ``regions`` through one edit: only those on the edited lines are looked at
        (the index finds them by bisection and moves later ones lazily)."""
        touched_first, touched_last = edit.new_start.line, edit.inserted_end.line
        moved = regions.apply(edit, document.buffer)
        if moved.shifted or moved.removed:
            document.revision += 1  # later regions' diagnostics moved; removed ones went
        for tracked in moved.removed:
            tracked.revision += 1
        for tracked, old, new in moved.changed:
            first, end = line_range(new)
            region = tracked.region
            visible = line_range(old) != (first, end)
            if first <= touched_last and touched_first < end:
                fp = fingerprint(document.buffer.contents(first, end))
                if fp != region.fingerprint:
                    region.fingerprint = fp
                    # what a claim says about it may change (owned → stale, or back)
                    visible = visible or tracked.state.claim is not None
                # the last line's length is where its diagnostic ends
                visible = visible or touched_first <= end - 1 <= touched_last
            if visible:
                tracked.revision += 1
                document.revision += 1
        return list(moved.removed)

    def _record_removed(self, document: Document, tracked: Tracked) -> None:
        if document.context is None:
            return
        document.context.store.set_status(
            tracked.region.id,
            RegionStatus.REMOVED,
            f"its text was deleted in the editor (lines {tracked.region.display_lines()})",
        )

    def _load_regions(
        self, document: Document, states: Iterable[RegionState], *, live: bool = False
    ) -> None:
        """Add stored regions to an open document, re-anchored to its current text.

        ``live``: another process (an agent hook, the CLI) wrote them while the document
        is open. Their line numbers refer to the file on disk, which the editor may not
        have reloaded yet: only an exact match (same text, or the same lines found by
        fingerprint) is taken at once; the rest wait a little for the buffer to catch up
        (``LIVE_GRACE_SECONDS``), then take the line diff's answer. Nothing is marked lost
        here: the buffer, not the file, is what changed.
        """
        groups = self._stored_groups(document, states, live=live)
        if groups:
            buffer = document.buffer
            self._install(document, reanchor_groups(groups, buffer.text, buffer.lines), live=live)

    def _stored_groups(
        self, document: Document, states: Iterable[RegionState], *, live: bool = False
    ) -> list[StoredGroup]:
        """The regions to add, grouped by the text their lines refer to (one store read
        for every basis text; each distinct text is re-anchored against once)."""
        assert document.context is not None and document.key is not None
        wanted = [
            state
            for state in states
            if state.region.status is RegionStatus.ACTIVE
            and state.region.id not in document.tracked
        ]
        if not wanted:
            return []
        basis_of, texts = document.context.store.region_bases(document.key, include_inactive=live)
        by_basis: dict[str | None, list[RegionState]] = {}
        for state in wanted:
            by_basis.setdefault(basis_of.get(state.region.id), []).append(state)
        return [
            StoredGroup(texts.get(digest) if digest is not None else None, group)
            for digest, group in by_basis.items()
        ]

    def _install(
        self, document: Document, groups: list[Reanchoring], *, live: bool = False
    ) -> None:
        """Track the re-anchored regions (found against the document's current text)."""
        assert document.context is not None and document.key is not None
        store = document.context.store
        buffer = document.buffer
        added: list[Tracked] = []
        moved = False
        for _basis, group, found, lost, same_text in groups:
            states_by_id = {s.region.id: s for s in group}
            now = time.monotonic()
            for result in found:
                if live and result.how == "diff":
                    deadline = document.pending.setdefault(
                        result.region_id, now + LIVE_GRACE_SECONDS
                    )
                    if now < deadline:
                        continue
                document.pending.pop(result.region_id, None)
                state = states_by_id[result.region_id]
                region = state.region
                if (result.first_line, result.end_line) != (region.first_line, region.end_line):
                    moved = True
                region.first_line, region.end_line = result.first_line, result.end_line
                if result.how == "diff":  # otherwise the lines hold the same fingerprint
                    region.fingerprint = fingerprint(
                        buffer.contents(result.first_line, result.end_line)
                    )
                _share_strings(region, document.key)
                added.append(
                    Tracked(state, span_for_lines(buffer, result.first_line, result.end_line))
                )
                if not same_text:
                    moved = True
            for region_id in lost:
                if live:
                    document.pending.setdefault(region_id, now + LIVE_GRACE_SECONDS)
                    continue
                store.set_status(
                    region_id,
                    RegionStatus.LOST,
                    "could not be found again after the file changed while it was closed",
                )
        if added:
            document.tracked.add_all(added)
            document.revision += 1
        if moved:
            document.positions_dirty = True
            self.persist(document)

    def persist(self, document: Document) -> None:
        """Write the open document's region positions (and the text they refer to)."""
        if not document.positions_dirty or document.context is None or document.key is None:
            return
        positions = [
            (t.region.id, t.region.first_line, t.region.end_line, t.region.fingerprint)
            for t in document.tracked.values()
        ]
        document.context.store.update_positions(document.key, positions, document.buffer.text)
        document.positions_dirty = False

    def persist_all(self) -> None:
        for document in self.documents.values():
            try:
                self.persist(document)
            except Exception as error:
                self.notices.append(
                    f"ownit could not save region positions of {document.uri}: {error}"
                )

    # ------------------------------------------------------------------ actions
    def _tracked_context(self, document: Document) -> RepoContext:
        if document.context is None or document.key is None:
            raise RequestError(
                f"regions cannot be tracked in {document.uri}: {document.unsupported}"
            )
        return document.context

    def mark(
        self,
        uri: str,
        start: Pos,
        end: Pos,
        tool: str,
        model: str | None = None,
        source: Source = Source.MANUAL,
        session_id: str | None = None,
    ) -> str:
        """Record the lines the range touches as AI-written; returns the region id.

        A range that ends at character 0 of a line does not take that line.
        """
        buffer = self.document(uri).buffer
        start, end = buffer.clamp(start), buffer.clamp(end)
        last = end.line - 1 if end.col == 0 and end.line > start.line else end.line
        return self.mark_lines(uri, start.line, last + 1, tool, model, source, session_id)

    def mark_lines(
        self,
        uri: str,
        first: int,
        stop: int,
        tool: str,
        model: str | None = None,
        source: Source = Source.MANUAL,
        session_id: str | None = None,
    ) -> str:
        """Record lines ``first`` .. ``stop - 1`` (0-based) as AI-written."""
        document = self.document(uri)
        context = self._tracked_context(document)
        assert document.key is not None
        buffer = document.buffer
        if not 0 <= first < stop <= buffer.line_count():
            raise RequestError(
                f"lines {first + 1}-{stop} are not in {uri} ({buffer.line_count()} lines)"
            )
        span = span_for_lines(buffer, first, stop)
        if span.is_empty():
            raise RequestError(
                f"line {first + 1} is the empty end of the file: there is no text to mark"
            )
        for tracked in document.tracked.overlapping(first, first):
            region = tracked.region
            if (
                region.first_line <= first
                and stop <= region.end_line
                and tracked.state.dismissal is None  # "not AI-written" said nothing of this
            ):
                return region.id  # already inside a tracked region: nothing new to record
        region = Region(
            id=new_region_id(),
            path=document.key,
            first_line=first,
            end_line=stop,
            tool=tool,
            model=model,
            source=source,
            confidence=CONFIDENCE[source],
            created_at=time.time(),
            fingerprint=fingerprint(buffer.contents(first, stop)),
            session=session_id,
        )
        self.persist(document)  # other regions' positions must refer to the same text
        context.store.add_region(region, buffer.text)
        document.tracked[region.id] = Tracked(RegionState(region), span)
        for run in document.history.overlapping(first, stop - 1):
            if run.region.first_line < stop and first < run.region.end_line:
                del document.history[run.key]  # the stored region speaks for these lines now
        document.revision += 1
        return region.id

    def tracked(self, uri: str, region_id: str) -> Tracked:
        document = self.document(uri)
        tracked = document.tracked.get(region_id) or document.history.get(region_id)
        if tracked is None:
            raise RequestError(f"no AI region {region_id!r} in {uri}")
        return tracked

    def comment_rationale_above(self, uri: str, tracked: Tracked) -> str | None:
        """The rationale of an ``ownit: <rationale>`` comment line right above a region."""
        above = tracked.region.first_line - 1
        if above < 0:
            return None
        return comment_rationale(self.document(uri).buffer.content(above))

    def adopt_history(self, uri: str, region_id: str) -> str:
        """The id of a stored region for ``region_id``: a history run becomes one (source
        commit-trailer) the first time someone claims or dismisses it, so the claim is
        recorded and travels with the next commit."""
        document = self.document(uri)
        if region_id in document.tracked or region_id not in document.history:
            return region_id
        run = document.history.pop(region_id)
        assert run is not None
        document.revision += 1
        assert run.history is not None
        return self.mark_lines(
            uri,
            run.region.first_line,
            run.region.end_line,
            run.history.tool,
            source=Source.COMMIT_TRAILER,
        )

    # ---------------------------------------------------------------- history
    def history_inputs(self, uri: str) -> tuple[RepoContext, str, str] | None:
        """What computing the document's history hints needs, or None when it has none."""
        document = self.documents.get(uri)
        if document is None or document.context is None or document.key is None:
            return None
        if document.context.repo is None or document.unsupported:
            return None
        return document.context, document.key, document.buffer.text

    def compute_history(self, context: RepoContext, key: str, text: str) -> list[HistoryRun]:
        """Blame and claim index (git, files): meant for a worker thread. Cached by HEAD
        and content, so reopening a file or saving it unchanged costs nothing."""
        from ownit.git.history_hints import head_commit, runs_for

        assert context.repo is not None
        head = head_commit(context.repo)
        cache_key = (head, key, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        cached = context.history_cache.get(cache_key)
        if cached is None:
            cached = runs_for(context.repo, key, text, context.policy().in_force)
            if len(context.history_cache) > 64:
                context.history_cache.clear()
            context.history_cache[cache_key] = cached
        return cached

    def set_history(self, uri: str, runs: list[HistoryRun], basis_text: str) -> bool:
        """Show ``runs`` (lines of ``basis_text``) in the open document; False if it closed."""
        document = self.documents.get(uri)
        if document is None:
            return False
        if document.loading is not None:  # stored regions speak first for their lines
            self.finish_loading(document, None)
        text = document.buffer.text
        opcodes = (
            None if basis_text == text else line_opcodes(basis_text.splitlines(), text.splitlines())
        )
        history: list[Tracked] = []
        for run in runs:
            lines: tuple[int, int] | None = (run.first_line, run.end_line)
            if opcodes is not None:
                lines = map_lines(opcodes, run.first_line, run.end_line)
            if lines is None:
                continue
            first, end = lines
            if any(
                t.region.first_line < end and first < t.region.end_line
                for t in document.tracked.overlapping(first, end - 1)
            ):
                continue  # a stored region covers these lines: it speaks for them
            current = fingerprint(document.buffer.contents(first, end))
            region = Region(
                id=run.id,
                path=document.key or "",
                first_line=first,
                end_line=end,
                tool=run.tool,
                source=Source.COMMIT_TRAILER,
                created_at=0.0,
                fingerprint=current,
                confidence=CONFIDENCE[Source.COMMIT_TRAILER],
            )
            claim = None
            if run.owned and run.owner_email:
                claim = Claim(
                    run.id,
                    run.owner_email,
                    run.owner_email,
                    run.rationale,
                    # the claim held for the committed text: the buffer may have changed it
                    fingerprint(TextBuffer(basis_text).contents(run.first_line, run.end_line)),
                    0.0,
                )
            span = span_for_lines(document.buffer, first, end)
            if span.is_empty():
                continue
            history.append(Tracked(RegionState(region, claim), span, history=run))
        document.history = RegionIndex()
        document.history.add_all(history)
        document.revision += 1
        return True

    def claim(self, uri: str, region_id: str, rationale: str, purpose: str = "") -> Claim:
        """Own the region with ``rationale`` and, optionally, a ``purpose`` tag (checked
        against the policy's ``purposes`` list when it has one)."""
        document = self.document(uri)
        self.tracked(uri, region_id)  # an unknown id fails before anything is recorded
        purpose = self._check_purpose(document, purpose)
        forbidding = self.rule_for(document)
        if forbidding is not None and forbidding.forbids_ai and not document.excluded:
            raise RequestError(  # nothing recorded: a claim here would change nothing
                f"{forbidding.forbidden_reason()} — owning AI-written code does not make it"
                " allowed: remove it, or, if a person wrote it, dismiss it (ownit dismiss, or"
                " the 'Not AI-written…' quick fix)"
            )
        if region_id in document.history:
            self._check_rationale(document, rationale)  # nothing recorded for a bad one
            region_id = self.adopt_history(uri, region_id)
        tracked = self.tracked(uri, region_id)
        context = self._tracked_context(document)
        rule = self.rule_for(document)
        text = self._check_rationale(document, rationale)
        name, email = context.identity()
        if rule is not None and not rule.owner_allowed(email):
            raise RequestError(
                f"{email} may not own code in {document.key}: "
                f"{rule.origin_phrase('owners')} accepts {', '.join(rule.owners)}"
            )
        claim = Claim(
            region_id=region_id,
            owner_name=name,
            owner_email=email,
            rationale=text,
            fingerprint=tracked.region.fingerprint,
            created_at=time.time(),
            purpose=purpose,
        )
        document.positions_dirty = True
        self.persist(document)  # the store's fingerprint must be the one claimed
        context.store.add_claim(claim)
        tracked.state.claim = claim
        tracked.revision += 1
        document.revision += 1
        tracked.state.history = (*tracked.state.history, claim)
        return claim

    def _check_purpose(self, document: Document, purpose: str) -> str:
        """The purpose tag as the policy accepts it, or a RequestError saying which are."""
        from ownit.core.policy.model import PurposeRejected, validate_purpose

        context = document.context
        policy = context.policy().in_force if context is not None else None
        try:
            return validate_purpose(purpose, policy.purposes if policy is not None else ())
        except PurposeRejected as error:
            raise RequestError(str(error)) from None

    def signing_note(self, document: Document, owner_email: str) -> str | None:
        """When the document's rule asks for signed claims (``signatures: warn|require``):
        None if the hooks can sign a claim by ``owner_email`` with git's signing
        configuration, else what to tell the user (it would be committed unsigned)."""
        rule = self.rule_for(document)
        if rule is None or rule.signatures.value == "off":
            return None
        if document.context is None or document.context.repo is None:
            return None
        from ownit.git.signing import SigningError, read_signing_config, signer_for

        repo = document.context.repo
        try:
            signer_for(read_signing_config(repo.toplevel), repo.toplevel, owner_email)
        except SigningError as error:
            need = "requires" if rule.signatures.value == "require" else "asks for"
            return (
                f"this claim will be committed UNSIGNED ({error});"
                f" {rule.origin_phrase('signatures')} {need} signed claims"
            )
        return None

    def _check_rationale(self, document: Document, rationale: str) -> str:
        """The normalized rationale, or a RequestError saying why the policy refuses it."""
        rule = self.rule_for(document)
        try:
            if rule is not None:
                return rule.validate_rationale(rationale)
            return validate_rationale(rationale, self.rationale_rules)
        except RationaleRejected as error:
            raise RequestError(str(error)) from None

    def dismiss(self, uri: str, region_id: str, reason: str) -> Dismissal:
        document = self.document(uri)
        self.tracked(uri, region_id)
        if region_id in document.history and len(" ".join(reason.split())) >= 3:
            region_id = self.adopt_history(uri, region_id)
        tracked = self.tracked(uri, region_id)
        context = self._tracked_context(document)
        reason = " ".join(reason.split())
        if len(reason) < 3:
            raise RequestError("say why this code is not AI-written (a short reason is needed)")
        name, email = context.identity()
        dismissal = Dismissal(region_id, f"{name} <{email}>", reason, time.time())
        context.store.add_dismissal(dismissal)
        tracked.state.dismissal = dismissal
        tracked.revision += 1
        document.revision += 1
        return dismissal

    def regions_at(self, uri: str, first_line: int, last_line: int) -> list[Tracked]:
        """Regions of the document overlapping lines ``first_line`` .. ``last_line``."""
        document = self.document(uri)
        return [
            t
            for regions in (document.tracked, document.history)
            for t in regions.overlapping(first_line, last_line)
            if t.region.first_line <= last_line and first_line < t.region.end_line
        ]

    # ------------------------------------------------------------ other writers
    def refresh_from_store(self) -> set[str]:
        """Pick up what other processes wrote; returns the URIs whose regions changed."""
        changed: set[str] = set()
        for context in list(self.contexts.values()):
            try:
                context.store.ensure_current()  # a deleted store is recreated at once
            except StoreError as error:  # said once; every write says it again
                if str(error) != context.store_problem:
                    context.store_problem = str(error)
                    self.notices.append(str(error))
                continue
            context.store_problem = None
            version = context.store.data_version()
            fresh = version != context.seen_data_version
            context.seen_data_version = version
            for document in self.documents.values():
                if document.context is context and document.loading is not None:
                    document.merge_after_load = document.merge_after_load or fresh
                    continue  # merged once its regions are in place
                if (
                    document.context is context
                    and document.key is not None
                    and (fresh or document.pending)
                    and self._merge_stored(document)
                ):
                    changed.add(document.uri)
        return changed

    def _merge_stored(self, document: Document) -> bool:
        assert document.context is not None and document.key is not None
        stored = {
            s.region.id: s
            for s in document.context.store.region_states(document.key, include_inactive=True)
        }
        changed = False
        for region_id, tracked in list(document.tracked.items()):
            state = stored.get(region_id)
            if state is None or state.region.status is not RegionStatus.ACTIVE:
                del document.tracked[region_id]
                document.revision += 1
                changed = True
                continue
            if state.claim != tracked.state.claim or state.dismissal != tracked.state.dismissal:
                tracked.state.claim, tracked.state.dismissal = state.claim, state.dismissal
                tracked.revision += 1
                document.revision += 1
                tracked.state.history = state.history
                changed = True
        new = [s for rid, s in stored.items() if rid not in document.tracked]
        for rid in [rid for rid in document.pending if rid not in stored]:
            del document.pending[rid]
        if any(s.region.status is RegionStatus.ACTIVE for s in new):
            before = len(document.tracked)
            self._load_regions(document, new, live=True)
            changed = changed or len(document.tracked) != before
        return changed

    # ------------------------------------------------------------------ status
    def open_states(self) -> Iterator[tuple[Document, RegionState]]:
        for document in list(self.documents.values()):
            if document.loading is not None:
                self.finish_loading(document, None)
            for state in document.states():
                yield document, state

    def status(self, *, include_owned: bool = False) -> list[tuple[str, RegionState]]:
        """Every unowned or stale region (with ``include_owned``, owned ones too): open
        documents as edited, other files as stored."""
        wanted = {Ownership.UNOWNED, Ownership.STALE}
        if include_owned:
            wanted.add(Ownership.OWNED)
        result: list[tuple[str, RegionState]] = []
        open_keys: set[tuple[int, str]] = set()
        for document, state in self.open_states():
            if document.context is not None and document.key is not None:
                open_keys.add((id(document.context), document.key))
            if state.ownership in wanted:
                result.append((document.uri, state))
        for context in self.contexts.values():
            for state in context.store.region_states():
                if (id(context), state.region.path) in open_keys:
                    continue
                if state.ownership in wanted:
                    result.append((path_to_uri(context.path_for(state.region.path)), state))
        return result

    def shutdown(self, *, save: bool = True) -> None:
        if save:
            self.persist_all()
        for context in self.contexts.values():
            context.store.close()
        self.contexts.clear()


def _share_strings(region: Region, path: str) -> None:
    """One copy of the strings many regions repeat (path, tool, model, session), instead
    of one per region as each row of the store comes back."""
    region.path = path
    region.tool = sys.intern(region.tool)
    if region.model is not None:
        region.model = sys.intern(region.model)
    if region.session is not None:
        region.session = sys.intern(region.session)


def _similar(old: str, new: str) -> bool:
    """Whether ``new`` keeps at least half of ``old``'s lines (and vice versa)."""
    old_lines = Counter(_all_lines(TextBuffer(old)))
    new_lines = Counter(_all_lines(TextBuffer(new)))
    common = sum((old_lines & new_lines).values())
    return common * 2 >= max(sum(old_lines.values()), sum(new_lines.values()))


def _all_lines(buffer: TextBuffer) -> list[str]:
    return buffer.contents(0, buffer.line_count())


def _common_prefix_length(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    if a[:limit] == b[:limit]:
        return limit
    low, high = 0, limit  # binary search on slice equality: C speed, O(n log n) worst
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix_length(a: str, b: str, prefix: int) -> int:
    limit = min(len(a), len(b)) - prefix
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


def _pos_of_offset(buffer: TextBuffer, offset: int) -> Pos:
    for line, text in enumerate(buffer.lines):
        if offset <= len(text) and (offset < len(text) or line == len(buffer.lines) - 1):
            return Pos(line, offset)
        offset -= len(text)
    return buffer.end()
