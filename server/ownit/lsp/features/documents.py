"""Text synchronization: open, change (incremental or full), save, close."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.lsp.convert import to_core_range
from ownit.lsp.heap import release_memory
from ownit.session import RequestError
from ownit.session.store_sync import collection_paused, reanchor_pending
from ownit.store import StoreError

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer

log = logging.getLogger(__name__)


def register(server: OwnitServer) -> None:
    session = server.session

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(params: types.DidOpenTextDocumentParams) -> None:
        """Open, then re-anchor the stored regions in a worker thread: the server goes on
        answering other messages meanwhile (an edit of this document included), and
        publishes the diagnostics once the regions are in place."""
        item = params.text_document
        document = session.open(item.uri, item.text, item.version, attach=False)
        waited = not session.repository_known(item.uri)
        if waited:
            # Finding the repository runs git: in a worker, so that a git that hangs never
            # stops the server (the document is open meanwhile: its edits are applied).
            await asyncio.get_running_loop().run_in_executor(None, session.discover, item.uri)
            if session.documents.get(item.uri) is not document or server.shutting_down:
                return  # closed (or opened again) meanwhile, or the stores are closed
        # No cyclic garbage collection from the store read to the first publish when the
        # regions are installed at once (each collection would walk every new object).
        with collection_paused():
            try:
                if not session.attached(document):  # (a request may have attached it)
                    session.attach(document, defer=True)
            except Exception as error:  # a broken store or repository must not kill the server
                _cannot_track(item.uri, error)
            server.show_notices()
            pending = document.loading
            if pending is None:
                show(item.uri, waited)
        if pending is not None:
            results = None
            try:
                results = await asyncio.get_running_loop().run_in_executor(
                    None, reanchor_pending, pending
                )
            except Exception:
                log.exception("re-anchoring %s (done again on the message loop)", item.uri)
            if session.documents.get(item.uri) is not document:
                return  # closed (or opened again) meanwhile
            with collection_paused():  # every region's first diagnostic too
                try:
                    session.finish_loading(document, results)
                except Exception as error:
                    _cannot_track(item.uri, error)
                server.show_notices()
                show(item.uri, waited)
        # What the open and its publish allocated for a moment goes back to the system
        # now, not at the store watch's next trim (the client has its diagnostics).
        asyncio.get_running_loop().call_soon(release_memory)
        server.schedule_history(item.uri)

    def show(uri: str, waited: bool) -> None:
        """The first diagnostics of an open; after a wait for git, queries answered
        meanwhile (lenses, a pull) saw no regions: ask the client to ask again."""
        if waited:
            server.refresh({uri})
        else:
            server.publish(uri)

    def _cannot_track(uri: str, error: Exception) -> None:
        if isinstance(error, StoreError):  # the message says it all (and the fix)
            log.warning("opening %s: %s", uri, error)
        else:
            log.exception("opening %s", uri)
        server.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"ownit cannot track {uri}: {error}",
            )
        )

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = session.documents.get(uri)
        if document is None:
            log.warning("didChange for %s, which is not open: ignored", uri)
            return
        version = params.text_document.version
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start, end = to_core_range(document.buffer, change.range, server.encoding)
                session.change(uri, version, [(start, end, change.text)])
            else:
                session.replace_all(uri, version, change.text)
        server.publish(uri, only_if_changed=True)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        document = session.documents.get(params.text_document.uri)
        if document is None:
            return
        try:
            session.persist(document)
        except (RequestError, StoreError) as error:
            log.warning("saving positions: %s", error)
            server.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"ownit could not save region positions: {error}",
                )
            )
        server.show_notices()
        if document.is_policy_file and document.context is not None:
            server.reload_policy(document.context)
        server.schedule_history(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        session.close(params.text_document.uri)
        server.clear_diagnostics(params.text_document.uri)
