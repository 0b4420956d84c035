"""What the session refuses, and why."""

from __future__ import annotations


class RequestError(Exception):
    """A request the session cannot honour; the message says why and what to do."""


class UnknownDocument(RequestError):
    pass
