"""The one object holding mutable state: open documents and their stores.

The language server keeps one (its handlers in ``lsp/features/`` stay thin: they convert
LSP types and call a method here); each CLI command uses one on the files as they are on
disk, so the CLI and the server share every rule. ``Session`` only holds the state and
hands each request to the module whose job it is (see the package's ``__init__``).
Positions here are core positions (code points); ``lsp/convert.py`` does the client-unit
conversion.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.core.claims import RationaleRules
from ownit.core.findings import PolicyIssue
from ownit.core.model import Claim, Dismissal, RegionState, Severity, Source
from ownit.core.reanchor import Reanchoring
from ownit.core.text import Pos, TextBuffer
from ownit.core.text_compare import smallest_edit
from ownit.session import actions, contexts, history, rules, status, store_sync
from ownit.session.contexts import RepoContext
from ownit.session.documents import Document, Tracked, apply_edits, uri_to_path
from ownit.session.errors import UnknownDocument
from ownit.store import Store

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule, PolicyProblem
    from ownit.core.provenance import HistoryRun
    from ownit.session.contexts import PolicyState


class Session:
    def __init__(self, *, check_stores: bool = True) -> None:
        """``check_stores=False``: skip the full integrity read of each store on open
        (for short-lived processes on hot paths, like agent checkpoints)."""
        self.check_stores = check_stores
        self.documents: dict[str, Document] = {}
        self.contexts: dict[Path, RepoContext] = {}
        self.rationale_rules = RationaleRules()
        self.notices: list[str] = []  # messages for the user (e.g. a store moved aside)
        self.discovery = contexts.Discovery()
        self._unattached: set[str] = set()  # opened with attach=False, not attached yet

    def take_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices

    # ------------------------------------------------------------------ policy
    def rule_for(self, document: Document) -> EffectiveRule | None:
        return rules.rule_for(document)

    def policy_problems(self, document: Document) -> list[PolicyProblem]:
        return rules.policy_problems(document)

    def policy_issue(self, document: Document, state: RegionState) -> PolicyIssue | None:
        return rules.issue_for(document, state)

    def severity_for(
        self, document: Document, state: RegionState, issue: PolicyIssue | None = None
    ) -> Severity:
        return rules.severity_for(document, state, issue)

    def signing_note(self, document: Document, owner_email: str) -> str | None:
        return rules.signing_note(document, owner_email)

    def reload_policy(self, context: RepoContext) -> PolicyState:
        """Re-read the repository's policy and re-resolve every open document's rule."""
        return rules.reload_policy(context, self.documents.values())

    def heads_moved(self) -> list[RepoContext]:
        """Repositories whose HEAD moved since last asked: their history hints are old."""
        return contexts.heads_moved(self.contexts.values())

    def policy_files_changed(self) -> list[RepoContext]:
        return contexts.policy_files_changed(self.contexts.values())

    # ----------------------------------------------------------------- contexts
    def context_for(self, path: Path) -> RepoContext:
        return contexts.open_context(
            self.contexts,
            path,
            check=self.check_stores,
            notices=self.notices,
            on_recreated=self._store_recreated,
            discovery=self.discovery,
        )

    def repository_known(self, uri: str) -> bool:
        """Whether opening ``uri`` needs no git (its folder was looked up, or it is no
        file): else :meth:`discover` first, in a worker thread."""
        path = uri_to_path(uri)
        return path is None or self.discovery.known(path)

    def discover(self, uri: str) -> None:
        """Look up the repository of ``uri``'s folder (git; safe in a worker thread). A
        failure is left for the open to tell (a timeout is remembered: it is not run
        again)."""
        path = uri_to_path(uri)
        if path is None:
            return
        try:
            self.discovery.look_up(path)
        except Exception:  # the open, on the message loop, says what went wrong
            return

    def _store_recreated(self, context: RepoContext, store: Store, reason: str) -> None:
        self.notices.append(store_sync.write_back(self.documents.values(), context, store, reason))

    def add_workspace_folder(self, uri: str) -> None:
        contexts.add_workspace_folder(uri, self.context_for, self.notices)

    # ---------------------------------------------------------------- documents
    def document(self, uri: str) -> Document:
        """An open document with its regions (a deferred load finishes here and now)."""
        document = self._open_document(uri)
        self._attach_now(document)
        if document.loading is not None:
            self.finish_loading(document, None)
        return document

    def loaded(self, uri: str) -> Document | None:
        """The open document with its regions in place, or None if it is not open (one
        whose repository is still being looked up is answered as it is, with no regions:
        a query must not wait for git; the open shows them once it is done)."""
        document = self.documents.get(uri)
        if document is not None:
            if self.repository_known(uri):
                self._attach_now(document)
            if document.loading is not None:
                self.finish_loading(document, None)
        return document

    def _attach_now(self, document: Document) -> None:
        """A request came before the open's own attach: attach here (waiting for a lookup
        still running); what fails is a notice, the document untracked saying why."""
        if document.uri in self._unattached:
            try:
                self.attach(document)
            except Exception as error:
                self.notices.append(f"ownit cannot track {document.uri}: {error}")

    def _open_document(self, uri: str) -> Document:
        document = self.documents.get(uri)
        if document is None:
            raise UnknownDocument(f"{uri} is not open in the editor (open it first)")
        return document

    def finish_loading(self, document: Document, results: list[Reanchoring] | None) -> bool:
        """Install the regions of a deferred open: ``results`` as a worker found them for
        the text at open, or (None, or the text changed since) re-anchored now against
        the current text. False when there was nothing to do (loaded, or closed)."""
        if document.loading is None or self.documents.get(document.uri) is not document:
            return False
        store_sync.finish_loading(document, results)
        return True

    def open(
        self,
        uri: str,
        text: str,
        version: int | None,
        *,
        defer: bool = False,
        attach: bool = True,
    ) -> Document:
        """Open a document and track its stored regions. ``defer``: when there are stored
        regions to re-anchor, leave that to ``reanchor_groups`` (a worker can run it) and
        ``finish_loading``; until then ``document.loading`` is set. ``attach=False``: open
        it only (its edits applied), :meth:`attach` later."""
        document = Document(uri=uri, version=version, buffer=TextBuffer(text))
        self.documents[uri] = document  # open even if it cannot be tracked (it says why)
        if attach:
            self.attach(document, defer=defer)
        else:
            self._unattached.add(uri)
        return document

    def attached(self, document: Document) -> bool:
        return document.uri not in self._unattached

    def attach(self, document: Document, *, defer: bool = False) -> None:
        """Give an open document its repository context and stored regions (those
        re-anchored to its text as it is now); raises what git or the store refused."""
        self._unattached.discard(document.uri)
        store_sync.open_document(document, self.context_for, defer=defer)

    def close(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        self._unattached.discard(uri)
        if document is not None:
            self.persist(document)

    def change(self, uri: str, version: int | None, edits: Iterable[tuple[Pos, Pos, str]]) -> None:
        """Apply edits, each relative to the text after the previous one (to a document
        still loading its regions too: they are then re-anchored to the edited text)."""
        document = self._open_document(uri)
        document.version = version
        for tracked in apply_edits(document, edits):
            store_sync.record_removed(document, tracked)  # its text is gone

    def replace_all(self, uri: str, version: int | None, text: str) -> None:
        """Full-text sync: the change is the smallest single edit between old and new text."""
        self.change(uri, version, [smallest_edit(self._open_document(uri).buffer, text)])

    def persist(self, document: Document) -> None:
        """Write the open document's region positions (and the text they refer to)."""
        store_sync.persist(document)

    def persist_all(self) -> None:
        store_sync.persist_all(self.documents.values(), self.notices)

    # ------------------------------------------------------------------ actions
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
        """Record the lines the range touches as AI-written; returns the region id (a
        range that ends at character 0 of a line does not take that line)."""
        first, stop = actions.lines_of(self.document(uri).buffer, start, end)
        return self.mark_lines(uri, first, stop, tool, model, source, session_id)

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
        return actions.mark_lines(document, first, stop, tool, model, source, session_id)

    def tracked(self, uri: str, region_id: str) -> Tracked:
        return actions.find(self.document(uri), region_id)

    def regions_at(self, uri: str, first_line: int, last_line: int) -> list[Tracked]:
        """Regions of the document overlapping lines ``first_line`` .. ``last_line`` (a
        query: none yet while its repository is being looked up)."""
        document = self.loaded(uri)
        if document is None:
            raise UnknownDocument(f"{uri} is not open in the editor (open it first)")
        return document.regions_at(first_line, last_line)

    def comment_rationale_above(self, uri: str, tracked: Tracked) -> str | None:
        """The rationale of an ``ownit: <rationale>`` comment line right above a region."""
        return actions.comment_rationale_above(self.document(uri), tracked)

    def adopt_history(self, uri: str, region_id: str) -> str:
        return actions.adopt_history(self.document(uri), region_id)

    def claim(self, uri: str, region_id: str, rationale: str, purpose: str = "") -> Claim:
        """Own the region with ``rationale`` and, optionally, a ``purpose`` tag (checked
        against the policy's ``purposes`` list when it has one)."""
        return actions.claim(
            self.document(uri), region_id, rationale, purpose, self.rationale_rules
        )

    def dismiss(self, uri: str, region_id: str, reason: str) -> Dismissal:
        return actions.dismiss(self.document(uri), region_id, reason)

    # ---------------------------------------------------------------- history
    def history_inputs(self, uri: str) -> tuple[RepoContext, str, str] | None:
        return history.history_inputs(self.documents.get(uri))

    def compute_history(self, context: RepoContext, key: str, text: str) -> list[HistoryRun]:
        return history.compute_history(context, key, text)

    def set_history(self, uri: str, runs: list[HistoryRun], basis_text: str) -> bool:
        """Show ``runs`` (lines of ``basis_text``) in the open document; False if it closed."""
        document = self.loaded(uri)
        if document is None:
            return False
        history.show_history(document, runs, basis_text)
        return True

    # ------------------------------------------------------------ other writers
    def refresh_from_store(self) -> set[str]:
        """Pick up what other processes wrote; returns the URIs whose regions changed."""
        return store_sync.refresh_from_store(self.contexts.values(), self.documents, self.notices)

    # ------------------------------------------------------------------ status
    def open_states(self) -> Iterator[tuple[Document, RegionState]]:
        return store_sync.open_states(self.documents)

    def status(self, *, include_owned: bool = False) -> list[status.StatusEntry]:
        """Every unowned or stale region (with ``include_owned``, owned ones too): open
        documents as edited, other files as stored."""
        return status.status(
            self.open_states(), self.contexts.values(), include_owned=include_owned
        )

    def shutdown(self, *, save: bool = True) -> None:
        if save:
            self.persist_all()
        for context in self.contexts.values():
            context.store.close()
        self.contexts.clear()
