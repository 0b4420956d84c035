"""The language server factory: the server façade with one module per feature."""

from __future__ import annotations

from ownit.lsp.facade import OwnitServer
from ownit.lsp.protocol import OwnitProtocol, RawJson

__all__ = ["OwnitProtocol", "OwnitServer", "RawJson", "create_server"]


def create_server() -> OwnitServer:
    from ownit.lsp.features import (
        code_actions,
        code_lens,
        commands,
        diagnostics,
        documents,
        hover,
        lifecycle,
        policy,
        store_watch,
    )

    server = OwnitServer()
    for feature in (
        lifecycle,
        documents,
        diagnostics,
        hover,
        code_actions,
        code_lens,
        commands,
        policy,
        store_watch,
    ):
        feature.register(server)
    return server
