"""initialize / initialized / shutdown, and workspace folders (multi-root workspaces)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.git import run as git
from ownit.lsp.facade import ClientSupport

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer

log = logging.getLogger(__name__)


def register(server: OwnitServer) -> None:
    session = server.session

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.client = ClientSupport.of(params.capabilities)
        # Opened after the initialize response (see `initialized`): start-up stays fast.
        server.pending_folders = [folder.uri for folder in params.workspace_folders or []]
        if not params.workspace_folders and params.root_uri:
            server.pending_folders.append(params.root_uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def folders_changed(params: types.DidChangeWorkspaceFoldersParams) -> None:
        await server.add_workspace_folders([folder.uri for folder in params.event.added])

    @server.feature(types.SHUTDOWN)
    def shutdown(*_: object) -> None:
        server.shutting_down = True
        git.stop_all()  # nobody waits for a git still running: it must not hold up the exit
        session.shutdown()

    @server.feature(types.EXIT)
    def exit_(*_: object) -> None:
        git.stop_all()  # an exit without shutdown too
