"""GitHub Actions workflow commands (``::error file=…,line=…::message``). Pure.

The runner reads a command from any output line that starts with ``::``; its properties
are separated by ``,`` and end at ``::``, and a line ends the command. So a value is
escaped as the runner unescapes it: ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A`` in the
message, and also ``:`` → ``%3A``, ``,`` → ``%2C`` in a property. Repository data printed
outside a command (a commit subject, a path) could start a line with ``::`` too:
:func:`stop_commands` / :func:`resume_commands` bracket it so the runner ignores it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from ownit.core.alerts import ERROR, NOTE, Alert, clean_text

COMMANDS = {ERROR: "error", "warning": "warning", NOTE: "notice"}


def escape_data(text: str) -> str:
    return clean_text(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """``::name key=value,…::message`` (properties that are None are left out)."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(alert: Alert, *, level: str | None = None) -> str:
    """The annotation of one alert: on its file and lines, titled with its rule."""
    kind = COMMANDS.get(level or alert.level, "warning")
    message = alert.message + (f"\nFix: {alert.fix}" if alert.fix else "")
    return command(
        kind,
        message,
        file=alert.path or None,
        line=alert.first or None,
        endLine=(alert.last or None) if alert.first else None,
        title=f"ownit: {alert.rule_id}",
    )


def new_token() -> str:
    """A token no repository data can guess, for :func:`stop_commands`."""
    return f"ownit-{secrets.token_hex(16)}"


def stop_commands(token: str) -> str:
    return f"::stop-commands::{token}"


def resume_commands(token: str) -> str:
    return f"::{token}::"


def annotation_lines(alerts: Sequence[Alert], *, level: str | None = None) -> list[str]:
    return [annotation(alert, level=level) for alert in alerts]
