"""Notice what other processes (the CLI, git hooks, agents, other editors) wrote to the
store, and save region positions of edited documents in the background."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.lsp.heap import fix_large_block_threshold, release_memory

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer

log = logging.getLogger(__name__)

POLL_SECONDS = 0.3  # PRAGMA data_version is one cheap read per store
PERSIST_EVERY_POLLS = 5  # positions of edited documents are saved every ~1.5 s


async def watch(server: OwnitServer) -> None:
    session = server.session
    polls = 0
    while not server.shutting_down:  # after `shutdown` the stores are closed
        await asyncio.sleep(POLL_SECONDS)
        polls += 1
        try:
            changed = session.refresh_from_store()
            if changed:
                server.refresh(changed)
            if polls % PERSIST_EVERY_POLLS == 0:
                session.persist_all()
                server.show_notices()
                release_memory()
                for context in session.policy_files_changed():
                    server.reload_policy(context)
                for context in session.heads_moved():
                    for uri, document in list(session.documents.items()):
                        if document.context is context:
                            server.schedule_history(uri)
        except Exception:  # keep watching: one bad read must not end the loop
            log.exception("store watch")


def register(server: OwnitServer) -> None:
    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        # Before the first document opens (not at start-up: ctypes costs milliseconds).
        fix_large_block_threshold()
        folders, server.pending_folders = server.pending_folders, []
        await server.add_workspace_folders(folders)
        if not server.shutting_down:
            server.run_in_background(asyncio.get_running_loop().create_task(watch(server)))
