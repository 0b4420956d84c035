"""The `ownit` command's exit codes and the error that means "usage or input" (docs/cli.md).

Every verb, and anything a verb calls that can refuse its input, imports these from here;
no verb imports :mod:`ownit.cli`, which finds the verbs and maps :class:`UsageError` to
``ownit: <message>`` and exit 2.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_POLICY = 1  # the policy says no (verify, policy check, doctor, trailers --check)
EXIT_USAGE = 2  # bad arguments or input
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE), as git exits


class UsageError(Exception):
    """Bad arguments or input: printed as `ownit: <message>`, exit 2."""
