"""initialize / initialized / shutdown, and workspace folders (multi-root workspaces)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

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
    def folders_changed(params: types.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.added:
            session.add_workspace_folder(folder.uri)

    @server.feature(types.SHUTDOWN)
    def shutdown(*_: object) -> None:
        server.shutting_down = True
        session.shutdown()
