"""Signing the claims of a commit message as the hooks write it (docs/trust.md).

After the hook has merged ownit's trailers into the message, :func:`sign_message` puts an
``AI-Signature`` line directly after each ``AI-Owned`` line:

- a signature the claim already had (in the message itself, in HEAD's message for an
  amend, in the messages a squash folds in) is kept when it covers the same statement
  (same code, line count, tool, owner and rationale: the line numbers and the path may
  have changed, the statement leaves them out), so rebases, amends, cherry-picks and
  squashes keep every signature without signing again;
- a claim without one is signed with git's own signing configuration when the path's
  rule says ``signatures: warn`` or ``require`` and the claim's owner is the person
  committing (nobody signs someone else's claim); signatures are kept in
  ``<git-dir>/ownit/claim-signatures.json`` (by statement and key), so that running the
  hooks again (prepare-commit-msg then commit-msg, an amend) does not sign twice.

A claim that cannot be signed is committed unsigned, with one line on stderr saying why
and how to fix it (and that the rule requires signatures, when it does): a claim is never
lost because a key is missing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from ownit.core import trailers as tr
from ownit.core.claim_validity import OFF, REQUIRE
from ownit.core.claims import normalize_rationale
from ownit.core.policy import Policy
from ownit.core.signing import (
    AI_SIGNATURE,
    ClaimSignature,
    SignatureSyntaxError,
    format_signature,
    message_signatures,
    parse_signature_value,
)
from ownit.git.repo import Repository
from ownit.git.signing import (
    OpenPgpSigner,
    SigningError,
    read_signing_config,
    sign_claims,
    signer_for,
)

CACHE_FILE = "claim-signatures.json"
MAX_CACHE_ENTRIES = 20_000
_SIGNATURE_LINE = re.compile(r"^[ \t]*AI-Signature[ \t]*:", re.IGNORECASE)
_CLAIM_LINE = re.compile(r"^(AI-Owned): (\S.*)$", re.IGNORECASE)

Statement = tuple[str, int, str, str, str]


def statement_of(claim: tr.ClaimLine) -> Statement:
    """What a signature of ``claim`` covers, except its time: code, line count, tool,
    owner (case ignored) and rationale."""
    return (
        claim.fingerprint,
        claim.last - claim.first + 1,
        claim.tool,
        (claim.owner_email or "").casefold(),
        normalize_rationale(claim.rationale),
    )


def known_signatures(messages: Iterable[str], comment: str) -> dict[Statement, ClaimSignature]:
    """The signatures the claims of ``messages`` carry, by statement."""
    found: dict[Statement, ClaimSignature] = {}
    for message in messages:
        if "ai-signature:" not in message.lower():
            continue
        for item in message_signatures(message, comment).claims:
            if item.signature is not None:
                found.setdefault(statement_of(item.claim), item.signature)
    return found


@dataclass(slots=True)
class Signed:
    message: str
    problems: list[str] = field(default_factory=list)
    signed: int = 0  # new signatures made
    kept: int = 0  # signatures carried over
    unsigned_required: list[tr.ClaimLine] = field(default_factory=list)


def _cache_path(repo: Repository) -> Path:
    return repo.git_dir / "ownit" / CACHE_FILE


def _load_cache(repo: Repository) -> dict[str, ClaimSignature]:
    from ownit.regular_file import read_regular  # a named pipe is refused

    try:
        data = json.loads(read_regular(_cache_path(repo)).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, ClaimSignature] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and isinstance(value, str):
                try:
                    out[key] = parse_signature_value(value)
                except SignatureSyntaxError:
                    continue
    return out


def _save_cache(repo: Repository, cache: MutableMapping[str, ClaimSignature]) -> None:
    items = list(cache.items())[-MAX_CACHE_ENTRIES:]
    data = {key: format_signature(sig).partition(": ")[2] for key, sig in items}
    path = _cache_path(repo)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{CACHE_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # only slower next time


def _committer_emails(repo: Repository) -> set[str]:
    from ownit.git import run as git

    emails: set[str] = set()
    for var in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        result = git.run(["var", var], repo.toplevel, check=False)
        ident = git.text(result.stdout)
        if "<" in ident and ">" in ident:
            emails.add(ident.split("<", 1)[1].split(">", 1)[0].strip().casefold())
    return emails


def sign_message(
    repo: Repository,
    message: str,
    policy: Policy,
    *,
    comment: str,
    sources: Iterable[str] = (),
) -> Signed:
    """``message`` (the hook's merged message) with an ``AI-Signature`` after each
    ``AI-Owned`` line of its trailer block that has, or gets, one. ``sources``: other
    messages whose signatures the claims may carry (HEAD's for an amend, the squashed
    commits')."""
    known = known_signatures([message, *sources], comment)
    lines = message.split("\n")
    cut = len(message[: tr.ignored_tail_start(message, comment)].split("\n"))
    body = [
        line
        for at, line in enumerate(lines)
        if at >= cut or (comment and line.startswith(comment)) or not _SIGNATURE_LINE.match(line)
    ]
    cut -= len(lines) - len(body)
    claims: list[tuple[int, tr.ClaimLine]] = []
    for at, line in enumerate(body[:cut]):
        match = _CLAIM_LINE.match(line) if at else None  # never the subject
        if match is None:
            continue
        parsed = tr.parse_trailer(match.group(1), match.group(2))
        if isinstance(parsed, tr.ClaimLine) and parsed.owned:
            claims.append((at, parsed))
    result = Signed(message)
    if not claims:
        result.message = "\n".join(body)
        return result
    chosen: dict[int, ClaimSignature] = {}
    wanted: list[tuple[int, tr.ClaimLine]] = []
    required: dict[int, bool] = {}
    modes: dict[str, str] = {}
    for at, claim in claims:
        found = known.get(statement_of(claim))
        if found is not None and found.fingerprint == claim.fingerprint:
            chosen[at] = found
            result.kept += 1
            continue
        if claim.path not in modes:
            excluded = policy.is_excluded(claim.path)
            modes[claim.path] = OFF if excluded else policy.effective(claim.path).signatures.value
        mode = modes[claim.path]
        if mode == OFF:
            continue
        required[at] = mode == REQUIRE
        wanted.append((at, claim))
    if wanted:
        mine = _committer_emails(repo)
        own = [(at, c) for at, c in wanted if (c.owner_email or "").casefold() in mine]
        for at, claim in wanted:
            if (at, claim) not in own and required[at]:
                result.unsigned_required.append(claim)
        if own:
            _sign(repo, own, chosen, result)
            for at, claim in own:
                if at not in chosen and required[at]:
                    result.unsigned_required.append(claim)
    out: list[str] = []
    for at, line in enumerate(body):
        out.append(line)
        signature = chosen.get(at)
        if signature is not None:
            out.append(format_signature(signature))
    result.message = "\n".join(out)
    return result


def _sign(
    repo: Repository,
    own: list[tuple[int, tr.ClaimLine]],
    chosen: dict[int, ClaimSignature],
    result: Signed,
) -> None:
    cache = _load_cache(repo)
    before = len(cache)
    try:
        config = read_signing_config(repo.toplevel)
        signer = signer_for(config, repo.toplevel, own[0][1].owner_email or "")
        signatures = sign_claims(
            [claim for _, claim in own], signer, cache=cache, max_rationale=1 << 30
        )
    except SigningError as error:
        result.problems.append(
            f"cannot sign the claims ({error}); they are committed unsigned. Fix it and"
            " amend (git commit --amend --no-edit) to sign them"
        )
        return
    for (at, _), signature in zip(own, signatures, strict=True):
        chosen[at] = signature
    result.signed += len(cache) - before
    if len(cache) != before:
        _save_cache(repo, cache)


def has_signature_line(message: str) -> bool:
    return any(_SIGNATURE_LINE.match(line) for line in message.split("\n"))


__all__ = ["AI_SIGNATURE", "Signed", "has_signature_line", "sign_message", "statement_of"]


@dataclass(frozen=True, slots=True)
class Outlook:
    """Whether an ``AI-Owned`` claim of the next commit will be signed."""

    claim: tr.ClaimLine
    mode: str  # the path's ``signatures``: off, warn or require
    problem: str | None  # why it would be committed unsigned (None: it will be signed)


def signing_outlook(
    repo: Repository, policy: Policy, claims: Iterable[tr.ClaimLine]
) -> list[Outlook]:
    """For each owned claim in a path whose rule asks for signatures, whether the hooks
    can sign it: git's signing configuration is read and the signer set up (nothing is
    signed)."""
    out: list[Outlook] = []
    mine: set[str] | None = None
    setup: str | bool | None = False  # False: not tried yet
    for claim in claims:
        if not claim.owned or policy.is_excluded(claim.path):
            continue
        mode = policy.effective(claim.path).signatures.value
        if mode == OFF:
            continue
        if mine is None:
            mine = _committer_emails(repo)
        if (claim.owner_email or "").casefold() not in mine:
            out.append(Outlook(claim, mode, "the owner is not who commits: only they can sign it"))
            continue
        if setup is False:
            try:
                config = read_signing_config(repo.toplevel)
                signer = signer_for(config, repo.toplevel, claim.owner_email or "")
                if isinstance(signer, OpenPgpSigner):  # an SSH signer found its key already
                    signer.check_ready()
                setup = None
            except SigningError as error:
                setup = str(error)
        out.append(Outlook(claim, mode, setup if isinstance(setup, str) else None))
    return out
