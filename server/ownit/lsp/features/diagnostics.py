"""Push diagnostics (publishDiagnostics) or, for clients that pull, textDocument/diagnostic.

This is the keystroke path: every didChange publishes the document's diagnostics. Each
region's diagnostic is serialized once and reused until something it shows changes (its
lines, the last line's text, its message); a publish is then a string join and one write.
What was made is this feature's own cache (``_Cache``, one per open document), dropped when
the document closes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types

from ownit.core.findings import Finding, finding_for, format_age
from ownit.core.model import Severity
from ownit.git.run import GitError
from ownit.lsp.convert import (
    diagnostic_template,
    finding_to_json,
    line_end_units,
    policy_problem_to_diagnostic,
    shown_lines,
    tail_text,
)
from ownit.lsp.facade import RawJson

if TYPE_CHECKING:
    from ownit.lsp.facade import OwnitServer
    from ownit.session import Document, Tracked

log = logging.getLogger(__name__)


_HEAD = '{"range": {"start": {"line": '
_MIDDLE = ', "character": 0}, "end": {"line": '


# What a finding reads of a region with no claim, dismissal or history behind it, but its
# id and lines: regions alike in these share their finding (in one publish).
_Shape = tuple[object, int, str, str | None, str]
# A finding's JSON but its lines and region id (convert.diagnostic_template); None: the
# finding shows nothing.
_Template = tuple[str, str] | None


class _Shown:
    """A region's diagnostic as last made: what its JSON is made of after its two line
    numbers (the finding's template, shared by regions alike, and where its last line
    ends), and what it was made from (``tracked``: the very region, not another one with
    its id). A region that only moved by whole lines (an edit above it) needs nothing but
    its new lines. No JSON text is kept: the template and two numbers are all it takes."""

    __slots__ = ("age", "first", "last", "revision", "template", "tracked", "units")

    def __init__(
        self,
        tracked: Tracked,
        revision: int,
        age: str,
        template: _Template,
        units: int,
        lines: tuple[int, int],
    ) -> None:
        self.tracked, self.revision, self.age = tracked, revision, age
        self.template, self.units = template, units
        self.first, self.last = lines  # the lines it was last made with


class _Cache:
    """What this feature last made of one open document: each region's diagnostic (by
    region id), and of the last diagnostics made, the document revision, the policy
    problems and how many there were. What was published is not kept: whether anything
    differs is known while they are made (``changed``), so each JSON is held once."""

    __slots__ = ("changed", "count", "document", "problems", "revision", "shown")

    def __init__(self, document: Document) -> None:
        self.document = document
        self.shown: dict[str, _Shown] = {}
        self.revision = -1
        self.problems: list[str] | None = None
        self.count = -1
        self.changed = True  # the diagnostics last made differ from those made before


def _cache_for(caches: dict[str, _Cache], document: Document) -> _Cache:
    """The document's cache (a fresh one for a document opened again); entries of regions
    gone are dropped once they outnumber the regions, so it never grows past twice them."""
    cache = caches.get(document.uri)
    if cache is None or cache.document is not document:
        cache = caches[document.uri] = _Cache(document)
    elif len(cache.shown) > 2 * (len(document.tracked) + len(document.history)) + 16:
        cache.shown = {
            key: shown for key, shown in cache.shown.items() if document.find(key) is shown.tracked
        }
    return cache


_UNMADE: _Template = ("", "")  # (a template not made yet in this publish)


class _Publish:
    """What one making of a document's diagnostics shares across its regions."""

    __slots__ = ("ages", "encoding", "now", "rule", "shapes")

    def __init__(self, encoding: str | None, now: float, rule: str | None) -> None:
        self.encoding, self.now, self.rule = encoding, now, rule
        self.shapes: dict[_Shape, _Template] = {}
        self.ages: dict[float, str] = {}  # created_at -> its age as shown

    def age(self, created_at: float) -> str:
        age = self.ages.get(created_at)
        if age is None:
            age = self.ages[created_at] = format_age(self.now - created_at)
        return age


def _region_json(
    server: OwnitServer, document: Document, cache: _Cache, tracked: Tracked, run: _Publish
) -> str | None:
    """The region's diagnostic, remade only when something it shows changed (the session
    bumps the region's revision then) or its age reads differently."""
    state = tracked.state
    region = state.region
    age = run.age(region.created_at)
    shown = cache.shown.get(region.id)
    if shown is not None and shown.tracked is not tracked:
        shown = None  # another region with this id (the store's, reloaded)
    if shown is not None and shown.revision == tracked.revision and shown.age == age:
        template = shown.template
        if template is None:
            return None
        first, last = shown_lines(document.buffer, region.first_line, region.end_line)
        if first != shown.first or last != shown.last:
            shown.first, shown.last = first, last
            cache.changed = True
        return f"{_HEAD}{first}{_MIDDLE}{last}{tail_text(shown.units, region.id, template)}"
    if tracked.history is None and state.claim is None and state.dismissal is None:
        # (a document opened with thousands: most are alike)
        shape = (region.source, region.end_line - region.first_line, region.tool, region.model, age)
        shapes = run.shapes
        template = shapes.get(shape, _UNMADE)
        if template is not _UNMADE:
            return _remember(document, cache, tracked, shown, age, template, run.encoding)
        finding = _finding(server, document, tracked, run.now, run.rule)
        template = shapes[shape] = None if finding is None else diagnostic_template(finding)
        return _remember(document, cache, tracked, shown, age, template, run.encoding)
    finding = _finding(server, document, tracked, run.now, run.rule)
    if finding is not None and (
        (finding.region_id, finding.first_line, finding.end_line)
        != (region.id, region.first_line, region.end_line)
    ):  # (never so today) a finding about other lines is not kept for these
        cache.shown.pop(tracked.key, None)
        cache.changed = True
        return finding_to_json(document.buffer, finding, run.encoding)
    template = None if finding is None else diagnostic_template(finding)
    return _remember(document, cache, tracked, shown, age, template, run.encoding)


def _finding(
    server: OwnitServer, document: Document, tracked: Tracked, now: float, rule: str | None
) -> Finding | None:
    issue = server.session.policy_issue(document, tracked.state)
    severity = server.session.severity_for(document, tracked.state, issue)
    history = tracked.history
    if history is not None and severity is not Severity.OFF and not history.owned and not issue:
        severity = Severity.HINT  # what history says is a hint; the store's regions warn
    commit = history.commit if history is not None else None
    invalid = history.invalid if history is not None else ""
    return finding_for(
        tracked.state,
        now,
        severity,
        rule,
        commit,
        history=history,
        issue=issue,
        history_invalid=invalid,
    )


def _remember(
    document: Document,
    cache: _Cache,
    tracked: Tracked,
    old: _Shown | None,
    age: str,
    template: _Template,
    encoding: str | None,
) -> str | None:
    """The region's diagnostic as JSON text, kept (after its line numbers) in the
    document's cache; ``cache.changed`` is set unless it reads as ``old`` did."""
    region = tracked.state.region
    buffer = document.buffer
    lines = shown_lines(buffer, region.first_line, region.end_line)
    if template is None:
        if old is None or old.template is not None:
            cache.changed = True
        cache.shown[region.id] = _Shown(tracked, tracked.revision, age, None, 0, lines)
        return None
    first, last = lines
    units = line_end_units(buffer, last, encoding)
    if (
        old is None
        or old.units != units
        or old.first != first
        or old.last != last
        or old.template != template
    ):
        cache.changed = True
    cache.shown[region.id] = _Shown(tracked, tracked.revision, age, template, units, lines)
    return f"{_HEAD}{first}{_MIDDLE}{last}{tail_text(units, region.id, template)}"


# Diagnostics are joined (with commas) a batch at a time as they are made: the JSON texts
# of ten thousand regions are never all held at once (nor their memory left fragmented).
_BATCH = 1024


def _diagnostics(server: OwnitServer, document: Document, cache: _Cache) -> list[str]:
    """The document's diagnostics as JSON texts, each of one or more diagnostics joined
    with commas (so the list joined with commas is the array's content);
    ``cache.changed`` says whether they differ from those made before."""
    session = server.session
    cache.changed = False
    problems = [
        json.dumps(policy_problem_to_diagnostic(document.buffer, problem, server.encoding))
        for problem in session.policy_problems(document)
    ]
    if problems != cache.problems:
        cache.changed, cache.problems = True, list(problems)
    effective = server.session.rule_for(document)
    # What the message names: the rule that applies, said truly (EffectiveRule.rule_phrase);
    # nothing when only the defaults apply.
    rule = (
        effective.rule_phrase(effective.rule_name)
        if effective is not None and effective.rule_name != "defaults"
        else None
    )
    run = _Publish(server.encoding, time.time(), rule)
    joined = problems
    count = len(problems)
    batch: list[str] = []
    for regions in (document.tracked, document.history):
        for tracked in regions.values():
            text = _region_json(server, document, cache, tracked, run)
            if text is not None:
                batch.append(text)
                if len(batch) == _BATCH:
                    joined.append(",".join(batch))
                    count += len(batch)
                    batch.clear()
    if batch:
        joined.append(",".join(batch))
        count += len(batch)
    # (a region gone, or another showing none now, changes how many there are)
    if count != cache.count:
        cache.changed = True
    cache.count = count
    return joined


def diagnostics_json(
    server: OwnitServer, caches: dict[str, _Cache], document: Document
) -> list[str]:
    """The document's diagnostics as JSON texts to join with commas (one or more each)."""
    return _diagnostics(server, document, _cache_for(caches, document))


def publish(
    server: OwnitServer, caches: dict[str, _Cache], uri: str, *, only_if_changed: bool = False
) -> None:
    """Send the document's diagnostics to a push client (pull clients ask for them).

    After an edit, ``only_if_changed`` skips the message when every diagnostic is what the
    client already has: it then already shows them at the right places (an edit that moves
    or reshapes a region changes its diagnostic), and most keystrokes cost no message.
    """
    if server.client.pull_diagnostics:
        return
    document = server.session.documents.get(uri)
    items: list[str] = []
    if document is None:
        caches.pop(uri, None)
    else:
        cache = _cache_for(caches, document)
        if only_if_changed and document.revision == cache.revision:
            return  # nothing shown can have changed: not even worth computing
        items = _diagnostics(server, document, cache)
        cache.revision = document.revision
        if only_if_changed and not cache.changed:
            return
    version = (
        f',"version":{document.version}'
        if document is not None and document.version is not None
        else ""
    )
    server.write_json(
        '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
        + json.dumps(uri)
        + version
        + ',"diagnostics":['
        + ",".join(items)
        + "]}}",
    )


def schedule_history(server: OwnitServer, uri: str) -> None:
    """Compute the document's history hints in a worker thread (git blame, claim index),
    then show them: never on the keystroke path."""
    inputs = server.session.history_inputs(uri)
    if inputs is None:
        return
    context, key, text = inputs

    async def run() -> None:
        try:
            runs = await asyncio.get_running_loop().run_in_executor(
                None, server.session.compute_history, context, key, text
            )
        except GitError as error:  # git refused, or did not answer in time: one line
            if not server.shutting_down:  # (then every git still running is stopped)
                log.warning("history hints for %s: %s", uri, error)
            return
        except Exception:
            log.exception("history hints for %s", uri)
            return
        if server.session.set_history(uri, runs, text):
            server.refresh({uri})

    server.run_in_background(asyncio.ensure_future(run()))


def clear(server: OwnitServer, caches: dict[str, _Cache], uri: str) -> None:
    caches.pop(uri, None)
    if not server.client.pull_diagnostics:
        server.write_json(
            '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
            + json.dumps(uri)
            + ',"diagnostics":[]}}',
        )


def refresh(server: OwnitServer, caches: dict[str, _Cache], uris: Iterable[str]) -> None:
    """Diagnostics changed for reasons other than an edit (a claim, another process):
    push them again, or ask a pull client to pull; code lenses say the same, so ask the
    client to refresh those too."""
    uris = set(uris)
    client = server.client
    if uris and client.code_lens_refresh:
        server.protocol.send_request(types.WORKSPACE_CODE_LENS_REFRESH, None)
    if client.pull_diagnostics:
        if client.diagnostic_refresh:
            server.protocol.send_request(types.WORKSPACE_DIAGNOSTIC_REFRESH, None)
        return
    for uri in uris:
        publish(server, caches, uri)


class _Service:
    """The diagnostics services of the server (``OwnitServer.publish`` and friends)."""

    def __init__(self, server: OwnitServer) -> None:
        self._server = server
        self.caches: dict[str, _Cache] = {}  # open document's URI -> what was made of it

    def publish(self, uri: str, *, only_if_changed: bool = False) -> None:
        publish(self._server, self.caches, uri, only_if_changed=only_if_changed)

    def refresh(self, uris: Iterable[str]) -> None:
        refresh(self._server, self.caches, uris)

    def clear(self, uri: str) -> None:
        clear(self._server, self.caches, uri)

    def schedule_history(self, uri: str) -> None:
        schedule_history(self._server, uri)


def register(server: OwnitServer) -> None:
    service = _Service(server)
    server.provide(diagnostics=service)

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="ownit", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    def pull(params: types.DocumentDiagnosticParams) -> RawJson:
        uri = params.text_document.uri
        document = server.session.loaded(uri)
        if document is not None and not server.client.diagnostic_refresh:
            # A client that cannot be asked to pull again waits for the regions (its
            # repository looked up on the message loop, within git's limit).
            document = server.session.document(uri)
        items = [] if document is None else diagnostics_json(server, service.caches, document)
        return RawJson('{"kind":"full","items":[' + ",".join(items) + "]}")
