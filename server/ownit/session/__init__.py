"""The session: open documents, their regions and their stores, in one object.

``Session`` (facade.py) holds the state and hands each request to the module whose job
it is:

- ``documents``  open documents and their regions, the one ``touch()`` of their revision
  bookkeeping, and moving regions through an edit;
- ``contexts``   repository contexts: a store, its repository, the policy in force;
- ``rules``      what the policy says about a document (rule, severity, rationale, purpose,
  signing);
- ``store_sync`` regions loaded from and saved to the store, other writers merged in,
  a renamed file's regions adopted, a vanished store written back;
- ``history``    history hints (blame and claim index) shown as regions;
- ``actions``    mark, claim, dismiss;
- ``status``     the status query;
- ``errors``     what the session refuses (``RequestError``).

The pure computations they use are in ``ownit.core`` (text_compare, severity,
history_regions, region_index, reanchor, tracking).
"""

from ownit.session.contexts import POLICY_FILE, PolicyState, RepoContext, default_policy
from ownit.session.documents import (
    MAX_TRACKED_BYTES,
    Document,
    PendingLoad,
    Tracked,
    path_to_uri,
    uri_to_path,
)
from ownit.session.errors import RequestError, UnknownDocument
from ownit.session.facade import Session
from ownit.session.store_sync import LIVE_GRACE_SECONDS

__all__ = [
    "LIVE_GRACE_SECONDS",
    "MAX_TRACKED_BYTES",
    "POLICY_FILE",
    "Document",
    "PendingLoad",
    "PolicyState",
    "RepoContext",
    "RequestError",
    "Session",
    "Tracked",
    "UnknownDocument",
    "default_policy",
    "path_to_uri",
    "uri_to_path",
]
